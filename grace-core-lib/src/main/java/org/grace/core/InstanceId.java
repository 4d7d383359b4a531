package org.grace.core;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Who this instance is, as seen by the others: the sender tag on cache invalidations and events, the lease owner on
 * jobs. Injected everywhere it matters so tests can run several "instances" side by side.
 */
public record InstanceId(String value) {
    private static final int MAX_LENGTH = 200;

    public InstanceId {
        Objects.requireNonNull(value, "instance id must not be null");
        if (value.isBlank() || value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("instance id must be 1-" + MAX_LENGTH + " characters, got '" + value + "'");
        }
    }

    public static InstanceId of(String value) {
        return new InstanceId(value);
    }

    /**
     * {@code host:pid:random}: unique per process start, readable in logs and job tables. The random part keeps
     * two restarts of one process id apart.
     */
    public static InstanceId generate() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        long pid = ProcessHandle.current().pid();
        byte[] random = new byte[4];
        new SecureRandom().nextBytes(random);
        return new InstanceId(host + ":" + pid + ":" + HexFormat.of().formatHex(random));
    }

    @Override
    public String toString() {
        return value;
    }
}
