package com.tallytrack.browser;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

/**
 * The running application on a random port plus one headless Chromium per test class (started once, reused by
 * every test of the class). All browser test classes share this one Spring context configuration.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tallytrack.admin.password=" + BrowserTestBase.ADMIN_PASSWORD,
        "tallytrack.demo-data=false"})
@ActiveProfiles("test")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class BrowserTestBase {

    static final String ADMIN_USER = "admin";
    static final String ADMIN_PASSWORD = "Browser-Test-Pass-1";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @LocalServerPort
    int port;

    @Autowired
    ManifestService manifests;

    Browser.Session browser;
    ChromeDriver driver;

    /** Window size of this class's browser; a phone-sized class overrides it. */
    int[] windowSize() {
        return new int[] {1280, 900};
    }

    @BeforeAll
    void startBrowser() {
        int[] size = windowSize();
        browser = Browser.start(size[0], size[1]);
        driver = browser.driver();
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void resetPage() {
        // Each test starts from a blank origin state: no token, default language.
        open("/css/app.css");
        js("sessionStorage.clear(); localStorage.clear();");
    }

    String url(String path) {
        return "http://localhost:" + port + path;
    }

    void open(String path) {
        driver.get(url(path));
    }

    Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    /** A wait that re-finds elements the page re-rendered meanwhile (the sync panel redraws every few seconds). */
    WebDriverWait waitUpTo(int seconds) {
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    WebElement visible(By by) {
        return waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void waitForText(By by, String text) {
        waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void clickWhenReady(By by) {
        waitUpTo(10).until(ExpectedConditions.elementToBeClickable(by)).click();
    }

    /** A unique, valid tracking number for one test (upper-case letters and digits). */
    static String uniqueNumber(String prefix) {
        return prefix + System.currentTimeMillis() % 100_000_000 + SEQUENCE.incrementAndGet();
    }

    Manifest createManifest(String trackingNumber, String packageNumber, String customerCode) {
        return manifests.create(new ManifestInput(trackingNumber, LocalDate.of(2026, 11, 20), "TR01", customerCode,
                "GD01", packageNumber, new BigDecimal("1.250"), null, null, null, null));
    }

    /** Signs in through the login form of the admin console and waits for the manifest list. */
    void signIn() {
        open("/admin/");
        WebElement user = visible(By.id("login-username"));
        user.clear();
        user.sendKeys(ADMIN_USER);
        WebElement password = driver.findElement(By.id("login-password"));
        password.clear();
        password.sendKeys(ADMIN_PASSWORD);
        driver.findElement(By.id("login-submit")).click();
        visible(By.id("view-manifests"));
        awaitManifestList();
    }

    /** Waits until the manifest list has answered its latest search (the table is busy while one runs). */
    void awaitManifestList() {
        waitUpTo(10).until(d -> d.findElement(By.id("m-table")).getAttribute("aria-busy") == null
                && !d.findElements(By.cssSelector("#m-table tbody tr")).isEmpty());
    }

    /** Types into the list's search box, submits, and waits for the answer. */
    void searchManifests(String text) {
        WebElement q = visible(By.id("f-q"));
        q.clear();
        q.sendKeys(text);
        driver.findElement(By.id("m-search")).click();
        awaitManifestList();
    }

    List<WebElement> all(By by) {
        return driver.findElements(by);
    }
}
