package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The package board tab of the admin console (issue 11.3): flagged first, drill-down, refresh, CSV export. */
class AdminPackagesIT extends BrowserTestBase {

    @Autowired
    JdbcClient jdbc;

    /** Runs an action that reloads the board and waits until the reloaded rows replaced the old ones. */
    private void reload(Runnable action) {
        js("document.querySelectorAll('#pk-table tbody tr').forEach(tr => tr.dataset.old = '1');");
        action.run();
        waitUpTo(10).until(d -> d.findElement(By.id("pk-table")).getAttribute("aria-busy") == null
                && !d.findElements(By.cssSelector("#pk-table tbody tr")).isEmpty()
                && d.findElements(By.cssSelector("#pk-table tbody tr[data-old]")).isEmpty());
    }

    private String board() {
        String prefix = "BRD" + uniqueNumber("") + "-";
        createManifest(uniqueNumber("BA"), prefix + "OK", "C001");
        createManifest(uniqueNumber("BB"), prefix + "OK", "C001");
        createManifest(uniqueNumber("BC"), prefix + "BAD", "C002");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        jdbc.sql("INSERT INTO carrier_result (query_number, company_code, company_name, state, detailed_state,"
                        + " milestone, is_final, simulated, tracks, track_count, newest_event_time, last_event, source,"
                        + " received_at) VALUES (:n, 'ems', 'EMS', '2', NULL, 'exception', FALSE, TRUE, :tracks, 1, :t,"
                        + " :e, 'query', :t)")
                .param("n", prefix + "BAD").param("t", now).param("e", "<b>包裹破损</b>")
                .param("tracks", "[{\"time\":\"2026-11-20 10:00:00\",\"location\":\"上海\","
                        + "\"description\":\"<b>包裹破损</b>\",\"milestone\":\"exception\"}]")
                .update();
        return prefix;
    }

    private void openBoard(String prefix) {
        signIn();
        driver.findElement(By.id("tab-packages")).click();
        visible(By.id("view-packages"));
        waitUpTo(10).until(d -> d.findElement(By.id("pk-table")).getAttribute("aria-busy") == null
                && !d.findElements(By.cssSelector("#pk-table tbody tr")).isEmpty());
        WebElement q = visible(By.id("pk-q"));
        q.sendKeys(prefix);
        reload(q::submit);
        assertThat(all(By.cssSelector("#pk-table tbody tr[data-package]"))).hasSize(2);
    }

    @Test
    void aFlaggedPackageComesFirstAndTheDrillDownListsItsParcels() {
        String prefix = board();
        openBoard(prefix);

        List<WebElement> rows = all(By.cssSelector("#pk-table tbody tr[data-package]"));
        assertThat(rows.get(0).getAttribute("data-package")).isEqualTo(prefix + "BAD");
        assertThat(rows.get(0).getAttribute("class")).contains("flagged");
        assertThat(rows.get(0).findElement(By.cssSelector(".flag")).getText()).isEqualTo("异常");
        assertThat(rows.get(0).getText()).contains("<b>包裹破损</b>");
        assertThat(all(By.cssSelector("#pk-table b"))).isEmpty();
        assertThat(rows.get(1).findElement(By.cssSelector(".milestone")).getText()).isEqualTo("未查询");

        rows.get(1).findElement(By.cssSelector("button.open-package")).click();
        waitForText(By.id("pk-detail-heading"), prefix + "OK");
        assertThat(all(By.cssSelector("#pk-members tbody tr"))).hasSize(2);
        assertThat(driver.findElement(By.id("pk-detail")).getText()).contains("还没有查询过这个集包");
        assertThat(driver.findElement(By.id("pk-detail-refresh")).isDisplayed()).isTrue();

        driver.findElement(By.id("pk-detail-refresh")).click();
        waitForText(By.id("pk-message"), prefix + "OK");
        assertThat(driver.findElement(By.cssSelector("#pk-message .alert")).getAttribute("class")).contains("success");
    }

    @Test
    void filtersAndTheEnglishPageWork() {
        String prefix = board();
        openBoard(prefix);
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("pk-flagged"))).selectByValue("true");
        reload(() -> driver.findElement(By.cssSelector("#pk-filters button[type='submit']")).click());
        assertThat(all(By.cssSelector("#pk-table tbody tr[data-package]"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("#pk-table tbody tr[data-package]")).getAttribute("data-package"))
                .isEqualTo(prefix + "BAD");

        driver.findElement(By.id("lang-switch")).click();
        waitForText(By.id("tab-packages"), "Packages");
        assertThat(driver.findElement(By.cssSelector("#pk-table .flag")).getText()).isEqualTo("Exception");
        assertThat(driver.findElement(By.id("pk-export")).getText()).isEqualTo("Export CSV");
    }
}
