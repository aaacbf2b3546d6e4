package com.tallytrack.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.jayway.jsonpath.JsonPath;

/**
 * The README's run command as a new user meets it: {@code target/tallytrack/bin/tallytrack} in an empty folder
 * starts the embedded default there, prints the generated admin password once, loads the demo manifests,
 * answers health, and on a restart keeps its secret and data without printing the password again.
 */
class JarStartupIT {

    private static final Pattern PASSWORD = Pattern.compile("user 'admin', password: (\\S+)");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** A running jar and everything it printed. */
    record Node(Process process, StringBuffer output, int port) implements AutoCloseable {

        @Override
        public void close() throws InterruptedException {
            process.destroy(); // SIGTERM: the graceful shutdown path
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    @Test
    void theJarStartsTheEmbeddedDefaultInAnEmptyFolder(@TempDir Path folder) throws Exception {
        String password;
        String token;
        try (Node node = start(folder)) {
            assertFastPath(node);
            HttpResponse<String> health = get(node, "/api/v1/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat((String) JsonPath.read(health.body(), "$.status")).isEqualTo("UP");
            assertThat(get(node, "/api/v1/health/live", null).statusCode()).isEqualTo(200);

            Matcher printed = PASSWORD.matcher(node.output());
            assertThat(printed.find()).as("the generated admin password is printed:\n%s", node.output()).isTrue();
            password = printed.group(1);
            assertThat(password).hasSizeGreaterThanOrEqualTo(16);
            token = login(node, password);
            // components and metrics need a token (issue 12.7)
            assertThat((String) JsonPath.read(get(node, "/api/v1/health", token).body(), "$.components.db.status"))
                    .isEqualTo("UP");
            String metrics = get(node, "/actuator/prometheus", token).body();
            assertThat(metrics).contains("jvm_memory_used_bytes", "http_server_requests_seconds_count");
            // Spring Security's per-filter observations are off (SecurityConfig): their meters would show here
            assertThat(metrics).doesNotContain("spring_security_filterchains", "spring_security_authorizations");

            HttpResponse<String> demo = get(node, "/api/v1/admin/manifest/tracking/SF1234567890", token);
            assertThat(demo.statusCode()).isEqualTo(200);
            assertThat((String) JsonPath.read(demo.body(), "$.data.package_number")).isEqualTo("PKG-DEMO-001");
            HttpResponse<String> pkg = get(node, "/api/v1/admin/manifest/search?package_number=PKG-DEMO-001", token);
            assertThat((Integer) JsonPath.read(pkg.body(), "$.pagination.total_count")).isEqualTo(3);

            // the error body also where no controller is involved: the real servlet container and /error
            HttpResponse<String> unknown = get(node, "/api/v1/no-such-endpoint", null);
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat((String) JsonPath.read(unknown.body(), "$.error.code")).isEqualTo("NOT_FOUND");
            assertThat(unknown.headers().firstValue("X-Request-Id")).isPresent();
            HttpResponse<String> rejected = get(node, "/api/v1/admin/me;x=%0a", null);
            assertThat(rejected.statusCode()).isBetween(400, 401);
            assertThat((Boolean) JsonPath.read(rejected.body(), "$.success")).isFalse();
            assertThat(rejected.body()).doesNotContain("Exception").doesNotContain("at org.");

            Path data = folder.resolve("data");
            assertThat(data.resolve("tallytrack.mv.db")).exists();
            assertThat(Files.getPosixFilePermissions(data.resolve("jwt.secret")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }

        try (Node again = start(folder)) {
            assertThat(again.output().toString()).doesNotContain("password:");
            // same secret file, same database: the token of the first run is still good, the password too
            assertThat(get(again, "/api/v1/admin/me", token).statusCode()).isEqualTo(200);
            login(again, password);
            HttpResponse<String> all = get(again, "/api/v1/admin/manifest/search?q=DEMO", token);
            assertThat((Integer) JsonPath.read(all.body(), "$.pagination.total_count")).isEqualTo(5);
        }
    }

    /**
     * A layout copied without its files' modification times ({@code cp -r}) has jars the JVM's check of the cache
     * refuses (size and time of every jar on the class path): the launcher says so itself, how to copy it instead,
     * and starts without the cache rather than with the JVM's error lines.
     */
    @Test
    void aLayoutCopiedWithoutItsFileTimesStartsWithoutTheCacheAndSaysWhy(@TempDir Path copy, @TempDir Path folder)
            throws Exception {
        Path layout = Path.of("target", "tallytrack").toAbsolutePath();
        Assumptions.assumeTrue(Files.exists(layout.resolve("app").resolve("cache.files")),
                "built without a start-up cache (or without GNU stat): nothing to refuse");
        try (var files = Files.walk(layout)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = copy.resolve(layout.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to); // new modification times, as cp -r makes them
                }
            }
        }
        Path launcher = copy.resolve("bin").resolve("tallytrack");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setLastModifiedTime(copy.resolve("app").resolve("tallytrack.jar"),
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 60_000));
        try (Node node = start(launcher, folder)) {
            String out = node.output().toString();
            assertThat(out).contains("start-up cache not used").contains("cp -a").contains("start-up cache: none");
            assertThat(out).as("the JVM was not handed a cache it would refuse").doesNotContain("[aot]")
                    .doesNotContain("[cds]");
            assertThat(get(node, "/api/v1/health/live", null).statusCode()).isEqualTo(200);
        }
    }

    private Node start(Path folder) throws Exception {
        // the README's run command: the launcher the build makes, not a bare `java -jar`
        Path launcher = Path.of("target", "tallytrack", "bin", "tallytrack").toAbsolutePath();
        assertThat(launcher).as("run 'mvn package' first").isExecutable();
        return start(launcher, folder);
    }

    private Node start(Path launcher, Path folder) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder(List.of(launcher.toString(), "--server.port=" + port))
                .directory(folder.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeIf(k -> k.startsWith("TALLYTRACK_") || k.startsWith("SPRING_")
                || k.equals("JAVA_OPTS"));
        Process process = builder.start();
        StringBuffer output = new StringBuffer();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    output.append(line).append('\n');
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        Node node = new Node(process, output, port);
        Instant deadline = Instant.now().plusSeconds(120);
        while (true) {
            assertThat(process.isAlive()).as("the jar exited early:\n%s", output).isTrue();
            assertThat(Instant.now()).as("not ready in time:\n%s", output).isBefore(deadline);
            try {
                if (get(node, "/api/v1/health/ready", null).statusCode() == 200) {
                    return node;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(200);
        }
    }

    /**
     * The launcher starts the application with Spring AOT's generated initializer. Where the build trained a
     * start-up cache, the launcher runs the JDK that wrote it with that cache, and the
     * JVM really maps it (a cache it rejects would only cost start-up time, silently).
     */
    private static void assertFastPath(Node node) throws IOException {
        // Spring AOT: the bean definitions generated by the build (pom.xml, process-aot), on by default
        assertThat(node.output().toString()).as("the launcher's first line").contains("Spring AOT: on")
                .contains("Starting AOT-processed TallyTrackApplication");
        // the start-up and warm-up defaults (src/launcher/tallytrack, BENCHMARKS P5 and P1w): HotSpot read the
        // compiler directives the layout carries, compiles at twice its default thresholds, and on two or three
        // processors runs two C2 threads that inline less
        assertThat(node.output().toString()).as("the launcher's first line and HotSpot's directives line")
                .contains("-XX:CompilerDirectivesFile=").contains("1 compiler directives added")
                .contains("-XX:CompileThresholdScaling=2");
        int cpus = Runtime.getRuntime().availableProcessors();
        if (cpus == 2 || cpus == 3) {
            assertThat(node.output().toString()).contains("-XX:CICompilerCount=3 -XX:InlineSmallCode=1000");
        }
        Path cacheJdk = Path.of("target", "tallytrack", "app", "cache.jdk");
        if (!Files.exists(cacheJdk)) {
            return; // built with -Dtallytrack.skipTraining=true, or the training run failed (the build said so)
        }
        String version = Files.readString(cacheJdk).strip();
        String out = node.output().toString();
        assertThat(out).as("the launcher's first line").contains("(Java " + version + "), options: ")
                .contains(", start-up cache: -XX:").doesNotContain("start-up cache not used");
        assertThat(out).contains("using Java " + version);
        String maps = Files.readString(Path.of("/proc", String.valueOf(node.process().pid()), "maps"));
        assertThat(maps).as("the JVM maps the start-up cache").containsPattern("tallytrack\\.(aot|jsa)");
    }

    private String login(Node node, String password) throws Exception {
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(uri(node, "/api/v1/admin/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"" + password + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return JsonPath.read(login.body(), "$.access_token");
    }

    private HttpResponse<String> get(Node node, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(node, path)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static URI uri(Node node, String path) {
        return URI.create("http://localhost:" + node.port() + path);
    }
}
