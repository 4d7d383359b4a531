package org.grace.core.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where Redis is, parsed and validated once, so a bad setting fails at start-up with a message that says what is
 * wrong rather than at the first request.
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host:port[/db]} and {@code rediss://...} (TLS): one server.</li>
 *   <li>{@code redis-sentinel://[user:password@]host1:port1,host2:port2/masterName[/db]}: Sentinel, the master
 *       found through the listed sentinels; the same user and password log in to the sentinels and the servers.</li>
 * </ul>
 */
public record RedisUrl(Mode mode, List<String> addresses, String masterName, String username, String password,
                       int database, boolean tls) {

    public enum Mode { SINGLE, SENTINEL }

    public RedisUrl {
        Objects.requireNonNull(mode);
        addresses = List.copyOf(addresses);
    }

    /** Parses {@code url}; {@link IllegalArgumentException} with a message naming what is wrong. */
    public static RedisUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("is empty; expected redis://host:port");
        }
        String trimmed = url.trim();
        int schemeEnd = trimmed.indexOf("://");
        if (schemeEnd <= 0) {
            throw new IllegalArgumentException("'" + redact(trimmed) + "' has no scheme; expected redis://host:port, "
                    + "rediss://host:port or redis-sentinel://host:port,host:port/master");
        }
        String scheme = trimmed.substring(0, schemeEnd).toLowerCase();
        return switch (scheme) {
            case "redis", "rediss" -> parseSingle(trimmed, scheme.equals("rediss"));
            case "redis-sentinel" -> parseSentinel(trimmed.substring(schemeEnd + 3));
            default -> throw new IllegalArgumentException("has unknown scheme '" + scheme
                    + "'; expected redis, rediss or redis-sentinel");
        };
    }

    private static RedisUrl parseSingle(String url, boolean tls) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + redact(url) + "' is not a valid URL: " + e.getReason());
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("'" + redact(url) + "' has no host; expected redis://host:port");
        }
        int port = uri.getPort() == -1 ? 6379 : uri.getPort();
        String[] credentials = credentials(uri.getRawUserInfo());
        int db = database(uri.getPath(), url);
        return new RedisUrl(Mode.SINGLE, List.of(uri.getHost() + ":" + port), null, credentials[0], credentials[1],
                db, tls);
    }

    private static RedisUrl parseSentinel(String rest) {
        String userInfo = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        int slash = rest.indexOf('/');
        if (slash < 0 || slash == rest.length() - 1) {
            throw new IllegalArgumentException("sentinel URL needs the master name: "
                    + "redis-sentinel://host:port,host:port/masterName");
        }
        String hosts = rest.substring(0, slash);
        String[] path = rest.substring(slash + 1).split("/");
        List<String> addresses = new ArrayList<>();
        for (String hostPort : hosts.split(",")) {
            if (!hostPort.matches("[A-Za-z0-9.\\-\\[\\]:]+:\\d{1,5}")) {
                throw new IllegalArgumentException("sentinel address '" + hostPort + "' is not host:port");
            }
            addresses.add(hostPort);
        }
        int db = path.length > 1 ? database("/" + path[1], rest) : 0;
        String[] credentials = credentials(userInfo);
        return new RedisUrl(Mode.SENTINEL, addresses, path[0], credentials[0], credentials[1], db, false);
    }

    private static String[] credentials(String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return new String[] {null, null};
        }
        int colon = rawUserInfo.indexOf(':');
        String user = colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon);
        String password = colon < 0 ? null : rawUserInfo.substring(colon + 1);
        return new String[] {
            user.isEmpty() ? null : URLDecoder.decode(user, StandardCharsets.UTF_8),
            password == null || password.isEmpty() ? null : URLDecoder.decode(password, StandardCharsets.UTF_8)};
    }

    private static int database(String path, String url) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return 0;
        }
        try {
            int db = Integer.parseInt(path.substring(1));
            if (db < 0 || db > 15) {
                throw new NumberFormatException();
            }
            return db;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + redact(url) + "' has database '" + path.substring(1)
                    + "'; expected a number 0-15");
        }
    }

    /** The URL with any password replaced by {@code ***}, fit for logs and error messages. */
    public static String redact(String url) {
        return url == null ? null : url.replaceAll("(://[^:/@]*:)[^@/]*@", "$1***@");
    }

    /** Addresses in Redisson's form: {@code redis://host:port} (or {@code rediss://}). */
    public List<String> redissonAddresses() {
        String prefix = tls ? "rediss://" : "redis://";
        return addresses.stream().map(a -> prefix + a).toList();
    }

    @Override
    public String toString() {
        return switch (mode) {
            case SINGLE -> (tls ? "rediss://" : "redis://") + addresses.get(0) + (database == 0 ? "" : "/" + database);
            case SENTINEL -> "redis-sentinel://" + String.join(",", addresses) + "/" + masterName;
        };
    }
}
