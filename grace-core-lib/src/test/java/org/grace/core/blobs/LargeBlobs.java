package org.grace.core.blobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.testsupport.ChildJvm;

/** Runs {@link LargeBlobMain} in a JVM with a 64 MB heap and checks what it read back. */
final class LargeBlobs {
    static final int MEGABYTES = 100;
    private static final Pattern RESULT = Pattern.compile(
            "RESULT key=(\\w+) size=(\\d+) readBack=(\\w+) putMs=(\\d+) getMs=(\\d+) peakHeapMb=(\\d+) maxHeapMb=(\\d+)");

    private LargeBlobs() {
    }

    static void putAndGetThroughSmallHeap(String backEnd, String... args) throws Exception {
        try (ChildJvm child = ChildJvm.builder(LargeBlobMain.class).name("large-blob-" + backEnd)
                .jvmArgs("-Xmx64m", "-XX:+UseSerialGC").args(args).start()) {
            int exit = child.awaitExit(Duration.ofMinutes(4));
            String output = child.output();
            assertThat(exit).as("exit of the large-blob JVM; output:%n%s", output).isZero();
            Matcher m = RESULT.matcher(output);
            assertThat(m.find()).as("result line in:%n%s", output).isTrue();
            String expected = GeneratedStream.sha256(42, MEGABYTES * 1024L * 1024);
            assertThat(m.group(1)).as("key").isEqualTo(expected);
            assertThat(Long.parseLong(m.group(2))).isEqualTo(MEGABYTES * 1024L * 1024);
            assertThat(m.group(3)).as("SHA-256 of the bytes read back").isEqualTo(expected);
            double putS = Long.parseLong(m.group(4)) / 1000.0;
            double getS = Long.parseLong(m.group(5)) / 1000.0;
            System.out.printf("[%s] %d MB with -Xmx64m: put %.1f s (%.1f MB/s), get %.1f s (%.1f MB/s), peak heap %s MB"
                            + " (one test run on a shared 2-core machine, not a benchmark)%n", backEnd, MEGABYTES,
                    putS, MEGABYTES / putS, getS, MEGABYTES / getS, m.group(6));
            assertThat(Long.parseLong(m.group(6))).as("peak heap MB").isLessThan(MEGABYTES);
        }
    }
}
