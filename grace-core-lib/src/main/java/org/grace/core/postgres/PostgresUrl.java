package org.grace.core.postgres;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A PostgreSQL JDBC URL, checked once at start-up so that a typo fails with a message saying what is wrong instead
 * of as a connection error on the first request. Accepts {@code jdbc:postgresql://host[:port]/database[?params]}.
 */
public record PostgresUrl(String url, String host, int port, String database) {
    public static final int DEFAULT_PORT = 5432;
    private static final String PREFIX = "jdbc:postgresql://";

    /** Parses {@code url}; {@link IllegalArgumentException} with a message naming what is wrong. */
    public static PostgresUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty; expected jdbc:postgresql://host:port/database");
        }
        String trimmed = url.trim();
        if (!trimmed.startsWith(PREFIX)) {
            throw new IllegalArgumentException("'" + trimmed + "' is not a PostgreSQL JDBC URL; expected "
                    + "jdbc:postgresql://host:port/database");
        }
        URI uri;
        try {
            uri = new URI(trimmed.substring("jdbc:".length()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + trimmed + "' is malformed: " + e.getReason());
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new IllegalArgumentException("'" + trimmed + "' has no valid host; expected "
                    + "jdbc:postgresql://host:port/database");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("'" + trimmed.replace(uri.getRawUserInfo(), "***")
                    + "' carries credentials; give the user and password as separate settings");
        }
        String path = uri.getPath();
        if (path == null || path.length() < 2) {
            throw new IllegalArgumentException("'" + trimmed + "' names no database; expected "
                    + "jdbc:postgresql://host:port/database");
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        return new PostgresUrl(trimmed, uri.getHost(), port, path.substring(1));
    }
}
