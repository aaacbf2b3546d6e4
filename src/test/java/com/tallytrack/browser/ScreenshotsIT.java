package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;

import com.tallytrack.manifest.ManifestInput;

/**
 * Screenshots of the main screens, taken with the same browser setup as the tests. They always go to
 * {@code target/screenshots}; with {@code -Dtallytrack.screenshots.dir=docs/img} they also refresh the README images.
 */
class ScreenshotsIT extends BrowserTestBase {

    private static final int MAX_WIDTH = 960;
    private final List<Path> targets = new ArrayList<>();

    ScreenshotsIT() {
        targets.add(Path.of("target", "screenshots"));
        String extra = System.getProperty("tallytrack.screenshots.dir");
        if (extra != null && !extra.isBlank()) {
            targets.add(Path.of(extra));
        }
    }

    /** The whole page (up to a sane height): the window grows to the content for the shot, then shrinks back. */
    private void shoot(String name) throws IOException {
        js("document.activeElement && document.activeElement.blur();");
        Dimension before = driver.manage().window().getSize();
        long content = ((Number) js("return document.documentElement.scrollHeight;")).longValue();
        long viewport = ((Number) js("return window.innerHeight;")).longValue();
        if (content > viewport) {
            int grow = (int) Math.min(content - viewport, 1500 - before.getHeight());
            driver.manage().window().setSize(new Dimension(before.getWidth(), before.getHeight() + Math.max(0, grow)));
        }
        byte[] png = driver.getScreenshotAs(OutputType.BYTES);
        driver.manage().window().setSize(before);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image.getWidth()).isGreaterThan(300);
        if (image.getWidth() > MAX_WIDTH) {
            int height = image.getHeight() * MAX_WIDTH / image.getWidth();
            BufferedImage scaled = new BufferedImage(MAX_WIDTH, height, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = scaled.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, MAX_WIDTH, height, null);
            g.dispose();
            image = scaled;
        }
        for (Path dir : targets) {
            Files.createDirectories(dir);
            Path file = dir.resolve(name + ".png");
            ImageIO.write(image, "png", file.toFile());
            assertThat(Files.size(file)).isPositive();
        }
    }

    private void sample(String trackingNumber, String packageNumber, String customer, String goods, String weight) {
        manifests.create(new ManifestInput(trackingNumber, LocalDate.of(2026, 11, 21), "T01", customer, goods,
                packageNumber, new BigDecimal(weight).setScale(3, java.math.RoundingMode.HALF_UP), null, null, null,
                null));
    }

    @Test
    void mainScreens() throws IOException {
        // The screenshot rows have their own date, so the list can show just them (other test classes share the database).
        String number = uniqueNumber("SF");
        sample(number, "PKG-20261121-07", "C001", "GD01", "2.350");
        String[] prefixes = {"YT", "ZT", "JD", "YD", "ST", "EMS"};
        for (int i = 0; i < prefixes.length; i++) {
            sample(uniqueNumber(prefixes[i]), i % 2 == 0 ? "PKG-20261121-0" + (i + 1) : null, "C00" + (i % 3 + 1),
                    "GD0" + (i % 4 + 1), (i + 1) * 0.7 + "");
        }

        driver.manage().window().setSize(new Dimension(1100, 900));
        open("/");
        visible(By.id("numbers")).sendKeys(number);
        driver.findElement(By.id("query-button")).click();
        visible(By.cssSelector("#results .timeline"));
        shoot("public-query");
        // Two more queries of the same number: manifest-cache hits for the sync panel's figures and chart.
        for (int i = 0; i < 2; i++) {
            driver.findElement(By.id("query-button")).click();
            visible(By.cssSelector("#results .timeline"));
        }

        driver.manage().window().setSize(new Dimension(375, 800));
        shoot("public-query-phone");
        driver.manage().window().setSize(new Dimension(1280, 860));

        open("/admin/");
        visible(By.id("login-username")).sendKeys(ADMIN_USER);
        shoot("admin-login");

        signIn();
        js("document.getElementById('f-from').value = '2026-11-21'; document.getElementById('f-to').value = '2026-11-21';");
        driver.findElement(By.id("m-search")).click();
        awaitManifestList();
        shoot("admin-manifests");

        driver.findElement(By.cssSelector("#m-table tbody tr[data-number='" + number + "'] button.edit")).click();
        WebElement weight = visible(By.id("e-weight"));
        weight.clear();
        weight.sendKeys("-1");
        driver.findElement(By.id("edit-save")).click();
        visible(By.id("e-weight-error"));
        waitUpTo(10).until(d -> !d.findElement(By.id("e-weight-error")).getText().isBlank());
        shoot("admin-edit");
        driver.findElement(By.id("edit-cancel")).click();

        driver.findElement(By.id("tab-upload")).click();
        Path file = AdminUploadIT.csv(
                "2026-11-21," + uniqueNumber("JD") + ",PKG-20261121-01,30,20,10,1.2,G1,C001,T01",
                "2026-11-21," + uniqueNumber("JD") + ",PKG-20261121-01,,,,0.8,G1,C001,T01",
                "2026-11-21,bad#1,,,,,-2,G1,C001,T01",
                "2026-11-21," + uniqueNumber("JD") + ",,,,,3.5,G2,C002,T02");
        visible(By.id("u-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("u-preview")).click();
        visible(By.cssSelector("#u-preview-table tbody tr"));
        shoot("admin-upload-preview");

        driver.findElement(By.id("tab-sync")).click();
        visible(By.cssSelector("#s-figures .figure"));
        waitUpTo(15).until(d -> Integer.parseInt(d.findElement(By.id("s-chart-svg")).getAttribute("data-samples")) >= 2);
        for (int i = 0; i < 3; i++) {
            createManifest(uniqueNumber("ZT"), "PKG-20261122-0" + i, "C003"); // sync operations for the chart
        }
        waitUpTo(15).until(d -> Integer.parseInt(d.findElement(By.id("s-chart-svg")).getAttribute("data-samples")) >= 4);
        shoot("admin-sync");
    }
}
