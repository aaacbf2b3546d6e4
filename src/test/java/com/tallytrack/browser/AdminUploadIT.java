package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Admin console import page against the real upload API: preview → save → progress → statistics. */
class AdminUploadIT extends BrowserTestBase {

    static Path csv(String... rows) throws IOException {
        StringBuilder text = new StringBuilder("理货日期,快递单号,集包单号,长度,宽度,高度,重量,货物代码,客户代码,运输代码\n");
        for (String row : rows) {
            text.append(row).append('\n');
        }
        Path file = Files.createTempFile("tt-upload-", ".csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        file.toFile().deleteOnExit();
        return file;
    }

    @Test
    void previewShowsRowErrorsThenSaveShowsProgressAndStatistics() throws IOException {
        String a = uniqueNumber("UPA");
        String b = uniqueNumber("UPB");
        String c = uniqueNumber("UPC");
        Path file = csv(
                "2026-11-01," + a + ",PKG-UP-1,10,20,30,1.5,G1,C1,T1",
                "2026/11/02," + b + ",PKG-UP-1,,,,2,G1,C1,T1",
                "2026-11-03,bad!,,,,,-3,G1,C1,T1",
                "20261104," + c + ",,,,,,G2,C2,T2");
        signIn();
        driver.findElement(By.id("tab-upload")).click();

        visible(By.id("u-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("u-preview")).click();

        WebElement stats = visible(By.id("u-stats"));
        waitUpTo(10).until(d -> !d.findElement(By.id("u-stats")).getText().isBlank());
        assertThat(stats.getText()).contains("4").contains("3").contains("1");
        assertThat(driver.findElements(By.cssSelector("#u-preview-table tbody tr.invalid"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("#u-preview-table tbody tr.invalid .row-errors")).getText())
                .isNotBlank();
        assertThat(driver.findElements(By.cssSelector("#u-errors-table tbody tr"))).isNotEmpty();
        assertThat(manifests.findByTrackingNumber(a)).as("preview stores nothing").isEmpty();

        driver.findElement(By.id("u-save")).click();
        clickWhenReady(By.id("confirm-ok"));

        WebElement result = visible(By.id("u-result-text"));
        assertThat(result.getText()).startsWith("新增 3");
        assertThat(driver.findElement(By.id("u-upload-bar")).getAttribute("value")).isEqualTo("100");
        assertThat(driver.findElement(By.cssSelector("#u-message .alert.success")).isDisplayed()).isTrue();
        assertThat(manifests.findByTrackingNumber(a)).get().extracting(m -> m.packageNumber()).isEqualTo("PKG-UP-1");
        assertThat(manifests.findByTrackingNumber(c)).isPresent();
    }

    @Test
    void anUnsupportedFileIsRefusedWithTheServerMessage() throws IOException {
        Path file = Files.createTempFile("tt-upload-", ".txt");
        Files.writeString(file, "not a manifest");
        file.toFile().deleteOnExit();
        signIn();
        driver.findElement(By.id("tab-upload")).click();

        visible(By.id("u-file")).sendKeys(file.toAbsolutePath().toString());
        driver.findElement(By.id("u-preview")).click();

        WebElement error = visible(By.cssSelector("#u-message .alert.error"));
        assertThat(error.getText()).isNotBlank();
        assertThat(driver.findElement(By.id("u-save")).isEnabled()).isFalse();
    }

    private Path awaitDownload(String suffix) {
        return waitUpTo(15).until(d -> {
            try (var files = Files.list(browser.downloads())) {
                return files.filter(f -> f.getFileName().toString().endsWith(suffix)).findFirst().orElse(null);
            } catch (IOException e) {
                return null; // the folder appears with the first download
            }
        });
    }

    @Test
    void templateAndFilteredExportAreDownloaded() throws IOException {
        String number = uniqueNumber("EX");
        createManifest(number, "PKG-EX-1", "C700");
        signIn();

        visible(By.id("f-q")).sendKeys(number);
        driver.findElement(By.id("m-search")).click();
        visible(By.cssSelector("#m-table tbody tr[data-number='" + number + "']"));
        driver.findElement(By.id("m-export-csv")).click();
        Path export = awaitDownload(".csv");
        waitUpTo(10).until(d -> Files.exists(export) && sizeOf(export) > 0);
        String exported = Files.readString(export, StandardCharsets.UTF_8);
        assertThat(exported).contains(number).contains("PKG-EX-1");
        Files.delete(export);

        driver.findElement(By.id("tab-upload")).click();
        clickWhenReady(By.id("u-template-csv"));
        Path template = awaitDownload(".csv");
        waitUpTo(10).until(d -> sizeOf(template) > 0);
        assertThat(Files.readString(template, StandardCharsets.UTF_8)).contains("快递单号").contains("集包单号");
        Files.delete(template);
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }
}
