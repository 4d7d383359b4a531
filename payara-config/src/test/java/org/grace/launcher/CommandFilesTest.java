package org.grace.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Rules for the packaged asadmin command files that a boot cannot show reliably. */
class CommandFilesTest {

    /**
     * A {@code set} on the network config at post-boot restarts the running HTTP listener in the background; several
     * in a row raced and left the listener stopped while Payara Micro reported itself ready (no connection accepted).
     */
    @Test
    void postBootLeavesTheHttpListenerAlone() throws IOException {
        assertThat(commands("postboot.asadmin")).noneMatch(c -> c.contains("network-config"));
    }

    @Test
    void theListenerIsConfiguredBeforeItStarts() throws IOException {
        assertThat(commands("preboot.asadmin"))
                .anyMatch(c -> c.endsWith("http-listener.http.compression=on"))
                .anyMatch(c -> c.contains("http-listener.http.compression-min-size-bytes=${ENV=GRACE_HTTP_GZIP_MIN_BYTES}"))
                .anyMatch(c -> c.contains("http-listener.http.compressable-mime-type=application/json,"))
                .anyMatch(c -> c.endsWith("http-listener.http.max-post-size-bytes=-1"));
    }

    private static List<String> commands(String file) throws IOException {
        try (InputStream in = PayaraInstance.class.getResourceAsStream("/grace/payara/" + file)) {
            assertThat(in).as(file + " packaged").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        }
    }
}
