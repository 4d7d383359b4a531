package org.grace.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.grace.testsupport.ChildJvm;
import org.grace.testsupport.FreePorts;
import org.grace.testsupport.ProjectLayout;
import org.junit.jupiter.api.Test;

/**
 * A JVM that started a Payara Micro through {@link PayaraInstance} and is then stopped (SIGTERM: Ctrl-C, a benchmark
 * or test run killed) stops the instance too: a Payara Micro left behind keeps its port and its heap.
 */
class PayaraInstanceAtExitIT {

    /** The child: starts an instance of an empty WAR, says so, then waits to be stopped. */
    public static final class Starter {
        public static void main(String[] args) throws Exception {
            PayaraInstance instance = PayaraInstance.builder().payaraMicroJar(Path.of(args[0])).war(Path.of(args[1]))
                    .port(Integer.parseInt(args[2])).rootDir(Path.of(args[3])).logFile(Path.of(args[3] + ".log"))
                    .start();
            System.out.println("payara started, pid " + instance.process().pid());
            System.out.flush();
            Thread.sleep(Duration.ofMinutes(5).toMillis());
        }
    }

    @Test
    void anInstanceIsStoppedWithTheJvmThatStartedIt() throws IOException {
        Path scratch = ProjectLayout.scratch("payara-at-exit-");
        Path war = emptyWar(scratch.resolve("empty.war"));
        Path jar = ProjectLayout.root().resolve("payara-config/target/payara-micro.jar");
        try (ChildJvm child = ChildJvm.builder(Starter.class).args(jar.toString(), war.toString(),
                Integer.toString(FreePorts.next()), scratch.resolve("root").toString()).start()) {
            child.awaitLine("payara started", Duration.ofSeconds(60));
            ProcessHandle jvm = ProcessHandle.of(child.pid()).orElseThrow();
            List<ProcessHandle> payara = jvm.children().filter(ProcessHandle::isAlive).toList();
            assertThat(payara).as("the child's Payara Micro").hasSize(1);

            jvm.destroy(); // SIGTERM, as Ctrl-C or a killed run would send
            try {
                child.awaitExit(Duration.ofSeconds(PayaraInstance.STOP_TIMEOUT_SECONDS + 20));
                assertThat(payara.get(0).onExit()).as("Payara Micro " + payara.get(0).pid()
                        + " stopped with the JVM that started it").succeedsWithin(Duration.ofSeconds(5));
            } finally {
                payara.get(0).destroyForcibly(); // if it was left behind: the test's own grandchild
            }
        }
    }

    private static Path emptyWar(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("index.html"));
            zip.write("empty".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        return file;
    }
}
