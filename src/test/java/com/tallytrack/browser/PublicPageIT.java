package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** The public query page {@code /} against the real query API (simulator carrier). */
class PublicPageIT extends BrowserTestBase {

    private void query(String text) {
        open("/");
        WebElement input = visible(By.id("numbers"));
        input.clear();
        input.sendKeys(text);
        driver.findElement(By.id("query-button")).click();
    }

    @Test
    void manifestLinkedNumberShowsItsPackageAndTheTimelineNewestFirst() {
        String number = uniqueNumber("PL");
        String pkg = "PKG-" + uniqueNumber("W");
        createManifest(number, pkg, "C001");

        query(number.toLowerCase());

        WebElement card = visible(By.cssSelector("#results .result-card"));
        assertThat(card.findElement(By.cssSelector(".number")).getText()).isEqualToIgnoringCase(number);
        assertThat(card.findElement(By.cssSelector(".package-link")).getText()).contains(pkg);
        assertThat(card.findElement(By.cssSelector(".company")).getText()).isNotBlank();
        assertThat(card.findElement(By.cssSelector(".badge.state")).getText()).isNotBlank();
        assertThat(card.findElement(By.cssSelector(".badge.demo")).isDisplayed()).isTrue();
        // a single number shows its journey: newest first within the package leg (the domestic leg follows it)
        List<WebElement> events = card.findElements(By.cssSelector(".timeline li.track[data-leg='package']"));
        assertThat(events).isNotEmpty();
        List<OffsetDateTime> times = events.stream()
                .map(e -> e.findElement(By.tagName("time")).getAttribute("datetime"))
                .map(PublicPageIT::parseTime).toList();
        for (int i = 1; i < times.size(); i++) {
            assertThat(times.get(i - 1)).as("event %d is not older than event %d", i - 1, i)
                    .isAfterOrEqualTo(times.get(i));
        }
    }

    @Test
    void severalNumbersAreQueriedAsOneBatch() {
        String first = uniqueNumber("BA");
        String second = uniqueNumber("BB");

        query(first + ", " + second.toLowerCase());

        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results .result-card"), 2));
        assertThat(driver.findElement(By.id("summary")).getText()).contains("2");
    }

    @Test
    void aNumberTheCarrierDoesNotKnowGetsAFriendlyMessage() {
        // The simulator's rule: a number ending in 0000 is unknown to the carrier.
        String unknown = uniqueNumber("NF") + "0000";
        String known = uniqueNumber("OK");

        query(unknown + " " + known);

        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#results .result-card"), 2));
        WebElement error = driver.findElement(By.cssSelector("#results .result-error"));
        assertThat(error.getAttribute("data-code")).isEqualTo("NOT_FOUND");
        assertThat(error.getText()).contains("没有查到");
        assertThat(driver.findElement(By.id("summary")).getText()).contains("失败 1");
    }

    @Test
    void aLoadingIndicatorShowsWhileTheQueryRunsAndTheButtonWaits() {
        open("/");
        // Hold every request back a little, so the running state can be seen.
        js("const f = window.fetch; window.fetch = (...a) => new Promise(r => setTimeout(r, 1500)).then(() => f(...a));");
        visible(By.id("numbers")).sendKeys(uniqueNumber("LD"));
        driver.findElement(By.id("query-button")).click();

        assertThat(visible(By.id("loading")).getText()).contains("正在查询");
        assertThat(driver.findElement(By.id("query-button")).isEnabled()).isFalse();

        visible(By.cssSelector("#results .result-card"));
        assertThat(driver.findElements(By.id("loading"))).isEmpty();
        assertThat(driver.findElement(By.id("query-button")).isEnabled()).isTrue();
    }

    @Test
    void invalidInputShowsAFriendlyMessageWithoutQuerying() {
        query("AB-1");

        WebElement message = visible(By.cssSelector("#message .alert.error"));
        assertThat(message.getText()).contains("字母和数字");
        WebElement cardError = driver.findElement(By.cssSelector("#results .result-error"));
        assertThat(cardError.getAttribute("data-code")).isEqualTo("INVALID_TRACKING_NUMBER");
        assertThat(driver.findElement(By.id("numbers")).getAttribute("aria-invalid")).isEqualTo("true");
    }

    @Test
    void markupTypedIntoTheInputIsShownAsText() {
        String markup = "<b>bold</b><script>window.injected=1</script>";

        query(markup);

        WebElement card = visible(By.cssSelector("#results .result-card"));
        assertThat(card.findElement(By.cssSelector(".number")).getText()).isEqualTo(markup);
        assertThat(js("return window.injected === undefined;")).isEqualTo(true);
        assertThat(driver.findElements(By.cssSelector("#results b"))).isEmpty();
    }

    @Test
    void clearEmptiesTheInputAndTheResultsAndAllowsAnotherQuery() {
        String number = uniqueNumber("CL");
        query(number);
        visible(By.cssSelector("#results .result-card"));

        driver.findElement(By.id("clear-button")).click();

        assertThat(driver.findElement(By.id("numbers")).getAttribute("value")).isEmpty();
        assertThat(driver.findElements(By.cssSelector("#results .result-card"))).isEmpty();
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo("numbers");

        // Keyboard only: Enter in the input queries again.
        driver.findElement(By.id("numbers")).sendKeys(number, Keys.ENTER);
        visible(By.cssSelector("#results .result-card"));
    }

    @Test
    void englishSwitchIsRememberedAcrossVisits() {
        open("/");
        driver.findElement(By.id("lang-switch")).click();
        assertThat(driver.findElement(By.id("query-button")).getText()).isEqualTo("Track");

        open("/");

        assertThat(visible(By.id("query-button")).getText()).isEqualTo("Track");
        assertThat(driver.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
    }

    @Test
    void aPhoneWideViewportHasNoHorizontalScroll() {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(375, 800));
            String number = uniqueNumber("PH");
            createManifest(number, "PKG-" + uniqueNumber("PHONE"), "C002");
            query(number);
            visible(By.cssSelector("#results .timeline"));

            long viewport = ((Number) js("return document.documentElement.clientWidth;")).longValue();
            long content = ((Number) js("return document.documentElement.scrollWidth;")).longValue();
            assertThat(viewport).isLessThanOrEqualTo(375);
            assertThat(content).as("page width at a %d px viewport", viewport).isLessThanOrEqualTo(viewport);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[ ]['T']HH:mm[:ss]")
            .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
            .parseDefaulting(ChronoField.OFFSET_SECONDS, 0)
            .toFormatter();

    private static OffsetDateTime parseTime(String text) {
        try {
            return OffsetDateTime.parse(text);
        } catch (RuntimeException e) {
            return OffsetDateTime.parse(text, LOCAL);
        }
    }
}
