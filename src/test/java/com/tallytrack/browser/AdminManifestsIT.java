package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestInput;

/** Admin console: sign-in, session expiry, manifest search, edit, delete — against the real admin API. */
class AdminManifestsIT extends BrowserTestBase {

    private By row(String trackingNumber) {
        return By.cssSelector("#m-table tbody tr[data-number='" + trackingNumber + "']");
    }

    private void search(String text) {
        searchManifests(text);
    }

    @Test
    void wrongPasswordIsRefusedWithAMessage() {
        open("/admin/");
        visible(By.id("login-username")).sendKeys(ADMIN_USER);
        driver.findElement(By.id("login-password")).sendKeys("not-the-password");
        driver.findElement(By.id("login-submit")).click();

        WebElement error = visible(By.cssSelector("#login-error .alert.error"));
        assertThat(error.getText()).isNotBlank();
        assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
        assertThat(js("return sessionStorage.getItem('tt.token');")).isNull();
    }

    private WebElement attemptSignIn(String user, String password) {
        List<WebElement> previous = driver.findElements(By.cssSelector("#login-error .alert"));
        WebElement name = visible(By.id("login-username"));
        name.clear();
        name.sendKeys(user);
        WebElement secret = driver.findElement(By.id("login-password"));
        secret.clear();
        secret.sendKeys(password);
        driver.findElement(By.id("login-submit")).click();
        if (!previous.isEmpty()) {
            waitUpTo(10).until(ExpectedConditions.stalenessOf(previous.get(0)));
        }
        return visible(By.cssSelector("#login-error .alert.error"));
    }

