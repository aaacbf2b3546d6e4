package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The admin console's webhooks section against the real API: a refused private target, registration with the
 * secret shown once, test, the disabled state and re-enabling, the deliveries log, delete with confirmation.
 * Delivery is off in the test profile and the accepted target is a documentation address, so nothing is called.
 */
class AdminWebhooksIT extends BrowserTestBase {

    @Autowired
    JdbcClient jdbc;

    By row(String url) {
        return By.xpath("//table[@id='wh-table']//td[@class='wh-url' and text()='" + url + "']/..");
    }

    void openWebhooks() {
        driver.findElement(By.id("tab-webhooks")).click();
        visible(By.id("wh-url"));
        waitUpTo(10).until(d -> d.findElement(By.id("wh-table")).getAttribute("aria-busy") == null
                && !d.findElements(By.cssSelector("#wh-table tbody tr")).isEmpty());
    }

    @Test
    void anAdminRegistersTestsReEnablesAndDeletesAWebhook() {
        String url = "https://203.0.113.20/hooks/" + uniqueNumber("IT");
        signIn();
        openWebhooks();
        assertThat(driver.findElement(By.id("tab-webhooks")).getText()).isEqualTo("Webhook");

        // a private target is refused with the server's message, naming the switch
        WebElement input = driver.findElement(By.id("wh-url"));
        input.sendKeys("http://127.0.0.1:9/hook");
        driver.findElement(By.id("wh-add")).click();
        assertThat(visible(By.cssSelector("#wh-form-message .alert.error")).getText())
                .contains("tallytrack.webhooks.allow-private-targets");

        // registered: the secret is shown once, with a copy button
        input.clear();
        input.sendKeys(url);
        driver.findElement(By.id("wh-add")).click();
        visible(By.cssSelector("#wh-form-message .alert.success"));
        String secret = visible(By.id("wh-secret-value")).getText();
        assertThat(secret).matches("whsec_[0-9a-f]{64}");
        driver.findElement(By.id("wh-secret-copy")).click();
        waitUpTo(10).until(d -> !d.findElement(By.id("wh-secret-copy")).getText().equals("复制密钥"));
        String rowText = waitUpTo(10).until(d -> d.findElement(row(url)).getText());
        assertThat(rowText).contains("已启用").contains("milestone.changed").contains("package.flagged")
                .doesNotContain(secret);

        // never again: a fresh page load lists the endpoint without it
        driver.navigate().refresh();
        visible(By.id("wh-url"));
        waitUpTo(10).until(d -> !d.findElements(row(url)).isEmpty());
        assertThat(driver.findElement(By.id("wh-secret")).isDisplayed()).isFalse();
        assertThat(driver.getPageSource()).doesNotContain(secret);

        // test: one event queued for this endpoint
        driver.findElement(row(url)).findElement(By.className("wh-test")).click();
        assertThat(visible(By.cssSelector("#wh-message .alert.success")).getText()).contains("已排队测试事件");
        waitUpTo(10).until(d -> d.findElement(row(url)).findElement(By.className("num")).getText().equals("1"));

        // disabled after failures (as the worker leaves it): shown so, and re-enabled from the page
        long id = jdbc.sql("SELECT id FROM webhook_endpoint WHERE url = :u").param("u", url).query(Long.class).single();
        long outbox = jdbc.sql("SELECT id FROM webhook_outbox WHERE endpoint_id = :id").param("id", id)
                .query(Long.class).single();
        jdbc.sql("UPDATE webhook_endpoint SET enabled = FALSE, consecutive_failures = 12, disabled_at = CURRENT_TIMESTAMP"
                + " WHERE id = :id").param("id", id).update();
        jdbc.sql("INSERT INTO webhook_attempt (endpoint_id, outbox_id, event_id, event_type, attempt, attempted_at, "
                + "duration_ms, outcome, status_code, error, response_body, node_id) SELECT endpoint_id, id, event_id, "
                + "event_type, 1, CURRENT_TIMESTAMP, 42, 'failed', 503, 'HTTP 503', '<b>busy</b>', 'it' "
                + "FROM webhook_outbox WHERE id = :o").param("o", outbox).update();
        driver.findElement(By.id("tab-manifests")).click();
        openWebhooks();
        WebElement disabled = waitUpTo(10).until(d -> d.findElement(row(url)));
        assertThat(disabled.getAttribute("data-state")).isEqualTo("disabled");
        assertThat(disabled.getText()).contains("已停用").contains("连续失败 12 次");

        // the deliveries log shows the attempt; the receiver's body is text, never markup
        disabled.findElement(By.className("wh-deliveries")).click();
        WebElement logRow = visible(By.cssSelector("#wh-deliveries-table tbody tr[data-outcome='failed']"));
        assertThat(logRow.getText()).contains("webhook.test").contains("503").contains("<b>busy</b>");
        assertThat(driver.findElements(By.cssSelector("#wh-deliveries-table b"))).isEmpty();

        driver.findElement(row(url)).findElement(By.className("wh-enable")).click();
        waitUpTo(10).until(d -> "enabled".equals(d.findElement(row(url)).getAttribute("data-state")));
        assertThat(jdbc.sql("SELECT enabled FROM webhook_endpoint WHERE id = :id").param("id", id)
                .query(Boolean.class).single()).isTrue();

        // delete asks first; cancel keeps it, confirm removes it
        driver.findElement(row(url)).findElement(By.className("wh-delete")).click();
        visible(By.id("confirm-dialog"));
        assertThat(driver.findElement(By.id("confirm-text")).getText()).contains(url);
        driver.findElement(By.id("confirm-cancel")).click();
        waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(By.id("confirm-dialog")));
        assertThat(driver.findElements(row(url))).hasSize(1);
        driver.findElement(row(url)).findElement(By.className("wh-delete")).click();
        clickWhenReady(By.id("confirm-ok"));
        waitUpTo(10).until(d -> d.findElements(row(url)).isEmpty());
        assertThat(jdbc.sql("SELECT COUNT(*) FROM webhook_endpoint WHERE id = :id").param("id", id)
                .query(Long.class).single()).isZero();
    }

    @Test
    void theSectionSpeaksEnglishAfterTheSwitch() {
        signIn();
        openWebhooks();
        driver.findElement(By.id("lang-switch")).click();
        waitForText(By.id("tab-webhooks"), "Webhooks");
        assertThat(driver.findElement(By.cssSelector("#view-webhooks h1")).getText()).isEqualTo("Webhooks");
        assertThat(driver.findElement(By.id("wh-add")).getText()).isEqualTo("Add");
    }
}
