package org.grace.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A JVM that started servers here and is then stopped (SIGTERM: Ctrl-C, a killed benchmark, a fork timed out) takes
 * them with it: a child JVM starts a Redis, the test stops that JVM, and the Redis must be gone.
 */
class StoppedAtExitIT {

    /** The child: starts the server, says so, then waits to be stopped. */
    public static final class Starter {
        public static void main(String[] args) throws Exception {
            RedisServer redis = RedisServer.start();
            System.out.println("redis on port " + redis.port());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }

    @Test
    void theServersOfAJvmThatIsStoppedAreStoppedWithIt() {
        try (ChildJvm child = ChildJvm.builder(Starter.class).start()) {
            child.awaitLine("redis on port ", Duration.ofSeconds(60));
            ProcessHandle jvm = ProcessHandle.of(child.pid()).orElseThrow();
            // Its one process still running (the package check it ran first has ended).
            List<ProcessHandle> servers = jvm.children().filter(ProcessHandle::isAlive).toList();
            assertThat(servers).as("the child's redis-server").hasSize(1);
            ProcessHandle redis = servers.get(0);
            assertThat(redis.isAlive()).isTrue();

            try {
                jvm.destroy(); // SIGTERM, as Ctrl-C or a timeout would send
                child.awaitExit(Duration.ofSeconds(15));
                assertThat(redis.onExit()).as("redis-server " + redis.pid() + " stopped with the JVM that started it")
                        .succeedsWithin(Duration.ofSeconds(5));
            } finally {
                redis.destroyForcibly(); // if it was left behind: the test's own grandchild
            }
        }
    }
}