    @Test
    void repeatedFailuresLockTheAccountAndTheMessageSaysForHowLong() {
        signIn();
        String name = "lock" + uniqueNumber("").substring(0, 6);
        Object status = driver.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch('/api/v1/admin/create-user', {method: 'POST', headers: {'Content-Type': 'application/json',
                    'Authorization': 'Bearer ' + sessionStorage.getItem('tt.token')},
                    body: JSON.stringify({username: arguments[0], password: 'Lock-Pass-123', role: 'VIEWER'})})
                  .then(r => done(r.status), e => done(String(e)));
                """, name);
        assertThat(status).isEqualTo(201L);
        driver.findElement(By.id("logout")).click();

        for (int i = 1; i < 5; i++) {
            assertThat(attemptSignIn(name, "wrong-password-" + i).getText()).doesNotContain("锁定");
        }
        String locked = attemptSignIn(name, "wrong-password-5").getText();

        assertThat(locked).contains("锁定").contains("15 分钟");
        assertThat(attemptSignIn(name, "Lock-Pass-123").getText()).contains("锁定");
        assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    }

    @Test
    void inEnglishThePageAndTheServerMessagesAreEnglish() {
        open("/admin/");
        visible(By.id("lang-switch")).click();
        assertThat(driver.findElement(By.id("login-submit")).getText()).isEqualTo("Sign in");

        WebElement error = attemptSignIn(ADMIN_USER, "not-the-password-either");

        assertThat(error.getText()).isEqualTo("Wrong username or password");
    }

    @Test
    void thePhoneWideManifestListScrollsOnlyInsideTheTable() {
        Dimension before = driver.manage().window().getSize();
        try {
            driver.manage().window().setSize(new Dimension(360, 780));
            createManifest(uniqueNumber("PHONE"), "PKG-PHONE-1", "C900");
            signIn();
            visible(By.cssSelector("#m-table tbody tr[data-id]"));

            long viewport = ((Number) js("return document.documentElement.clientWidth;")).longValue();
            long content = ((Number) js("return document.documentElement.scrollWidth;")).longValue();
            assertThat(viewport).isLessThanOrEqualTo(360);
            assertThat(content).isLessThanOrEqualTo(viewport);
        } finally {
            driver.manage().window().setSize(before);
        }
    }

    @Test
    void signInShowsTheManifestListAndSignOutReturnsToTheForm() {
        signIn();
        assertThat(driver.findElement(By.id("who")).getText()).contains(ADMIN_USER);
        assertThat(js("return sessionStorage.getItem('tt.token');")).isNotNull();

        driver.findElement(By.id("logout")).click();

        visible(By.id("login-form"));
        assertThat(js("return sessionStorage.getItem('tt.token');")).isNull();
    }

    @Test
    void anExpiredSessionGoesBackToSignInWithANotice() {
        signIn();
        js("sessionStorage.setItem('tt.token', 'expired.or.revoked.token');");

        driver.findElement(By.id("m-search")).click();

        WebElement notice = visible(By.cssSelector("#login-notice .alert"));
        assertThat(notice.getText()).contains("登录已过期");
        assertThat(driver.findElement(By.id("app")).isDisplayed()).isFalse();
    }

    @Test
    void anActiveSessionIsRenewedNearItsEnd() {
        signIn();
        // Pretend only a minute of the token's life is left.
        js("sessionStorage.setItem('tt.expires', String(Date.now() + 60000));");

        driver.findElement(By.id("m-search")).click();
        awaitManifestList();

        waitUpTo(10).until(d -> ((Number) js("return Number(sessionStorage.getItem('tt.expires')) - Date.now();"))
                .longValue() > 10 * 60_000);
        assertThat(driver.findElement(By.id("app")).isDisplayed()).isTrue();
    }

    @Test
    void anIdleTabWhoseTokenRanOutReturnsToSignInByItself() {
        signIn();

        js("sessionStorage.setItem('tt.expires', String(Date.now() - 1000));");

        WebElement notice = visible(By.cssSelector("#login-notice .alert"));
        assertThat(notice.getText()).contains("登录已过期");
        assertThat(js("return sessionStorage.getItem('tt.token');")).isNull();
    }

    @Test
    void searchFiltersTheListByNumberAndCustomer() {
        String customer = "CS" + uniqueNumber("").substring(0, 8);
        String a = uniqueNumber("SRA");
        String b = uniqueNumber("SRB");
        createManifest(a, null, customer);
        createManifest(b, "PKG-" + b, customer);
        signIn();

        search(a);
        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#m-table tbody tr[data-id]"), 1));
        assertThat(driver.findElements(row(a))).hasSize(1);

        search("");
        WebElement customerFilter = driver.findElement(By.id("f-customer"));
        customerFilter.sendKeys(customer);
        driver.findElement(By.id("m-search")).click();
        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#m-table tbody tr[data-id]"), 2));
        assertThat(driver.findElement(By.id("m-page-info")).getText()).contains("2");

        driver.findElement(By.cssSelector("#m-table th button[data-sort='tracking_number']")).click();
        waitUpTo(10).until(d -> d.findElements(By.cssSelector("#m-table tbody tr[data-id]")).size() == 2
                && a.equals(d.findElements(By.cssSelector("#m-table tbody tr[data-id]")).get(0).getAttribute("data-number")));
    }

    @Test
    void pagingWalksThroughTheResults() {
        String customer = "PG" + uniqueNumber("").substring(0, 8);
        for (int i = 0; i < 12; i++) {
            createManifest(uniqueNumber("PG"), null, customer);
        }
        signIn();
        new Select(driver.findElement(By.id("f-limit"))).selectByValue("10");
        awaitManifestList();
        driver.findElement(By.id("f-customer")).sendKeys(customer);
        driver.findElement(By.id("m-search")).click();
        awaitManifestList();

        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#m-table tbody tr[data-id]"), 10));
        assertThat(driver.findElement(By.id("m-page-info")).getText()).isEqualTo("第 1 / 2 页，共 12 条");
        assertThat(driver.findElement(By.id("m-prev")).isEnabled()).isFalse();

        driver.findElement(By.id("m-next")).click();

        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#m-table tbody tr[data-id]"), 2));
        assertThat(driver.findElement(By.id("m-page-info")).getText()).isEqualTo("第 2 / 2 页，共 12 条");
        assertThat(driver.findElement(By.id("m-next")).isEnabled()).isFalse();
    }

    @Test
    void editShowsFieldErrorsThenSaves() {
        String number = uniqueNumber("ED");
        Manifest m = createManifest(number, null, "C100");
        signIn();
        search(number);
        visible(row(number)).findElement(By.cssSelector("button.edit")).click();
        WebElement weight = visible(By.id("e-weight"));

        weight.clear();
        weight.sendKeys("-5");
        driver.findElement(By.id("edit-save")).click();

        waitUpTo(10).until(ExpectedConditions.attributeToBe(By.id("e-weight"), "aria-invalid", "true"));
        assertThat(driver.findElement(By.id("e-weight-error")).getText()).isNotBlank();
        assertThat(driver.findElement(By.id("edit-dialog")).isDisplayed()).isTrue();

        weight.clear();
        weight.sendKeys("2.5");
        WebElement pkg = driver.findElement(By.id("e-package_number"));
        pkg.sendKeys("pkg-ed-1");
        driver.findElement(By.id("edit-save")).click();

        waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(By.id("edit-dialog")));
        visible(By.cssSelector("#flash .alert.success"));
        Manifest saved = manifests.get(m.id());
        assertThat(saved.weight()).isEqualByComparingTo(new BigDecimal("2.5"));
        assertThat(saved.packageNumber()).isEqualTo("PKG-ED-1");
        waitForText(row(number), "PKG-ED-1");
    }

    @Test
    void aVersionConflictIsExplainedAndCanBeResolvedByReloading() {
        String number = uniqueNumber("VC");
        Manifest m = createManifest(number, null, "C200");
        signIn();
        search(number);
        visible(row(number)).findElement(By.cssSelector("button.edit")).click();
        WebElement goods = visible(By.id("e-goods_code"));
        // Someone else saves first.
        manifests.update(m.id(), m.version(), new ManifestInput(null, null, null, "C201", null, null, null, null,
                null, null, null), Set.of("customer_code"));

        goods.clear();
        goods.sendKeys("GD99");
        driver.findElement(By.id("edit-save")).click();

        WebElement warning = visible(By.cssSelector("#edit-message .alert.warn"));
        assertThat(warning.getText()).contains("版本冲突");
        driver.findElement(By.id("edit-reload")).click();
        waitUpTo(10).until(ExpectedConditions.attributeToBe(By.id("e-customer_code"), "value", "C201"));
        WebElement goodsAgain = driver.findElement(By.id("e-goods_code"));
        goodsAgain.clear();
        goodsAgain.sendKeys("GD99");
        driver.findElement(By.id("edit-save")).click();

        waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(By.id("edit-dialog")));
        Manifest saved = manifests.get(m.id());
        assertThat(saved.goodsCode()).isEqualTo("GD99");
        assertThat(saved.customerCode()).isEqualTo("C201");
    }

    @Test
    void deleteAsksForConfirmationFirst() {
        String number = uniqueNumber("DL");
        createManifest(number, null, "C300");
        signIn();
        search(number);

        visible(row(number)).findElement(By.cssSelector("button.delete")).click();
        visible(By.id("confirm-dialog"));
        assertThat(driver.findElement(By.id("confirm-text")).getText()).contains(number);
        driver.findElement(By.id("confirm-cancel")).click();
        assertThat(manifests.findByTrackingNumber(number)).isPresent();

        driver.findElement(row(number)).findElement(By.cssSelector("button.delete")).click();
        clickWhenReady(By.id("confirm-ok"));

        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(row(number), 0));
        assertThat(manifests.findByTrackingNumber(number)).isEmpty();
    }

    @Test
    void selectedManifestsAreDeletedTogether() {
        String customer = "BD" + uniqueNumber("").substring(0, 8);
        String a = uniqueNumber("BDA");
        String b = uniqueNumber("BDB");
        createManifest(a, null, customer);
        createManifest(b, null, customer);
        signIn();
        visible(By.id("f-customer")).sendKeys(customer);
        driver.findElement(By.id("m-search")).click();
        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#m-table tbody tr[data-id]"), 2));

        driver.findElement(By.id("m-select-all")).click();
        WebElement batch = driver.findElement(By.id("m-batch-delete"));
        assertThat(batch.getText()).contains("2");
        batch.click();
        clickWhenReady(By.id("confirm-ok"));

        waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#m-table tbody tr[data-id]"), 0));
        assertThat(manifests.findByTrackingNumber(a)).isEmpty();
        assertThat(manifests.findByTrackingNumber(b)).isEmpty();
    }
}
