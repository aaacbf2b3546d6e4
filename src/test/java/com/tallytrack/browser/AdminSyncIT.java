package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;

import com.tallytrack.sync.SyncService;

/** Admin console sync panel against the real sync admin API: figures, sampled chart, pending table, actions. */
class AdminSyncIT extends BrowserTestBase {

    @Autowired
    SyncService sync;

    private void openSyncPanel() {
        signIn();
        driver.findElement(By.id("tab-sync")).click();
        visible(By.cssSelector("#s-figures .figure[data-key='cache_hit_rate']"));
    }

    private void confirm() {
        visible(By.id("confirm-dialog"));
        clickWhenReady(By.id("confirm-ok"));
    }

    @Test
    void figuresAndTheSampledChartAreShown() {
        openSyncPanel();

        for (String key : new String[] {"cache_size", "cache_hits", "cache_misses", "sync_operations",
                "active_listeners", "pending_operations", "last_sync_time"}) {
            assertThat(driver.findElements(By.cssSelector("#s-figures .figure[data-key='" + key + "']")))
                    .as(key).hasSize(1);
        }
        // The page samples every few seconds; two samples draw both lines.
        waitUpTo(15).until(d -> Integer.parseInt(
                d.findElement(By.id("s-chart-svg")).getAttribute("data-samples")) >= 2);
        assertThat(driver.findElements(By.cssSelector("#s-chart-svg polyline.series-ops"))).hasSize(1);
        assertThat(driver.findElements(By.cssSelector("#s-chart-svg polyline.series-hit-rate"))).hasSizeLessThanOrEqualTo(1);
        assertThat(driver.findElement(By.cssSelector("#s-health .alert")).getText()).isNotBlank();
    }

    @Test
    void pendingOperationsAreListedAndClearedAfterConfirmation() {
        // the page lists the oldest pending entries first, and the browser tests share one database: acknowledge
        // what earlier tests left, so this test's entry is among the first shown
        sync.clearPendingOperations("browser-test");
        String number = uniqueNumber("SY");
        createManifest(number, "PKG-" + number, "C400");
        openSyncPanel();
        By pendingRow = By.xpath("//table[@id='s-pending']//td[text()='" + number + "']");
        waitUpTo(15).until(ExpectedConditions.presenceOfElementLocated(pendingRow));

        driver.findElement(By.id("s-clear")).click();
        visible(By.id("confirm-dialog"));
        driver.findElement(By.id("confirm-cancel")).click();
        assertThat(driver.findElements(pendingRow)).isNotEmpty();

        driver.findElement(By.id("s-clear")).click();
        confirm();

        visible(By.cssSelector("#s-message .alert.success"));
        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(pendingRow, 0));
        waitForText(By.cssSelector("#s-figures .figure[data-key='pending_operations'] .value"), "0");
    }

    @Test
    void forceSyncLoadsANumberIntoTheCacheAndInvalidateEmptiesIt() {
        String number = uniqueNumber("FS");
        createManifest(number, "PKG-" + number, "C500");
        openSyncPanel();
        WebElement input = driver.findElement(By.id("s-number"));
        input.sendKeys(number);

        driver.findElement(By.id("s-force")).click();
        confirm();
        WebElement cached = visible(By.id("s-cache-result"));
        assertThat(cached.getAttribute("data-cached")).isEqualTo("true");
        assertThat(cached.getText()).contains("PKG-" + number);

        driver.findElement(By.id("s-invalidate")).click();
        confirm();
        visible(By.cssSelector("#s-message .alert.success"));

        driver.findElement(By.id("s-lookup")).click();
        waitUpTo(10).until(ExpectedConditions.attributeToBe(By.id("s-cache-result"), "data-cached", "false"));
    }

    @Test
    void forceSyncOfAnUnknownNumberReportsIt() {
        openSyncPanel();
        driver.findElement(By.id("s-number")).sendKeys(uniqueNumber("NONE"));

        driver.findElement(By.id("s-force")).click();
        confirm();

        assertThat(visible(By.cssSelector("#s-message .alert.error")).getText()).isNotBlank();
    }
}
