package com.tallytrack.importer;

import static com.tallytrack.importer.ImportFixtures.HEADER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.asyncDispatch;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;
import static org.quicktheories.QuickTheory.qt;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.quicktheories.generators.SourceDSL;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.servlet.autoconfigure.MultipartProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.request.MockMultipartHttpServletRequestBuilder;

import com.tallytrack.common.ApiException;
import com.tallytrack.manifest.Manifest;
import com.tallytrack.manifest.ManifestInput;
import com.tallytrack.manifest.ManifestService;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The upload, job, template and export endpoints against a real database; run on H2 by
 * {@link ManifestImportApiOnH2Test} and on embedded PostgreSQL by {@link ManifestImportApiOnPostgresTest}
 * (top-level classes: surefire skips nested test classes).
 */
@SpringBootTest
@AutoConfigureMockMvc
@ActiveProfiles("test")
abstract class ManifestImportApiContract {

    private static final AtomicLong SEQ = new AtomicLong(System.nanoTime() % 1_000_000_000L);

    @Autowired
    MockMvc mvc;
    @Autowired
    ManifestService manifests;
    @Autowired
    ManifestImportService imports;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    ObjectMapper json;
    @Autowired
    ImportProperties properties;

    /** A tracking-number prefix no other test (or earlier run on the shared PostgreSQL) uses. */
    static String prefix() {
        return "T" + Long.toString(SEQ.incrementAndGet() * 7919 + System.nanoTime() % 1000, 36).toUpperCase(
                Locale.ROOT);
    }

    static String row(String tracking, String pkg) {
        return "2024-05-01," + tracking + "," + (pkg == null ? "" : pkg) + ",30,20,15,2.5,G01,C001,T01";
    }

    MockMultipartHttpServletRequestBuilder upload(String name, byte[] content) {
        MockMultipartHttpServletRequestBuilder b = multipart("/api/v1/admin/manifest/upload");
        b.file(new MockMultipartFile("file", name, "application/octet-stream", content));
        b.with(user("admin").roles("ADMIN"));
        return b;
    }

    JsonNode body(MvcResult r) {
        return json.readTree(r.getResponse().getContentAsByteArray());
    }

