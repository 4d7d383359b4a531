package org.grace.benchmarks.documents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.benchmarks.BenchLock;
import org.grace.benchmarks.BenchOptions;
import org.grace.benchmarks.GraceInstances;
import org.grace.benchmarks.care.CareData;
import org.grace.core.blobs.BlobStore;
import org.grace.core.blobs.BlobStoreSchema;
import org.grace.launcher.PayaraInstance;
import org.grace.testsupport.DebianPackages;
import org.grace.testsupport.NginxLoadBalancer;
import org.grace.testsupport.PostgresServer;
import org.grace.testsupport.ProjectLayout;
import org.grace.testsupport.RedisServer;
import org.grace.testsupport.S3Server;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Issue #17, must-show 5: how fast documents go in and out, for both blob store back ends. Everything is started here
 * on loopback and stopped at the end: a throwaway PostgreSQL, Redis and s3proxy (grace-test-support's, as the tests
 * use them), Payara Micro instances through {@link GraceInstances}, nginx from the Ansible role's template
 * ({@link NginxLoadBalancer}, with the role's own documents upload location).
 *
 * <ol>
 *   <li><b>Library</b> ({@link BlobThroughput}): {@code BlobStore} put and get MB/s at {@code --library-sizes} MB,
 *   {@code --library-reps} repetitions each, and ranged gets, on PostgreSQL (a Hikari pool of 4) and on S3
 *   (s3proxy, filesystem back end).</li>
 *   <li><b>Service</b>, once per back end in {@code --backends}: three instances of the WAR behind nginx with
 *   {@code GRACE_BLOBS_BACKEND} set to it. Through nginx, as a care worker: {@code --photos} uploads of a fresh 1 MB
 *   JPEG and {@code --large} of a fresh {@code --large-mb} MB PDF, one at a time (MB/s each); each instance then
 *   serves the first photo directly, byte-identical; the photos' thumbnails are awaited (the background job must not
 *   run during the downloads); the large files are downloaded one at a time (MB/s, SHA-256 compared); then wrk
 *   downloads the 1 MB photo at {@code --connections} connections for {@code --duration} seconds after a
 *   {@code --warmup} ({@code grace-benchmarks/documents/download.lua}: requests/s, p50/p95/p99, errors including
 *   answers of the wrong length). nginx's per-attempt log says which instance served what.</li>
 * </ol>
 * With {@code GRACE_BENCH_LOCK} set, each phase's measurements (not the boots) hold that {@code flock(1)} lock.
 *
 * <p>Longer than 400 lines on purpose: it is one program whose steps (servers, the library phase, then per back end
 * the fleet, uploads, direct reads, thumbnails, large downloads and the wrk runs) are the sections of
 * results/documents.md, run once in that order; the measuring pieces that stand alone are in {@link BlobThroughput},
 * {@link BenchFiles}, {@link CpuShares} and {@link Spread}.
 */
