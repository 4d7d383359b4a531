package org.grace.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * A throwaway S3 API server: s3proxy with its filesystem back end, on a free loopback port, storing under a scratch
 * folder in {@code target/} whose objects are deleted when the server stops. It runs in a child JVM from s3proxy's
 * self-contained jar (found through the system property {@value #JAR_PROPERTY}, which the module's build sets after
 * copying the jar; a {@link ChildJvm}), so that its jclouds, Jetty and Guava never meet the test class path. Path-style addressing, AWS
 * signature v2 or v4 with the fixed
 * {@link #ACCESS_KEY}/{@link #SECRET_KEY}. Only the process this object started is ever stopped.
 */
public final class S3Server extends LoopbackServer {
    /** System property naming s3proxy's jar-with-dependencies. */
    public static final String JAR_PROPERTY = "grace.s3proxy.jar";
    public static final String ACCESS_KEY = "grace-test-access";
    public static final String SECRET_KEY = "grace-test-secret";
    /** Any region: s3proxy accepts whatever the client signs with. */
    public static final String REGION = "us-east-1";

    private final ChildJvm jvm;

    /** Writes s3proxy's configuration for a free loopback port and starts it from {@code jar}. */
    private S3Server(Path jar) {
        super(FreePorts.next(), "s3proxy-");
        Path data = dir().resolve("data");
        Path properties = dir().resolve("s3proxy.properties");
        try {
            Files.createDirectories(data);
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=" + loopbackUrl("http"),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    "jclouds.provider=filesystem",
                    "jclouds.identity=unused",
                    "jclouds.credential=unused",
                    "jclouds.filesystem.basedir=" + data,
                    ""), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.jvm = ChildJvm.jar(jar).name("s3proxy")
                .jvmArgs("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .args("--properties", properties.toString())
                .log(dir().resolve("s3proxy.log"))
                .start();
    }

    /** Starts s3proxy on a free loopback port and waits until it answers HTTP. */
    public static S3Server start() {
        String jar = System.getProperty(JAR_PROPERTY);
        if (jar == null || !Files.isRegularFile(Paths.get(jar))) {
            throw new IllegalStateException("s3proxy jar not found: system property " + JAR_PROPERTY + " is " + jar
                    + "; the module's build copies it (maven-dependency-plugin, execution 's3proxy')");
        }
        S3Server server = new S3Server(Paths.get(jar));
        server.awaitReady();
        return server;
    }

    /** {@code http://127.0.0.1:port}: the endpoint override a client needs. */
    public URI endpoint() {
        return URI.create(loopbackUrl("http"));
    }

    public boolean isRunning() {
        return jvm.isAlive();
    }

    /** Waits up to 60 s for s3proxy to answer HTTP; stops it when it does not. */
    private void awaitReady() {
        if (!answersWithin(Duration.ofSeconds(60), 100, this::answersHttp, jvm::isAlive,
                () -> "s3proxy exited at start on port " + port() + "; see " + dir())) {
            close();
            throw new IllegalStateException("s3proxy did not answer on port " + port() + " within 60 s; see " + dir());
        }
    }

    private boolean answersHttp() {
        try {
            HttpURLConnection c = (HttpURLConnection) endpoint().toURL().openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            int status = c.getResponseCode(); // an unsigned request: 403, but it answers
            c.disconnect();
            return status > 0;
        } catch (IOException notYet) {
            return false; // not listening yet
        }
    }

    @Override
    public void close() {
        jvm.close();
        deleteData();
    }

    /** The stored objects go (large-blob tests write hundreds of MB); the log stays for a failure's diagnosis. */
    private void deleteData() {
        Path data = dir().resolve("data");
        if (!Files.exists(data)) {
            return;
        }
        try (var paths = Files.walk(data)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // leftovers under target/ only; mvn clean removes them
        }
    }
}
