package org.grace.core.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.grace.testsupport.DebianPackages;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.redisson.api.RedissonClient;

/**
 * A Sentinel that knows only ACL users (its default user off, as the Ansible redis role configures it): a client
 * built by {@link RedisClients} from {@code redis-sentinel://user:password@...} must log in there as that user, not
 * only with its password. Before {@code setSentinelUsername}, Redisson sent {@code AUTH <password>} alone and the
 * Sentinel answered WRONGPASS (seen on the Ansible test fleet: every instance fell back to memory).
 */
class RedisSentinelAclIT {
    private static final String PASSWORD = "acl-test-password";

    @Test
    void theUrlsUserLogsInToTheSentinelsAsWellAsToTheServer(@TempDir Path dir) throws Exception {
        // The server knows the user too; its default user stays open so that the Sentinel can monitor it unnamed.
        try (RedisServer server = RedisServer.start(FreePorts.next(),
                List.of("--user", "grace", "on", ">" + PASSWORD, "~*", "&*", "+@all"))) {
            int sentinelPort = FreePorts.next();
            Path config = dir.resolve("sentinel.conf");
            Files.writeString(config, String.join("\n",
                    "port " + sentinelPort,
                    "bind 127.0.0.1",
                    "daemonize no",
                    "dir " + dir,
                    "user default off resetpass -@all",
                    "user grace on >" + PASSWORD + " -@all +ping +client|setname +sentinel|get-master-addr-by-name"
                            + " +sentinel|slaves +sentinel|replicas +sentinel|sentinels",
                    "sentinel monitor grace 127.0.0.1 " + server.port() + " 1",
                    ""));
            Process sentinel = new ProcessBuilder(DebianPackages.ensure("redis-server", "redis-server"),
                    config.toString(), "--sentinel").redirectErrorStream(true)
                    .redirectOutput(dir.resolve("sentinel.out").toFile()).start();
            try {
                awaitAnswer(sentinelPort, Duration.ofSeconds(20));
                assertThat(firstReply(sentinelPort, "AUTH " + PASSWORD)).as("the password alone is the default user's")
                        .startsWith("-WRONGPASS");

                RedissonClient client = RedisClients.create(RedisUrl.parse("redis-sentinel://grace:" + PASSWORD
                        + "@127.0.0.1:" + sentinelPort + "/grace"), "sentinel-acl-it");
                try {
                    client.getBucket("acl").set("through-an-acl-sentinel");
                    assertThat(client.<String>getBucket("acl").get()).isEqualTo("through-an-acl-sentinel");
                } finally {
                    client.shutdown();
                }
                assertThat(server.command("EXISTS", "acl")).as("written on the server").isEqualTo(":1");
            } finally {
                sentinel.destroy();
                if (!sentinel.waitFor(10, TimeUnit.SECONDS)) {
                    sentinel.destroyForcibly();
                }
            }
        }
    }

    /** Waits until something answers an inline PING on {@code port} (NOAUTH counts: the Sentinel is up). */
    private static void awaitAnswer(int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (!firstReply(port, "PING").isEmpty()) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("the Sentinel on port " + port + " did not answer within " + timeout);
    }

    /** The first line Redis answers to an inline command. */
    private static String firstReply(int port, String inlineCommand) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write((inlineCommand + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
