package com.tallytrack.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Screenshots of the journey (public page, desktop and phone) and of the package board, like {@link ScreenshotsIT}:
 * always into {@code target/screenshots}, and with {@code -Dtallytrack.screenshots.dir=docs/img} into the README
 * images too. A class of its own so that refreshing these images leaves the other screenshots alone.
 */
class JourneyScreenshotsIT extends BrowserTestBase {

    private static final int MAX_WIDTH = 960;
    private final List<Path> targets = new ArrayList<>();

    @Autowired
    JdbcClient jdbc;

    JourneyScreenshotsIT() {
        targets.add(Path.of("target", "screenshots"));
        String extra = System.getProperty("tallytrack.screenshots.dir");
        if (extra != null && !extra.isBlank()) {
            targets.add(Path.of(extra));
        }
    }

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

    private void store(String number, String milestone, String state, boolean isFinal, OffsetDateTime at,
            String tracks, String lastEvent) {
        jdbc.sql("INSERT INTO carrier_result (query_number, company_code, company_name, state, detailed_state,"
                        + " milestone, is_final, simulated, tracks, track_count, newest_event_time, last_event, source,"
                        + " received_at) VALUES (:n, 'zhongtong', '中通快递', :s, NULL, :m, :f, TRUE, :tracks, 2, :t, :e,"
                        + " 'push', :t)")
                .param("n", number).param("s", state).param("m", milestone).param("f", isFinal)
                .param("tracks", tracks).param("t", at).param("e", lastEvent).update();
    }

    @Test
    void journeyAndPackageBoard() throws IOException {
        String number = uniqueNumber("ZT");
        String pkg = "PKG-" + uniqueNumber("SHOT");
        createManifest(number, pkg, "C001");
        store(number, "delivered", "3", true, OffsetDateTime.of(2026, 11, 19, 16, 5, 0, 0, ZoneOffset.UTC),
                "[{\"time\":\"2026-11-19 16:05:00\",\"location\":\"深圳\",\"description\":\"已签收，签收人：集运仓\","
                        + "\"milestone\":\"delivered\"},{\"time\":\"2026-11-18 09:12:00\",\"location\":\"杭州\","
                        + "\"description\":\"快件已揽收\",\"milestone\":\"info_received\"}]",
                "已签收，签收人：集运仓");

        driver.manage().window().setSize(new Dimension(1100, 900));
        open("/");
        visible(By.id("numbers")).sendKeys(number);
        driver.findElement(By.id("query-button")).click();
        visible(By.cssSelector("#results .journey"));
        shoot("public-journey");
        driver.manage().window().setSize(new Dimension(360, 800));
        shoot("public-journey-phone");

        String board = "PKG-" + uniqueNumber("BOARD");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        for (int i = 0; i < 3; i++) {
            createManifest(uniqueNumber("SF"), board + "-A", "C001");
        }
        createManifest(uniqueNumber("YT"), board + "-B", "C002");
        createManifest(uniqueNumber("JD"), board + "-C", "C003");
        createManifest(uniqueNumber("JD"), board + "-C", "C003");
        store(board + "-A", "in_transit", "0", false, now.minusHours(2), "[]", "到达上海国际转运中心");
        store(board + "-B", "exception", "2", false, now.minusHours(5), "[]", "清关资料不全，等待补充");
        store(board + "-C", "in_transit", "0", false, now.minusDays(8), "[]", "离开广州集运仓");

        driver.manage().window().setSize(new Dimension(1280, 860));
        signIn();
        driver.findElement(By.id("tab-packages")).click();
        visible(By.id("pk-q")).sendKeys(board);
        js("document.querySelectorAll('#pk-table tbody tr').forEach(tr => tr.dataset.old = '1');");
        driver.findElement(By.cssSelector("#pk-filters button[type='submit']")).click();
        waitUpTo(10).until(d -> d.findElement(By.id("pk-table")).getAttribute("aria-busy") == null
                && d.findElements(By.cssSelector("#pk-table tbody tr[data-old]")).isEmpty()
                && d.findElements(By.cssSelector("#pk-table tbody tr[data-package]")).size() == 3);
        driver.findElement(By.cssSelector("#pk-table tbody tr[data-package='" + board + "-A'] button.open-package"))
                .click();
        waitForText(By.id("pk-detail-heading"), board + "-A");
        shoot("admin-packages");
    }
}
