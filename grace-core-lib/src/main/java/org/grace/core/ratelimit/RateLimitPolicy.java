package org.grace.core.ratelimit;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A named set of {@link Limit}s applied together to each key: "login-ip: 10 per minute and 100 per hour". The name
 * is part of the Redis key, so two policies never share state, and it names the policy in the {@code RateLimit}
 * headers.
 */
public final class RateLimitPolicy {
    /** Enough for "per second, minute, hour, day" and spares; each limit costs one to three numbers of state. */
    public static final int MAX_LIMITS = 8;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String name;
    private final List<Limit> limits;
    private final List<String> limitNames;
    private final long maxPermits;
    /** Written once: a refusal sends it, and a refusal should cost no more than an admission. */
    private final String policyHeader;

    private RateLimitPolicy(String name, List<Limit> limits) {
        this.name = name;
        this.limits = List.copyOf(limits);
        List<String> names = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < limits.size(); i++) {
            Limit limit = limits.get(i);
            String n = limit.name() != null ? limit.name() : limits.size() == 1 ? name : name + "-" + (i + 1);
            if (!seen.add(n)) {
                throw new IllegalArgumentException("policy '" + name + "' has two limits named '" + n + "'");
            }
            names.add(n);
        }
        this.limitNames = List.copyOf(names);
        this.maxPermits = limits.stream().mapToLong(Limit::capacity).min().orElseThrow();
        this.policyHeader = header();
    }

    /** A policy {@code name} (letters, digits, '.', '_', '-'; up to 64) with one or more limits. */
    public static RateLimitPolicy of(String name, Limit... limits) {
        checkName("policy name", name);
        if (limits == null || limits.length == 0) {
            throw new IllegalArgumentException("policy '" + name + "' needs at least one limit");
        }
        if (limits.length > MAX_LIMITS) {
            throw new IllegalArgumentException("policy '" + name + "' has " + limits.length + " limits; at most "
                    + MAX_LIMITS);
        }
        for (Limit limit : limits) {
            if (limit == null) {
                throw new IllegalArgumentException("policy '" + name + "' has a null limit");
            }
        }
        return new RateLimitPolicy(name, List.of(limits));
    }

    public String name() {
        return name;
    }

    public List<Limit> limits() {
        return limits;
    }

    /** The header name of the limit at {@code index}: its own name, or the policy's. */
    public String limitName(int index) {
        return limitNames.get(index);
    }

    /** Most permits one call may ask for: the smallest capacity, since more could never be admitted. */
    public long maxPermits() {
        return maxPermits;
    }

    /**
     * The value of an IETF {@code RateLimit-Policy} header (draft-ietf-httpapi-ratelimit-headers), one item per
     * limit: {@code "login";q=10;w=60}, where {@code w} is the seconds an empty limit takes to refill completely.
     */
    public String policyHeader() {
        return policyHeader;
    }

    private String header() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < limits.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Limit limit = limits.get(i);
            sb.append('"').append(limitNames.get(i)).append("\";q=").append(limit.capacity())
                    .append(";w=").append(RateLimitDecision.ceilSeconds(limit.fullRefill()));
        }
        return sb.toString();
    }

    /** This policy with every limit scaled to {@code share} of itself, for the per-instance fallback. */
    RateLimitPolicy scaled(double share) {
        if (share >= 1.0) {
            return this;
        }
        List<Limit> scaled = new ArrayList<>();
        for (int i = 0; i < limits.size(); i++) {
            // Keep the header names of the global policy.
            scaled.add(limits.get(i).scaled(share).named(limitNames.get(i)));
        }
        return new RateLimitPolicy(name, scaled);
    }

    static String checkName(String what, String value) {
        if (value == null || !NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be 1-64 letters, digits, '.', '_' or '-', got "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RateLimitPolicy other && name.equals(other.name) && limits.equals(other.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, limits);
    }

    @Override
    public String toString() {
        return "RateLimitPolicy[" + name + ": " + limits + "]";
    }
}