    long auditCount(String fileName, String like) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_log WHERE action = 'MANIFEST_UPLOAD' AND target = :t "
                + "AND summary LIKE :s").param("t", fileName).param("s", like).query(Long.class).single();
    }

    @Test
    void previewValidatesEverythingAndPersistsNothing() throws Exception {
        String p = prefix();
        String file = p + ".csv";
        byte[] csv = ImportFixtures.utf8(HEADER, row(p + "01", "PKG-1"), row("x", null), row(p + "01", null),
                row(p + "02", null));
        MvcResult r = mvc.perform(upload(file, csv).param("preview_only", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.success").value(true))
                .andExpect(jsonPath("$.data.mode").value("preview"))
                .andExpect(jsonPath("$.data.statistics.total_rows").value(4))
                .andExpect(jsonPath("$.data.statistics.valid_rows").value(2))
                .andExpect(jsonPath("$.data.statistics.invalid_rows").value(1))
                .andExpect(jsonPath("$.data.statistics.duplicate_rows").value(1))
                .andExpect(jsonPath("$.data.statistics.inserted").value(0))
                .andExpect(jsonPath("$.data.preview[0].row").value(2))
                .andExpect(jsonPath("$.data.preview[0].status").value("valid"))
                .andExpect(jsonPath("$.data.preview[0].data.package_number").value("PKG-1"))
                .andExpect(jsonPath("$.data.preview[1].status").value("invalid"))
                .andExpect(jsonPath("$.data.preview[2].status").value("duplicate"))
                .andExpect(jsonPath("$.data.errors[0].row").value(3))
                .andExpect(jsonPath("$.data.errors[0].field").value("tracking_number"))
                .andExpect(jsonPath("$.data.errors[0].code").value("TRACKING_TOO_SHORT"))
                .andExpect(jsonPath("$.data.errors[0].message").isNotEmpty())
                .andExpect(jsonPath("$.data.errors[1].row").value(4))
                .andExpect(jsonPath("$.data.errors[1].code").value("DUPLICATE_IN_FILE"))
                .andReturn();
        assertThat(body(r).get("data").get("errors")).hasSize(2);
        assertThat(manifests.findByTrackingNumber(p + "01")).isEmpty();
        assertThat(manifests.findByTrackingNumber(p + "02")).isEmpty();
        assertThat(auditCount(file, "mode=preview, state=COMPLETED%")).isEqualTo(1);
    }

    @Test
    void saveUpsertsByTrackingNumberAndTheNextLookupSeesIt() throws Exception {
        String p = prefix();
        manifests.create(new ManifestInput(p + "01", LocalDate.of(2024, 4, 30), "T01", "C001", "G01", "OLD-PKG",
                null, null, null, null, null));
        String file = p + ".csv";
        byte[] csv = ImportFixtures.utf8(HEADER, row(p + "01", "NEW-PKG"), row(p + "02", null),
                row(p + "02", "LATER"), "2024-05-01,bad!,,,,,,G01,C001,T01");
        mvc.perform(upload(file, csv))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.state").value("COMPLETED"))
                .andExpect(jsonPath("$.data.statistics.total_rows").value(4))
                .andExpect(jsonPath("$.data.statistics.inserted").value(1))
                .andExpect(jsonPath("$.data.statistics.updated").value(1))
                .andExpect(jsonPath("$.data.statistics.unchanged").value(0))
                .andExpect(jsonPath("$.data.statistics.duplicate_rows").value(1))
                .andExpect(jsonPath("$.data.statistics.invalid_rows").value(1));
        // the very next lookup, no waiting: the upload's batches are committed when it answers
        Manifest updated = manifests.findByTrackingNumber(p + "01").orElseThrow();
        assertThat(updated.packageNumber()).isEqualTo("NEW-PKG");
        assertThat(updated.weight()).isEqualByComparingTo("2.5");
        assertThat(manifests.findByTrackingNumber(p + "02").orElseThrow().packageNumber())
                .as("the first occurrence wins").isNull();
        mvc.perform(upload(file, csv))
                .andExpect(jsonPath("$.data.statistics.inserted").value(0))
                .andExpect(jsonPath("$.data.statistics.updated").value(0))
                .andExpect(jsonPath("$.data.statistics.unchanged").value(2));
        assertThat(auditCount(file, "mode=save, state=COMPLETED, total=4, valid=2, invalid=1, duplicate=1, "
                + "inserted=1, updated=1, unchanged=0%")).isEqualTo(1);
    }

    @Test
    void anUploadThatChangesThePackageNumberIsVisibleToTheNextPublicQuery() throws Exception {
        String p = prefix();
        String tracking = p + "Q1";
        String ip = "10.77." + (SEQ.get() % 250) + "." + (1 + SEQ.incrementAndGet() % 250);
        mvc.perform(upload(p + "-a.csv", ImportFixtures.utf8(HEADER, row(tracking, p + "-PKA"))))
                .andExpect(jsonPath("$.data.statistics.inserted").value(1));
        mvc.perform(publicQuery(tracking, ip))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.query_type").value("package"))
                .andExpect(jsonPath("$.query_tracking_number").value(p + "-PKA"));
        mvc.perform(upload(p + "-b.csv", ImportFixtures.utf8(HEADER, row(tracking, p + "-PKB"))))
                .andExpect(jsonPath("$.data.statistics.updated").value(1));
        // no waiting: the upload has committed when it answers, and the next query must see the new package
        mvc.perform(publicQuery(tracking, ip))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.query_type").value("package"))
                .andExpect(jsonPath("$.query_tracking_number").value(p + "-PKB"))
                .andExpect(jsonPath("$.manifest_info.package_number").value(p + "-PKB"));
    }

    private static org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder publicQuery(
            String tracking, String ip) {
        return org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post("/api/v1/tracking/query")
                .with(request -> {
                    request.setRemoteAddr(ip);
                    return request;
                })
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .content("{\"tracking_number\":\"" + tracking + "\"}");
    }

    @Test
    void eachSavedRowIsInTheChangeLogAndUnchangedRowsAreNot() throws Exception {
        String p = prefix();
        byte[] csv = ImportFixtures.utf8(HEADER, row(p + "01", "PK1"), row(p + "02", null), row("bad", null));
        mvc.perform(upload(p + ".csv", csv)).andExpect(jsonPath("$.data.statistics.inserted").value(2));
        mvc.perform(upload(p + ".csv", csv)).andExpect(jsonPath("$.data.statistics.unchanged").value(2));
        mvc.perform(upload(p + ".csv", ImportFixtures.utf8(HEADER, row(p + "01", "PK2"))))
                .andExpect(jsonPath("$.data.statistics.updated").value(1));
        List<String> log = jdbc.sql("SELECT operation || ':' || tracking_number FROM sync_change_entry "
                + "WHERE tracking_number LIKE :p ORDER BY seq").param("p", p + "%").query(String.class).list();
        assertThat(log).containsExactly("insert:" + p + "01", "insert:" + p + "02", "update:" + p + "01");
    }

    @Test
    void savesAnXlsxWhoseTrackingNumbersExcelStoredAsNumbers() throws Exception {
        long base = 700_000_000_000L + SEQ.incrementAndGet() * 10;
        byte[] xlsx = ImportFixtures.workbook(true, List.of(ImportFixtures.header(),
                ImportFixtures.cells(LocalDate.of(2024, 5, 1), (double) base, "P-1", 30, 20, 15, 2.5, "G01",
                        "C001", "T01"),
                ImportFixtures.cells("20240502", String.valueOf(base + 1), null, null, null, null, null, "G01",
                        "C001", "T01")));
        mvc.perform(upload("numbers.xlsx", xlsx))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.format").value("xlsx"))
                .andExpect(jsonPath("$.data.statistics.inserted").value(2));
        assertThat(manifests.findByTrackingNumber(String.valueOf(base))).get()
                .extracting(Manifest::manifestDate).isEqualTo(LocalDate.of(2024, 5, 1));
        assertThat(manifests.findByTrackingNumber(String.valueOf(base + 1))).isPresent();
    }

    @Test
    void refusesOtherFormatsListingTheSupportedOnes() throws Exception {
        mvc.perform(upload("manifest.txt", ImportFixtures.utf8(HEADER)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("UNSUPPORTED_FILE_FORMAT"))
                .andExpect(jsonPath("$.error.message").value(containsString(".csv, .xlsx, .xls")))
                .andExpect(jsonPath("$.error.details.supported_formats[1]").value(".xlsx"));
        mvc.perform(upload("manifest.xlsx", ImportFixtures.utf8(HEADER)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("FILE_CONTENT_MISMATCH"));
        mvc.perform(upload("manifest.csv", ImportFixtures.workbook(true, List.of(ImportFixtures.header()))))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("FILE_CONTENT_MISMATCH"));
        mvc.perform(upload("manifest.csv", ImportFixtures.utf8("快递单号,理货日期,备注")).header("Accept-Language", "en"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_COLUMNS"))
                .andExpect(jsonPath("$.error.message").value(containsString("customer_code")))
                .andExpect(jsonPath("$.error.details.unknown_columns[0]").value("备注"));
        mvc.perform(upload("broken.csv", ImportFixtures.utf8(HEADER, "2024-05-01,\"SF100001,,,,,,G01,C001,T01")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("FILE_UNREADABLE"));
        mvc.perform(upload("manifest.csv", new byte[0]))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("EMPTY_FILE"));
        assertThat(auditCount("manifest.txt", "%state=REJECTED, code=UNSUPPORTED_FILE_FORMAT")).isPositive();
    }

    @Test
    void aHostileFileNameIsReducedToItsLastSegmentNotAnInternalError() throws Exception {
        byte[] csv = ImportFixtures.utf8(HEADER, row(prefix() + "01", null));
        mvc.perform(upload("/", csv))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("UNSUPPORTED_FILE_FORMAT"));
        mvc.perform(upload("../../etc/evil\u0000name.csv", csv).param("preview_only", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.file_name").value("evilname.csv"));
        mvc.perform(upload("C:\\Users\\me\\manifest.csv", csv).param("preview_only", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.file_name").value("manifest.csv"));
    }

    @Test
    void refusesAFileOverTheSizeLimitWith413NamingTheLimit(@Autowired MultipartProperties multipart)
            throws Exception {
        assertThat(multipart.getMaxFileSize()).as("Spring's own multipart limit is the import limit")
                .isEqualTo(properties.maxFileSize());
        assertThat(multipart.getMaxRequestSize()).isEqualTo(properties.maxFileSize());
        byte[] big = new byte[(int) properties.maxFileSize().toBytes() + 1];
        mvc.perform(upload("big.csv", big))
                .andExpect(status().isPayloadTooLarge())
                .andExpect(jsonPath("$.error.code").value("FILE_TOO_LARGE"))
                .andExpect(jsonPath("$.error.message").value(containsString("50MB")))
                .andExpect(jsonPath("$.error.details.limit").value("50MB"));
    }

    @Test
    void aLargeFileRunsAsAJobWithProgressAndAnEventStream() throws Exception {
        String p = prefix();
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (int i = 0; i < 2500; i++) {
            lines.add(row(p + String.format("%05d", i), i % 2 == 0 ? "PK" + (i / 100) : null));
        }
        lines.add(row("bad", null));
        MvcResult accepted = mvc.perform(upload(p + ".csv", ImportFixtures.utf8(lines.toArray(String[]::new)))
                .param("async", "true"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.data.job_id").isNotEmpty())
                .andReturn();
        String id = body(accepted).get("data").get("job_id").asText();
        // generous: the bound only matters when something is broken, and CI shares 2 cores with other builds
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            JsonNode job = body(mvc.perform(get("/api/v1/admin/manifest/upload/jobs/" + id)
                    .with(user("v").roles("VIEWER"))).andExpect(status().isOk()).andReturn()).get("data");
            assertThat(job.get("state").asText()).isIn("QUEUED", "RUNNING", "COMPLETED");
            return job.get("state").asText().equals("COMPLETED");
        });
        mvc.perform(get("/api/v1/admin/manifest/upload/jobs/" + id).with(user("v").roles("VIEWER")))
                .andExpect(jsonPath("$.data.percent").value(100))
                .andExpect(jsonPath("$.data.rows_processed").value(2501))
                .andExpect(jsonPath("$.data.total_rows").value(2501))
                .andExpect(jsonPath("$.data.statistics.inserted").value(2500))
                .andExpect(jsonPath("$.data.statistics.invalid_rows").value(1))
                .andExpect(jsonPath("$.data.errors[0].row").value(2502))
                .andExpect(jsonPath("$.data.result.state").value("COMPLETED"));
        MvcResult events = mvc.perform(get("/api/v1/admin/manifest/upload/jobs/" + id + "/events")
                .with(user("v").roles("VIEWER")))
                .andExpect(request().asyncStarted()).andReturn();
        mvc.perform(asyncDispatch(events)).andExpect(status().isOk());
        String stream = events.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(stream).contains("event:done").contains("\"state\":\"COMPLETED\"");
        assertThat(manifests.findByTrackingNumber(p + "02499")).isPresent();
        mvc.perform(get("/api/v1/admin/manifest/upload/jobs/nope").with(user("v").roles("VIEWER")))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.error.code").value("IMPORT_JOB_NOT_FOUND"));
    }

    @Test
    void theEventStreamSendsProgressWhileAJobRunsThenDone(@Autowired ImportJobs jobs) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ImportJob job = jobs.submit("stream.csv", "save", j -> {
            try {
                release.await(2, java.util.concurrent.TimeUnit.MINUTES); // released by the test below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            j.finish(new ImportReport(j.id, "COMPLETED", "save", "stream.csv", "csv", "UTF-8",
                    new ImportReport.Statistics(3, 3, 0, 0, 3, 0, 0, 3), List.of(), List.of(), false, null, null, 5),
                    jobs.now());
        }, () -> {
        });
        MvcResult events = mvc.perform(get("/api/v1/admin/manifest/upload/jobs/" + job.id + "/events")
                .with(user("v").roles("VIEWER")))
                .andExpect(request().asyncStarted()).andReturn();
        assertThat(events.getResponse().getContentAsString(StandardCharsets.UTF_8))
                .as("the current state at once").contains("event:progress").doesNotContain("event:done");
        release.countDown();
        mvc.perform(asyncDispatch(events)).andExpect(status().isOk());
        String stream = events.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(stream.indexOf("event:progress")).isLessThan(stream.indexOf("event:done"));
        assertThat(stream).contains("\"inserted\":3", "\"percent\":100");
    }

    @Test
    void aJobWithAVeryLongFileNameRunsUnderAShortenedName() throws Exception {
        // 300 characters (a 500 before: the job's file_name column holds 255) — shortened, its extension kept
        String p = prefix();
        String name = "理".repeat(150) + "a".repeat(146) + ".csv";
        MvcResult accepted = mvc.perform(upload(name, ImportFixtures.utf8(HEADER, row(p + "1", null)))
                .param("async", "true"))
                .andExpect(status().isAccepted())
                .andReturn();
        String id = body(accepted).get("data").get("job_id").asText();
        await().atMost(Duration.ofMinutes(2)).until(() -> body(mvc.perform(get("/api/v1/admin/manifest/upload/jobs/"
                + id).with(user("v").roles("VIEWER"))).andReturn()).get("data").get("state").asText()
                .equals("COMPLETED"));
        String shown = body(mvc.perform(get("/api/v1/admin/manifest/upload/jobs/" + id)
                .with(user("v").roles("VIEWER"))).andReturn()).get("data").get("file_name").asText();
        assertThat(shown).hasSize(ManifestImportService.MAX_FILE_NAME).startsWith("理".repeat(150)).endsWith("….csv");
        assertThat(manifests.findByTrackingNumber(p + "1")).isPresent();
    }

    @Test
    void aCsvWithAQuoteNeverClosedIsRefusedAtOnceAndSavesNothing() throws Exception {
        String p = prefix();
        byte[] file = ImportFixtures.utf8(HEADER, row(p + "1", null), "2024-05-01,\"" + p + "2,PKG");
        mvc.perform(upload(p + ".csv", file).param("async", "true"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("FILE_UNREADABLE"));
        mvc.perform(upload(p + ".csv", file))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("FILE_UNREADABLE"));
        assertThat(manifests.findByTrackingNumber(p + "1")).isEmpty();
    }

    @Test
    void aJobWithAWrongHeaderIsRefusedAtOnce() throws Exception {
        mvc.perform(upload("wrong.csv", ImportFixtures.utf8("a,b,c", "1,2,3")).param("async", "true"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_COLUMNS"));
    }

    @Test
    void aDatabaseFailureMidFileReportsExactlyTheSavedRows() throws Exception {
        String p = prefix();
        String poison = "BOOM" + p.substring(1);
        jdbc.sql("ALTER TABLE cargo_manifest ADD CONSTRAINT ck_" + p.toLowerCase(Locale.ROOT)
                + " CHECK (customer_code <> '" + poison + "')").update();
        try {
            int batch = properties.batchSize();
            List<String> lines = new ArrayList<>();
            lines.add(HEADER);
            // the poisoned row in the middle of the second batch, a third batch after it
            for (int i = 0; i < 2 * batch + batch / 2; i++) {
                lines.add(i == batch + batch / 2 ? row(p + String.format("%05d", i), null).replace("C001", poison)
                        : row(p + String.format("%05d", i), null));
            }
            MvcResult r = mvc.perform(upload(p + ".csv", ImportFixtures.utf8(lines.toArray(String[]::new))))
                    .andExpect(status().isServiceUnavailable())
                    .andExpect(jsonPath("$.error.code").value("IMPORT_INTERRUPTED"))
                    .andExpect(jsonPath("$.error.details.report.state").value("FAILED"))
                    .andExpect(jsonPath("$.error.details.report.failure.code").value("DATABASE_ERROR"))
                    .andExpect(jsonPath("$.error.details.report.failure.first_unsaved_row").value(batch + 2))
                    .andExpect(jsonPath("$.error.details.report.statistics.saved_rows").value(batch))
                    .andExpect(jsonPath("$.error.details.report.saved_row_ranges[0].from").value(2))
                    .andExpect(jsonPath("$.error.details.report.saved_row_ranges[0].to").value(batch + 1))
                    .andReturn();
            assertThat(body(r).get("error").get("details").get("report").get("saved_row_ranges")).hasSize(1);
            long stored = jdbc.sql("SELECT COUNT(*) FROM cargo_manifest WHERE tracking_number LIKE :p")
                    .param("p", p + "%").query(Long.class).single();
            assertThat(stored).as("the first batch, nothing of the failed one").isEqualTo(batch);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM sync_change_entry WHERE tracking_number LIKE :p")
                    .param("p", p + "%").query(Long.class).single())
                    .as("change-log entries commit and roll back with their batch").isEqualTo(batch);
            assertThat(manifests.findByTrackingNumber(p + String.format("%05d", batch - 1))).isPresent();
            assertThat(manifests.findByTrackingNumber(p + String.format("%05d", batch))).isEmpty();
            assertThat(auditCount(p + ".csv", "%state=FAILED%failure=DATABASE_ERROR")).isEqualTo(1);
        } finally {
            jdbc.sql("ALTER TABLE cargo_manifest DROP CONSTRAINT ck_" + p.toLowerCase(Locale.ROOT)).update();
        }
    }

    @Test
    void twoConcurrentUploadsOfTheSameNumbersBothFinishConsistently() throws Exception {
        String p = prefix();
        // more than two batches, so the two uploads' batches interleave and one commits while the other writes
        int n = 2 * properties.batchSize() + properties.batchSize() / 2;
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        for (int i = 0; i < n; i++) {
            lines.add(row(p + String.format("%05d", i), "PK" + (i % 7)));
        }
        byte[] csv = ImportFixtures.utf8(lines.toArray(String[]::new));
        Callable<ImportReport> job = () -> ((ManifestImportService.Finished) imports.upload(
                new MockMultipartFile("file", p + ".csv", "text/csv", csv), false, false, Locale.CHINA, "admin"))
                .report();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 2; round++) {
                Future<ImportReport> a = pool.submit(job);
                Future<ImportReport> b = pool.submit(job);
                ImportReport ra = a.get();
                ImportReport rb = b.get();
                for (ImportReport r : List.of(ra, rb)) {
                    assertThat(r.state()).isEqualTo("COMPLETED");
                    assertThat(r.statistics().savedRows()).isEqualTo(n);
                }
                long inserted = ra.statistics().inserted() + rb.statistics().inserted();
                assertThat(inserted).as("each number inserted exactly once").isEqualTo(round == 0 ? n : 0);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM cargo_manifest WHERE tracking_number LIKE :p")
                .param("p", p + "%").query(Long.class).single()).isEqualTo(n);
    }

    @Test
    void templateHasTheChineseHeaderAndSampleRows() throws Exception {
        MvcResult csv = mvc.perform(get("/api/v1/admin/manifest/template/download").param("format", "csv")
                .with(user("v").roles("VIEWER")))
                .andExpect(status().isOk())
                .andExpect(header().string("Content-Disposition", containsString("manifest-template.csv")))
                .andReturn();
        byte[] bytes = csv.getResponse().getContentAsByteArray();
        assertThat(bytes).startsWith(0xEF, 0xBB, 0xBF);
        String text = new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
        assertThat(text).startsWith(HEADER + "\r\n");
        assertThat(text.lines()).hasSize(1 + TemplateSamples.ROWS.size());
        MvcResult xlsx = mvc.perform(get("/api/v1/admin/manifest/template/download").param("format", "xlsx")
                .with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn();
        Path f = Files.createTempFile("template", ".xlsx");
        try {
            Files.write(f, xlsx.getResponse().getContentAsByteArray());
            ImportRun run = ImportFixtures.preview(f, ImportFormat.XLSX);
            assertThat(run.statistics().validRows()).isEqualTo(TemplateSamples.ROWS.size());
            // and both template files preview cleanly through the upload endpoint
            mvc.perform(upload("template.csv", bytes).param("preview_only", "true"))
                    .andExpect(jsonPath("$.data.statistics.valid_rows").value(TemplateSamples.ROWS.size()));
        } finally {
            Files.deleteIfExists(f);
        }
        mvc.perform(get("/api/v1/admin/manifest/template/download").param("format", "pdf")
                .with(user("v").roles("VIEWER")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_EXPORT_FORMAT"));
    }

    @Test
    void exportAppliesTheSearchFiltersAndEscapesFormulaLikeText() throws Exception {
        String p = prefix();
        String customer = "C" + p;
        manifests.create(new ManifestInput(p + "01", LocalDate.of(2024, 5, 1), "T01", customer, "=1+1", "-PK",
                new BigDecimal("1.5"), null, null, null, new BigDecimal("3.20")));
        manifests.create(new ManifestInput(p + "02", LocalDate.of(2024, 6, 1), "T01", customer, "@x", null,
                null, null, null, null, null));
        manifests.create(new ManifestInput(p + "03", LocalDate.of(2024, 5, 1), "T01", "OTHER", "G", null,
                null, null, null, null, null));
        MvcResult r = mvc.perform(get("/api/v1/admin/manifest/export").param("format", "csv")
                .param("customer_code", customer).param("date_to", "2024-05-31")
                .with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn();
        String text = r.getResponse().getContentAsString(StandardCharsets.UTF_8);
        assertThat(text.lines()).hasSize(2);
        assertThat(text).contains(p + "01").doesNotContain(p + "02").doesNotContain(p + "03")
                .contains(",'-PK,").contains(",'=1+1,").contains(",3.20");
        mvc.perform(get("/api/v1/admin/manifest/export").param("sort_by", "nope")
                .with(user("v").roles("VIEWER")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error.code").value("INVALID_SORT_FIELD"));
    }

    @Test
    void exportThenReimportOfTheSameRowsIsAllUnchanged() {
        qt().withExamples(4).forAll(SourceDSL.lists().of(ManifestRoundTripPropertyTest.row()).ofSizeBetween(1, 30),
                SourceDSL.arbitrary().pick("csv", "xlsx")).checkAssert((rows, format) -> {
                    try {
                        exportReimport(rows, format);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                });
    }

    private void exportReimport(List<ManifestInput> generated, String format) throws Exception {
        String p = prefix();
        List<ManifestInput> rows = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ManifestInput g : generated) {
            String tracking = p + g.trackingNumber().substring(0, Math.min(20, g.trackingNumber().length()));
            if (seen.add(tracking)) {
                rows.add(new ManifestInput(tracking, g.manifestDate(), g.transportCode(), g.customerCode(),
                        g.goodsCode(), g.packageNumber(), g.weight(), g.length(), g.width(), g.height(),
                        g.specialFee()));
            }
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try (ManifestSheetWriter w = ManifestSheetWriter.open(format, out, ColumnMapping.EXPORT)) {
            rows.forEach(w::write);
        }
        mvc.perform(upload(p + "." + format, out.toByteArray()))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.statistics.inserted").value(rows.size()));
        for (ManifestInput r : rows) {
            assertThat(manifests.findByTrackingNumber(r.trackingNumber()).orElseThrow().toInput()
                    .sameValuesAs(r)).as("stored as written: %s", r).isTrue();
        }
        byte[] exported = mvc.perform(get("/api/v1/admin/manifest/export").param("format", format)
                .param("q", p).with(user("v").roles("VIEWER")))
                .andExpect(status().isOk()).andReturn().getResponse().getContentAsByteArray();
        mvc.perform(upload("export." + format, exported))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.data.statistics.total_rows").value(rows.size()))
                .andExpect(jsonPath("$.data.statistics.unchanged").value(rows.size()))
                .andExpect(jsonPath("$.data.statistics.inserted").value(0))
                .andExpect(jsonPath("$.data.statistics.updated").value(0));
    }
}
