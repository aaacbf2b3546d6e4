package com.tallytrack.browser;

import java.nio.file.*;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.*;

class ScratchIT extends BrowserTestBase {
    @Test
    void look() throws Exception {
        signIn();
        driver.findElement(By.id("tab-users")).click();
        visible(By.id("us-username")).sendKeys("viewer77");
        driver.findElement(By.id("us-password")).sendKeys("Viewer-Pass-123");
        driver.findElement(By.id("us-create")).click();
        visible(By.cssSelector("#us-create-message .alert.success"));
        driver.findElement(By.id("logout")).click();
        visible(By.id("login-username")).sendKeys("viewer77");
        driver.findElement(By.id("login-password")).sendKeys("Viewer-Pass-123");
        driver.findElement(By.id("login-submit")).click();
        Thread.sleep(2000);
        Files.write(Path.of("/tmp/viewer.png"), driver.getScreenshotAs(OutputType.BYTES));
        System.out.println("SCRATCH " + js("return location.href + ' ' + document.getElementById('app').hidden + ' ' + document.getElementById('view-manifests').hidden + ' ' + sessionStorage.getItem('tt.user');"));
        for (var e : driver.manage().logs().get("browser").getAll()) System.out.println("SCRATCH LOG " + e);
    }
}
