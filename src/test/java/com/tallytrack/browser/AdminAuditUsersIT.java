package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/** Admin console audit log and user management against the real API. */
class AdminAuditUsersIT extends BrowserTestBase {

    @Test
    void theAuditLogListsWhatWasDone() {
        String number = uniqueNumber("AU");
        signIn();
        // A change made through the console is in the log under the signed-in user.
        driver.findElement(By.id("m-new")).click();
        visible(By.id("e-tracking_number")).sendKeys(number);
        js("arguments[0].value = '2026-11-20';", driver.findElement(By.id("e-manifest_date")));
        driver.findElement(By.id("e-transport_code")).sendKeys("T1");
        driver.findElement(By.id("e-customer_code")).sendKeys("C1");
        driver.findElement(By.id("e-goods_code")).sendKeys("G1");
        driver.findElement(By.id("edit-save")).click();
        waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(By.id("edit-dialog")));
        assertThat(manifests.findByTrackingNumber(number)).isPresent();

        driver.findElement(By.id("tab-audit")).click();
        visible(By.id("a-username")).sendKeys(ADMIN_USER);
        driver.findElement(By.cssSelector("#a-filters button[type=submit]")).click();

        By entryRow = By.xpath("//table[@id='a-table']//td[contains(text(),'" + number + "')]/..");
        waitUpTo(10).until(d -> d.findElement(By.id("a-table")).getAttribute("aria-busy") == null
                && !d.findElements(entryRow).isEmpty());
        String row = waitUpTo(10).until(d -> d.findElement(entryRow).getText());
        assertThat(row).contains(ADMIN_USER).contains("新建理货单");
    }

    @Test
    void anAdminCreatesAViewerWhoCanReadButNotDelete() {
        String name = "viewer" + uniqueNumber("").substring(0, 6);
        String number = uniqueNumber("VW");
        createManifest(number, null, "C600");
        signIn();
        driver.findElement(By.id("tab-users")).click();
        visible(By.id("us-username")).sendKeys(name);
        driver.findElement(By.id("us-password")).sendKeys("Viewer-Pass-123");
        new org.openqa.selenium.support.ui.Select(driver.findElement(By.id("us-role"))).selectByValue("VIEWER");
        driver.findElement(By.id("us-create")).click();
        assertThat(visible(By.cssSelector("#us-create-message .alert.success")).getText()).contains(name);

        driver.findElement(By.id("logout")).click();
        WebElement user = visible(By.id("login-username"));
        user.clear();
        user.sendKeys(name);
        driver.findElement(By.id("login-password")).sendKeys("Viewer-Pass-123");
        driver.findElement(By.id("login-submit")).click();
        visible(By.id("view-manifests"));
        awaitManifestList();
        searchManifests(number);

        WebElement row = visible(By.cssSelector("#m-table tbody tr[data-number='" + number + "']"));
        assertThat(row.findElements(By.cssSelector("button.delete"))).isEmpty();
        assertThat(driver.findElement(By.id("m-new")).isDisplayed()).isFalse();
    }
}