public final class DocumentsBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The instances' settings beside servers and key. Rate limits are far above what is sent (each request still
     * passes the limiter); PBKDF2 at its floor only makes the set-up's sign-ins cheap. Document limits are the
     * defaults (10 MB a file), as is everything else a deployment of three instances gets.
     */
    private static final Map<String, String> SETTINGS = GraceInstances.settings("documents-bench",
            Map.of("GRACE_RATELIMIT_API_PER_MINUTE", "3000000"));
    private static final String BUCKET = "grace-documents-bench";
    /** Uploads (and downloads) before the measured ones, per kind: at least one per instance. */
    private static final int WARM_PHOTOS = 4;
    private static final int WARM_LARGE = 2;

    private final Map<String, String> options;
    private final Path root = ProjectLayout.root();
    private final HttpClient http;
    private final List<String> library = new ArrayList<>();
    private final List<String> uploads = new ArrayList<>();
    private final List<String> downloads = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long seed = 17;

    private DocumentsBenchmark(Map<String, String> options) {
        this.options = options;
        this.http = GraceInstances.http11Client();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = BenchOptions.parse("phases=library,service backends=postgres,s3 "
                + "library-sizes=1,10,100 library-reps=10,5,3 photos=10 large=5 large-mb=9 connections=4,16 "
                + "warmup=15 duration=30 threads=2 profile=staging", args);
        new DocumentsBenchmark(options).run();
        System.exit(0);
    }

    /** A Markdown table of {@code rows}, nothing when there are none (a phase that did not run). */
    private static void table(String header, String alignment, List<String> rows) {
        if (!rows.isEmpty()) {
            System.out.println(header);
            System.out.println(alignment);
            rows.forEach(System.out::println);
            System.out.println();
        }
    }

    private int option(String name) {
        return Integer.parseInt(options.get(name));
    }

    private List<String> list(String name) {
        return List.of(options.get(name).split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private void run() throws Exception {
        System.out.printf("documents benchmark: %s, JDK %s, %d cores, load %s, options %s%n", Instant.now(),
                System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
                GraceInstances.loadAverages(), options);
        try (PostgresServer postgres = PostgresServer.start(); RedisServer redis = RedisServer.start();
             S3Server s3 = S3Server.start(); S3Client admin = s3Admin(s3)) {
            if (list("phases").contains("library")) {
                library(postgres, s3, admin);
            }
            if (list("phases").contains("service")) {
                for (String backend : list("backends")) {
                    service(backend, postgres, redis, s3, admin);
                }
            }
        }
        System.out.println();
        table("| back end | size | puts | put MB/s median (min-max) | get MB/s median (min-max) | "
                + "ranged get of 256 KB, ms median (min-max) |", "|---|---:|---:|---:|---:|---:|", library);
        table("| back end | file | uploads | upload MB/s median (min-max) | upload ms median | "
                + "downloads one at a time | download MB/s median (min-max) |", "|---|---|---:|---:|---:|---:|---:|",
                uploads);
        table("| back end | connections | requests/s | MB/s | p50 ms | p95 ms | p99 ms | max ms | "
                + "errors | CPU per instance (% of one core) | load before -> after |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|", downloads);
        notes.forEach(System.out::println);
    }

    // ------------------------------------------------------------------------------------------------ library

    private void library(PostgresServer postgres, S3Server s3, S3Client admin) throws IOException {
        List<String> sizes = list("library-sizes");
        List<String> reps = list("library-reps");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgres.createDatabase("grace_blobs_bench"));
        config.setUsername(postgres.user());
        config.setMaximumPoolSize(4);
        admin.createBucket(r -> r.bucket(BUCKET + "-lib"));
        try (HikariDataSource pool = new HikariDataSource(config);
             BlobStore s3Store = BlobStore.s3(BUCKET + "-lib").endpoint(s3.endpoint())
                     .credentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY).build();
             BenchLock lock = BenchLock.take()) {
            BlobStoreSchema.migrate(pool);
            String before = GraceInstances.loadAverages();
            for (Map.Entry<String, BlobStore> store : Map.of("PostgreSQL", (BlobStore) BlobStore.postgres(pool)
                    .build(), "S3 (s3proxy)", s3Store).entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .toList()) {
                BlobThroughput bench = new BlobThroughput(store.getValue(), store.getKey(), seed += 1000);
                bench.warmUp(5);
                for (int i = 0; i < sizes.size(); i++) {
                    library.add(bench.measure(Integer.parseInt(sizes.get(i)), Integer.parseInt(reps.get(i))));
                    System.out.println("row: " + library.get(library.size() - 1));
                }
            }
            notes.add("Library phase: lock waited " + lock.waitedSeconds() + " s; load (1 min) before " + before
                    + ", after " + GraceInstances.loadAverages() + ".");
        }
    }

    private static S3Client s3Admin(S3Server s3) {
        return S3Client.builder().endpointOverride(s3.endpoint()).region(Region.of(S3Server.REGION))
                .httpClient(UrlConnectionHttpClient.create()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)))
                .build();
    }

    // ------------------------------------------------------------------------------------------------ service

    private void service(String backend, PostgresServer postgres, RedisServer redis, S3Server s3, S3Client admin)
            throws Exception {
        Map<String, String> env = new LinkedHashMap<>(SETTINGS);
        env.put("GRACE_DB_URL", postgres.createDatabase("grace_documents_" + backend));
        env.put("GRACE_DB_USER", postgres.user());
        env.put("GRACE_REDIS_URL", redis.url());
        env.put("GRACE_AUTH_SIGNING_KEY", GraceInstances.newSigningKeyPem());
        env.put("GRACE_BLOBS_BACKEND", backend);
        if (backend.equals("s3")) {
            admin.createBucket(r -> r.bucket(BUCKET));
            env.put("GRACE_BLOBS_S3_BUCKET", BUCKET);
            env.put("GRACE_BLOBS_S3_ENDPOINT", s3.endpoint().toString());
            env.put("GRACE_BLOBS_S3_REGION", S3Server.REGION);
            env.put("GRACE_BLOBS_S3_ACCESS_KEY_ID", S3Server.ACCESS_KEY);
            env.put("GRACE_BLOBS_S3_SECRET_ACCESS_KEY", S3Server.SECRET_KEY);
        } else if (!backend.equals("postgres")) {
            throw new IllegalArgumentException("--backends takes postgres and s3, got " + backend);
        }
        // The WAR as built when this phase started: a build running meanwhile may rewrite target/grace.war.
        Path war = Files.copy(root.resolve("grace-webapp/target/grace.war"),
                ProjectLayout.scratch("war-").resolve("grace.war"));
        List<PayaraInstance> fleet = GraceInstances.startFleet(http, war, 3, env, "docs-" + backend,
                options.get("profile"));
        try (NginxLoadBalancer nginx = NginxLoadBalancer.start(fleet.stream().map(PayaraInstance::port).toList())) {
            new ServiceRun(backend, fleet, nginx).run();
        } finally {
            fleet.parallelStream().forEach(PayaraInstance::close);
        }
    }

    /** One back end's fleet behind nginx: uploads, direct reads, thumbnails, large downloads, wrk. */
    private final class ServiceRun {
        final String backend;
        final List<PayaraInstance> fleet;
        final NginxLoadBalancer nginx;
        final String lb;
        String token;
        long resident;

        ServiceRun(String backend, List<PayaraInstance> fleet, NginxLoadBalancer nginx) {
            this.backend = backend;
            this.fleet = fleet;
            this.nginx = nginx;
            this.lb = nginx.url();
        }

        void run() throws Exception {
            CareData care = CareData.build(http, lb, 1);
            resident = care.residentIds().get(0);
            token = CareData.accessToken(http, lb, "care_staff");
            int photoCount = option("photos");
            int largeCount = option("large");
            int largeSize = option("large-mb") * BenchFiles.MB;
            // Every file is made before any clock starts, each from its own seed (warm-up files first).
            List<byte[]> photos = new ArrayList<>();
            for (int i = 0; i < photoCount + WARM_PHOTOS; i++) {
                photos.add(BenchFiles.jpeg(BenchFiles.MB, seed++));
            }
            List<byte[]> large = new ArrayList<>();
            for (int i = 0; i < largeCount + WARM_LARGE; i++) {
                large.add(BenchFiles.pdf(largeSize, seed++));
            }
            System.out.printf("%s: %d JPEGs of %d-%d bytes, %d PDFs of %d bytes%n", backend, photos.size(),
                    photos.stream().mapToInt(b -> b.length).min().orElse(0),
                    photos.stream().mapToInt(b -> b.length).max().orElse(0), large.size(), largeSize);
            try (BenchLock lock = BenchLock.take()) {
                String before = GraceInstances.loadAverages();
                // Warm-up, not counted: both kinds up and down, spread over the instances by nginx.
                for (int i = 0; i < WARM_PHOTOS + WARM_LARGE; i++) {
                    boolean photo = i < WARM_PHOTOS;
                    JsonNode warm = upload(photo ? photos.get(i) : large.get(i - WARM_PHOTOS), photo ? "image/jpeg"
                            : "application/pdf", photo ? "warm-up.jpg" : "warm-up.pdf").document;
                    download(lb, warm.path("contentUrl").asText());
                }
                CpuShares uploadCpu = new CpuShares(instanceLabels());
                List<Uploaded> photoUploads = new ArrayList<>();
                for (int i = WARM_PHOTOS; i < photos.size(); i++) {
                    photoUploads.add(upload(photos.get(i), "image/jpeg", "resident-photo-" + i + ".jpg"));
                }
                List<Uploaded> largeUploads = new ArrayList<>();
                for (int i = WARM_LARGE; i < large.size(); i++) {
                    largeUploads.add(upload(large.get(i), "application/pdf", "care-plan-" + i + ".pdf"));
                }
                notes.add(backend + ", the measured uploads: " + uploadCpu.end(8));
                Uploaded photo = photoUploads.get(0);
                String photoPath = photo.document.path("contentUrl").asText();
                for (PayaraInstance instance : fleet) {
                    Downloaded d = download(instance.baseUrl(), photoPath);
                    if (!d.sha256.equals(photo.sha256)) {
                        throw new IllegalStateException("instance on port " + instance.port()
                                + " served other bytes for " + photoPath);
                    }
                }
                double thumbnails = awaitThumbnails(photoUploads);
                List<Double> largeDown = new ArrayList<>();
                for (Uploaded u : largeUploads) {
                    Downloaded d = download(lb, u.document.path("contentUrl").asText());
                    if (!d.sha256.equals(u.sha256)) {
                        throw new IllegalStateException("a large download through nginx is not the file uploaded");
                    }
                    largeDown.add(d.megabytesPerSecond);
                }
                uploads.add(row("1 MB JPEG", photoUploads, null));
                uploads.add(row(option("large-mb") + " MB PDF", largeUploads, largeDown));
                System.out.println("row: " + uploads.get(uploads.size() - 2));
                System.out.println("row: " + uploads.get(uploads.size() - 1));
                notes.add(String.format("%s: the first photo read directly from each of the 3 instances, "
                                + "byte-identical; thumbnails of the %d photos (3 sizes each) all there %.1f s after the "
                                + "last upload.", backend, photoUploads.size(), thumbnails));
                int size = photo.document.path("size").asInt();
                warmUpWrk(photoPath, size);
                for (String c : list("connections")) {
                    downloads.add(wrk(photoPath, size, Integer.parseInt(c)));
                    System.out.println("row: " + downloads.get(downloads.size() - 1));
                }
                notes.add(backend + ": lock waited " + lock.waitedSeconds() + " s; load (1 min) at the start of the "
                        + "measurements " + before + ", at the end " + GraceInstances.loadAverages() + ".");
                notes.add(backend + ": requests per instance in nginx's upstream log: " + upstreamCounts());
                notes.add(backend + ": nginx's error log: " + errorLogSummary(nginx));
            }
        }

        Map<Long, String> instanceLabels() {
            Map<Long, String> labels = new LinkedHashMap<>();
            for (int i = 0; i < fleet.size(); i++) {
                labels.put(fleet.get(i).process().pid(), "instance " + (i + 1));
            }
            return labels;
        }

        String row(String file, List<Uploaded> ups, List<Double> downs) {
            Spread up = Spread.of(ups.stream().map(u -> u.megabytesPerSecond).toList());
            Spread ms = Spread.of(ups.stream().map(u -> u.millis).toList());
            return String.format("| %s | %s | %d | %s | %.0f | %s | %s |", backend, file, ups.size(), up.format("%.1f"),
                    ms.median(), downs == null ? "-" : Integer.toString(downs.size()),
                    downs == null ? "see wrk below" : Spread.of(downs).format("%.1f"));
        }

        Uploaded upload(byte[] file, String contentType, String fileName) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(lb + "/api/residents/" + resident
                            + "/documents?fileName=" + fileName))
                    .header("Authorization", "Bearer " + token).header("Content-Type", contentType)
                    .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.ofByteArray(file)).build();
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            long t1 = System.nanoTime();
            if (r.statusCode() != 201) {
                throw new IllegalStateException(backend + ": upload of " + fileName + " (" + file.length
                        + " bytes) through nginx answered " + r.statusCode() + " " + r.body());
            }
            JsonNode document = JSON.readTree(r.body());
            String sha256 = BenchFiles.sha256(file);
            if (!sha256.equals(document.path("sha256").asText()) || document.path("size").asLong() != file.length) {
                throw new IllegalStateException(backend + ": upload stored something else: " + r.body());
            }
            double seconds = (t1 - t0) / 1e9;
            return new Uploaded(document, sha256, file.length / (double) BenchFiles.MB / seconds, seconds * 1000);
        }

        Downloaded download(String base, String path) throws Exception {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(2)).build();
            long t0 = System.nanoTime();
            HttpResponse<InputStream> r = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            MessageDigest digest = BenchFiles.digest();
            long size = 0;
            try (InputStream in = r.body()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    digest.update(buffer, 0, n);
                    size += n;
                }
            }
            long t1 = System.nanoTime();
            if (r.statusCode() != 200) {
                throw new IllegalStateException(backend + ": GET " + base + path + " answered " + r.statusCode());
            }
            return new Downloaded(HexFormat.of().formatHex(digest.digest()),
                    size / (double) BenchFiles.MB / ((t1 - t0) / 1e9));
        }

        /** Seconds until every photo has its three thumbnails (the background job), polled through nginx. */
        double awaitThumbnails(List<Uploaded> photos) throws Exception {
            long t0 = System.nanoTime();
            long deadline = t0 + TimeUnit.MINUTES.toNanos(3);
            for (Uploaded photo : photos) {
                for (int size : new int[] {64, 128, 256}) {
                    URI uri = URI.create(lb + photo.document.path("contentUrl").asText() + "?size=" + size);
                    while (true) {
                        HttpResponse<Void> r = http.send(HttpRequest.newBuilder(uri)
                                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(),
                                HttpResponse.BodyHandlers.discarding());
                        if (r.statusCode() == 200) {
                            break;
                        }
                        if (r.statusCode() != 404 || System.nanoTime() > deadline) {
                            throw new IllegalStateException(backend + ": thumbnail " + uri + " answered "
                                    + r.statusCode());
                        }
                        Thread.sleep(250);
                    }
                }
            }
            return (System.nanoTime() - t0) / 1e9;
        }

        void warmUpWrk(String path, int size) throws Exception {
            int seconds = option("warmup");
            if (seconds > 0) {
                Map<String, String> w = runWrk(path, size, 16, seconds);
                System.out.printf("%s: warm-up, %d s at 16 connections: %s requests/s, p95 %s ms, errors %s%n",
                        backend, seconds, w.get("rps"), w.get("p95_ms"), w.get("errors"));
            }
        }

        String wrk(String path, int size, int connections) throws Exception {
            String before = shortLoad();
            long[] ticks = fleet.stream().mapToLong(i -> GraceInstances.cpuTicks(i.process().pid())).toArray();
            CpuShares shares = new CpuShares(instanceLabels());
            long t0 = System.nanoTime();
            Map<String, String> w = runWrk(path, size, connections, option("duration"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            notes.add(backend + ", wrk at " + connections + " connections: " + shares.end(8));
            List<String> cpu = new ArrayList<>();
            for (int i = 0; i < fleet.size(); i++) {
                long used = GraceInstances.cpuTicks(fleet.get(i).process().pid()) - ticks[i];
                cpu.add(String.format("%.0f", used / seconds));
            }
            return String.format("| %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s -> %s |", backend,
                    connections, w.get("rps"), w.get("mbps"), w.get("p50_ms"), w.get("p95_ms"), w.get("p99_ms"),
                    w.get("max_ms"), w.get("errors"), String.join(", ", cpu), before, shortLoad());
        }

        /** One wrk run of download.lua through nginx; its grace-wrk values, and "errors" ("0" when none). */
        Map<String, String> runWrk(String path, int size, int connections, int seconds) throws Exception {
            String wrk = DebianPackages.ensure("wrk", "wrk");
            Process p = new ProcessBuilder(wrk, "-t", options.get("threads"), "-c", Integer.toString(connections),
                    "-d", seconds + "s", "--timeout", "10s", "-s",
                    root.resolve("grace-benchmarks/documents/download.lua").toString(), lb, "--", token, path,
                    Integer.toString(size)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(seconds + 60L, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("wrk failed:\n" + out);
            }
            System.out.println(out);
            Map<String, String> values = new LinkedHashMap<>();
            Matcher m = Pattern.compile("(\\w+)=([0-9.]+)").matcher(String.join("\n", out.lines()
                    .filter(l -> l.startsWith("grace-wrk: requests=")).toList()));
            while (m.find()) {
                values.put(m.group(1), m.group(2));
            }
            List<String> errors = new ArrayList<>();
            out.lines().filter(l -> l.startsWith("grace-wrk: statuses ")).findFirst().ifPresent(l -> {
                for (String pair : l.substring("grace-wrk: statuses ".length()).trim().split(" ")) {
                    if (!pair.isEmpty() && !pair.startsWith("200=")) {
                        errors.add(pair);
                    }
                }
            });
            out.lines().filter(l -> l.startsWith("grace-wrk: socket_errors ") || l.startsWith("grace-wrk: wrong_"))
                    .forEach(l -> {
                        for (String pair : l.substring("grace-wrk: ".length()).split(" ")) {
                            if (pair.contains("=") && !pair.endsWith("=0")) {
                                errors.add(pair);
                            }
                        }
                    });
            if (!values.containsKey("p95_ms")) {
                throw new IllegalStateException("no grace-wrk line in wrk's output:\n" + out);
            }
            values.put("errors", errors.isEmpty() ? "0" : String.join(" ", errors));
            return values;
        }

        /** Per instance, how many upload, download and other requests nginx's per-attempt log shows it served. */
        String upstreamCounts() throws IOException {
            Map<String, Map<String, Integer>> counts = new TreeMap<>();
            Pattern address = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
            for (String line : Files.readAllLines(nginx.upstreamLog())) {
                String[] f = line.split("\t");
                if (f.length < 6) {
                    continue;
                }
                String kind = f[5].startsWith("POST ") && f[5].endsWith("/documents") ? "uploads"
                        : f[5].startsWith("GET /api/documents/") && f[5].endsWith("/content") ? "downloads" : "other";
                Matcher m = address.matcher(f[2]);
                while (m.find()) {
                    counts.computeIfAbsent("port " + m.group(1), k -> new TreeMap<>()).merge(kind, 1, Integer::sum);
                }
            }
            return counts.toString();
        }
    }

    /**
     * How many responses and request bodies nginx buffered to a temporary file (a response larger than its proxy
     * buffers while the client reads slower than the instance writes; a request body when request buffering is on),
     * and how many other warnings or errors it logged.
     */
    private static String errorLogSummary(NginxLoadBalancer nginx) throws IOException {
        List<String> lines = Files.readAllLines(nginx.errorLog());
        long responses = lines.stream().filter(l -> l.contains("upstream response is buffered")).count();
        long bodies = lines.stream().filter(l -> l.contains("client request body is buffered")).count();
        List<String> others = lines.stream().filter(l -> l.contains("[warn]") || l.contains("[error]")
                || l.contains("[crit]")).filter(l -> !l.contains("buffered to a temporary file")).toList();
        return responses + " upstream responses and " + bodies + " request bodies buffered to a temporary file; "
                + others.size() + " other warnings or errors" + (others.isEmpty() ? "" : ", first: " + others.get(0));
    }

    record Uploaded(JsonNode document, String sha256, double megabytesPerSecond, double millis) {
    }

    record Downloaded(String sha256, double megabytesPerSecond) {
    }



    /** The 1-minute load average. */
    private static String shortLoad() {
        return GraceInstances.loadAverages().split(" ")[0];
    }
}
