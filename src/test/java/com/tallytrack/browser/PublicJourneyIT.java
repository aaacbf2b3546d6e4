package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The journey on the public page (issue 11.2): a linked number shows one timeline — package leg, the warehouse
 * step, domestic leg — under a milestone progress bar; at 360 px nothing scrolls sideways; carrier text is text.
 */
class PublicJourneyIT extends BrowserTestBase {

    @Autowired
    JdbcClient jdbc;

    private void query(String text) {
        open("/");
        WebElement input = visible(By.id("numbers"));
        input.clear();
        input.sendKeys(text);
        driver.findElement(By.id("query-button")).click();
    }

    @Test
    void aLinkedNumberShowsOneTimelineWithTheWarehouseStepUnderTheProgressBar() {
        String number = uniqueNumber("JY");
        String pkg = "PKG-" + uniqueNumber("J");
        createManifest(number, pkg, "C001");

        query(number);

        WebElement journey = visible(By.cssSelector("#results .journey"));
        WebElement progress = journey.findElement(By.cssSelector(".journey-progress"));
        assertThat(progress.getAttribute("aria-label")).isEqualTo("运输进度");
        List<WebElement> steps = progress.findElements(By.cssSelector(".journey-step"));
        assertThat(steps).hasSize(7);
        List<WebElement> current = progress.findElements(By.cssSelector(".journey-step[aria-current='step']"));
        assertThat(current).hasSize(1);
        int index = steps.indexOf(current.get(0));
        assertThat(index).as("a parcel in a package is at least at the warehouse").isGreaterThanOrEqualTo(2);
        assertThat(progress.findElement(By.cssSelector(".journey-summary")).getText())
                .contains("第 " + (index + 1) + " 步（共 7 步）");
        for (int i = 0; i < index; i++) {
            assertThat(steps.get(i).getAttribute("class")).contains("done");
        }

        List<String> order = new java.util.ArrayList<>();
        for (WebElement li : journey.findElements(By.cssSelector(".journey-timeline > li"))) {
            String kind = li.getAttribute("class").split(" ")[0];
            if (order.isEmpty() || !order.get(order.size() - 1).equals(kind)) {
                order.add(kind);
            }
        }
        assertThat(order).containsExactly("leg-heading", "track", "warehouse-step", "leg-heading", "track");
        List<WebElement> headings = journey.findElements(By.cssSelector(".leg-heading"));
        assertThat(headings).extracting(h -> h.getAttribute("data-role")).containsExactly("package", "original");
        assertThat(headings.get(0).getText()).contains("集包段").contains(pkg);
        assertThat(headings.get(1).getText()).contains("国内段").contains(number);
        assertThat(journey.findElement(By.cssSelector(".warehouse-step")).getText())
                .contains("已入库理货，装入集包 " + pkg).contains("2026-11-20");
        assertThat(journey.findElements(By.cssSelector("li.track[data-leg='package']"))).isNotEmpty();
        assertThat(journey.findElements(By.cssSelector("li.track[data-leg='original']"))).isNotEmpty();

        driver.findElement(By.id("lang-switch")).click();
        waitForText(By.cssSelector("#results .warehouse-step"), "packed into package " + pkg);
        assertThat(driver.findElement(By.cssSelector("#results .journey-summary")).getText()).contains("of 7");
    }

    @Test
    void anUnlinkedNumberShowsItsOwnLegWithoutAWarehouseStep() {
        String number = uniqueNumber("JN");
        query(number);
        WebElement journey = visible(By.cssSelector("#results .journey"));
        assertThat(journey.findElements(By.cssSelector(".journey-step"))).hasSize(5);
        assertThat(journey.findElements(By.cssSelector(".warehouse-step"))).isEmpty();
        assertThat(journey.findElements(By.cssSelector(".leg-heading"))).singleElement()
                .satisfies(h -> assertThat(h.getAttribute("data-role")).isEqualTo("original"));
    }

    @Test
    void aStoredDeliveredDomesticLegIsShownAsTextAndAnExceptionIsMarkedOnTheBar() {
        String number = uniqueNumber("JS");
        String pkg = "PKG-" + uniqueNumber("S");
        createManifest(number, pkg, "C001");
        OffsetDateTime at = OffsetDateTime.of(2026, 11, 19, 9, 30, 0, 0, ZoneOffset.UTC);
        store(number, "delivered", "3", true, "<img src=x onerror=alert(1)>已送达仓库", at);
        store(pkg, "exception", "2", false, "包裹破损", at.plusDays(1));

        query(number);

        WebElement journey = visible(By.cssSelector("#results .journey"));
        assertThat(journey.findElement(By.cssSelector("li.track[data-leg='original'] .description")).getText())
                .isEqualTo("<img src=x onerror=alert(1)>已送达仓库");
        assertThat(driver.findElements(By.cssSelector("#results img"))).isEmpty();
        WebElement current = journey.findElement(By.cssSelector(".journey-step[aria-current='step']"));
        assertThat(current.getAttribute("class")).contains("problem");
        assertThat(current.getAttribute("data-step")).isEqualTo("warehouse");
        assertThat(journey.findElement(By.cssSelector(".journey-summary")).getText()).contains("异常");
    }

    @Test
    void atThreeHundredSixtyPixelsTheJourneyFitsWithoutHorizontalScroll() {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(360, 800));
            String number = uniqueNumber("JP");
            createManifest(number, "PKG-" + uniqueNumber("P"), "C002");
            query(number);
            WebElement progress = visible(By.cssSelector("#results .journey-progress"));
            assertThat(progress.findElements(By.cssSelector(".journey-step"))).allMatch(WebElement::isDisplayed);
            visible(By.cssSelector("#results .warehouse-step"));
            long viewport = ((Number) js("return document.documentElement.clientWidth;")).longValue();
            long content = ((Number) js("return document.documentElement.scrollWidth;")).longValue();
            assertThat(viewport).isLessThanOrEqualTo(360);
            assertThat(content).as("page width at a %d px viewport", viewport).isLessThanOrEqualTo(viewport);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    private void store(String number, String milestone, String state, boolean isFinal, String description,
            OffsetDateTime at) {
        jdbc.sql("INSERT INTO carrier_result (query_number, company_code, company_name, state, detailed_state,"
                        + " milestone, is_final, simulated, tracks, track_count, newest_event_time, last_event, source,"
                        + " received_at) VALUES (:n, 'zhongtong', '中通快递', :s, NULL, :m, :f, TRUE, :tracks, 1, :t, :d,"
                        + " 'push', :t)")
                .param("n", number).param("s", state).param("m", milestone).param("f", isFinal)
                .param("tracks", "[{\"time\":\"" + at.toLocalDateTime().toString().replace('T', ' ')
                        + "\",\"location\":\"杭州\",\"description\":\"" + description + "\",\"milestone\":\""
                        + milestone + "\"}]")
                .param("t", at).param("d", description)
                .update();
    }
}
