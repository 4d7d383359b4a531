package org.grace.webapp.it.care;

import static org.assertj.core.api.Assertions.assertThat;
import static org.grace.webapp.it.care.CareClient.expect;
import static org.grace.webapp.it.care.CareClient.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.grace.webapp.it.Fixtures;
import org.grace.webapp.it.GraceExtension.GraceFleet;
import org.grace.webapp.it.GraceProcess;
import org.grace.webapp.it.WithGrace;
import org.junit.jupiter.api.Test;

/**
 * Must-show 2 of issue 17: a 100 MB document goes into an instance whose heap is capped at 256 MB and comes back out,
 * byte-identical, while the process's resident memory rises by less than 64 MB: the upload streams into the blob
 * store and the download out of it, neither holds the file. The file is generated as it is sent and hashed as it is
 * received, so the test process never holds it either.
 */
@WithGrace
class DocumentStreamingIT {
    static final long SIZE = 100L * 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void a100MbDocumentStreamsInAndOutWithTheHeapCappedAt256MbAndRssRisingUnder64Mb(GraceFleet fleet)
            throws Exception {
        Map<String, String> env = new java.util.HashMap<>(fleet.sharedEnvironment());
        env.put("GRACE_DOCUMENTS_MAX_FILE_BYTES", Long.toString(SIZE + 1024 * 1024));
        env.put("GRACE_SHUTDOWN_DRAIN", "0s");
        try (GraceProcess grace = GraceProcess.start("streaming", env, Duration.ofSeconds(300),
                List.of("-Xms64m", "-Xmx256m"))) {
            JsonNode setup = expect(new CareClient("anonymous", null).post(grace, "/api/setup", json("organizationName",
                    "Stream House", "email", "admin@stream.example", "displayName", "Sam Stream", "password",
                    Fixtures.PASSWORD)), 201);
            assertThat(setup.path("user").path("id").asLong()).isPositive();
            CareClient admin = CareClient.signIn(grace, "admin@stream.example", Fixtures.PASSWORD);
            long facility = expect(admin.post(grace, "/api/facilities", json("name", "Main")), 201).path("id").asLong();
            long resident = expect(admin.post(grace, "/api/residents", json("facilityId", facility, "fullName",
                    "Ruth Stream")), 201).path("id").asLong();
            String documents = grace.baseUrl() + "/api/residents/" + resident + "/documents";

            String[] command = Files.readString(Path.of("/proc/" + grace.pid() + "/cmdline")).split("\0");
            assertThat(java.util.Arrays.stream(command).filter(a -> a.startsWith("-Xmx")).reduce((a, b) -> b))
                    .as("the heap limit the JVM runs with (the last -Xmx wins)").hasValue("-Xmx256m");

            // Warm up the paths (classes, JIT, pool) with a small file, then measure.
            upload(admin, documents, 2L * 1024 * 1024, 1);
            long rssBefore = rss(grace.pid());
            AtomicLong peak = new AtomicLong(rssBefore);
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peak.accumulateAndGet(rss(grace.pid()), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            long t0 = System.nanoTime();
            Uploaded up = upload(admin, documents, SIZE, 42);
            long t1 = System.nanoTime();
            HttpResponse<InputStream> down = HTTP.send(HttpRequest.newBuilder(URI.create(grace.baseUrl()
                    + up.document().path("contentUrl").asText())).header("Authorization", "Bearer " + admin.bearer)
                    .timeout(Duration.ofMinutes(5)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(down.statusCode()).isEqualTo(200);
            String downloaded = sha256(down.body());
            long t2 = System.nanoTime();
            sampler.interrupt();
            sampler.join();
            long rise = peak.get() - rssBefore;
            System.out.printf("DocumentStreamingIT: 100 MB up in %.1f s (%.0f MB/s), down in %.1f s (%.0f MB/s); "
                            + "RSS before %d MB, peak %d MB, rise %d MB (heap capped at 256 MB)%n",
                    (t1 - t0) / 1e9, 100 / ((t1 - t0) / 1e9), (t2 - t1) / 1e9, 100 / ((t2 - t1) / 1e9),
                    rssBefore >> 20, peak.get() >> 20, rise >> 20);
            assertThat(up.document().path("size").asLong()).isEqualTo(SIZE);
            assertThat(up.document().path("sha256").asText()).isEqualTo(up.sha256());
            assertThat(downloaded).as("byte-identical download").isEqualTo(up.sha256());
            assertThat(rise).as("RSS rise in bytes").isLessThan(64L * 1024 * 1024);
            assertThat(grace.isAlive()).isTrue();
        }
    }

    record Uploaded(JsonNode document, String sha256) {
    }

    /** Uploads a generated PDF of {@code size} bytes (header, random bytes, end), hashing it as it is sent. */
    private static Uploaded upload(CareClient user, String url, long size, long seed) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers
                .ofInputStream(() -> new DigestInputStream(new GeneratedPdf(size, seed), digest)), size);
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "?fileName=big.pdf"))
                .header("Authorization", "Bearer " + user.bearer).header("Content-Type", "application/pdf")
                .timeout(Duration.ofMinutes(5)).POST(body).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode document = expect(r, 201);
        return new Uploaded(document, HexFormat.of().formatHex(digest.digest()));
    }

    private static String sha256(InputStream in) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Resident set size of a process, from /proc. */
    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }

    /** A PDF-shaped stream of exactly {@code size} bytes, generated as it is read (never held). */
    static final class GeneratedPdf extends InputStream {
        private static final byte[] HEAD = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] TAIL = "\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        private final long size;
        private final SplittableRandom random;
        private long position;

        GeneratedPdf(long size, long seed) {
            this.size = size;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position >= size) {
                return -1;
            }
            int n = (int) Math.min(len, size - position);
            for (int i = 0; i < n; i++) {
                long at = position + i;
                if (at < HEAD.length) {
                    b[off + i] = HEAD[(int) at];
                } else if (at >= size - TAIL.length) {
                    b[off + i] = TAIL[(int) (at - (size - TAIL.length))];
                } else {
                    b[off + i] = (byte) random.nextInt(256);
                }
            }
            position += n;
            return n;
        }
    }
}
