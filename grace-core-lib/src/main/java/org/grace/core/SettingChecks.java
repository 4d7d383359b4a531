package org.grace.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks the feature builders ({@code GraceCache}, {@code EventBus}, {@code RateLimiter}, {@code Jobs}) apply
 * to each setting as it is set, so that all four reject a bad value at once and in the same words, naming the
 * setting: a null is a {@link NullPointerException}, a value out of range an {@link IllegalArgumentException}.
 */
public final class SettingChecks {
    private SettingChecks() {
    }

    /** {@code value}, which must not be null. */
    public static <T> T given(T value, String what) {
        return Objects.requireNonNull(value, () -> what + " must not be null");
    }

    /** {@code value}, which a builder cannot do without: {@code hint} says how to give it. */
    public static <T> T required(T value, String what, String hint) {
        if (value == null) {
            throw new IllegalArgumentException(what + " is required: " + hint);
        }
        return value;
    }

    /** A duration of more than zero. */
    public static Duration positive(Duration value, String what) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
        return value;
    }

    /** A duration of more than zero and at most {@code max}. */
    public static Duration positiveAtMost(Duration value, Duration max, String what) {
        given(value, what);
        if (value.isNegative() || value.isZero() || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(what + " must be more than 0 and at most " + max + ", got " + value);
        }
        return value;
    }

    /** A duration of at least {@code min}. */
    public static Duration atLeast(Duration value, Duration min, String what) {
        given(value, what);
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A whole number of at least {@code min}. */
    public static int atLeast(int value, int min, String what) {
        return (int) atLeast((long) value, min, what);
    }

    /** A whole number of at least {@code min}. */
    public static long atLeast(long value, long min, String what) {
        if (value < min) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + value);
        }
        return value;
    }

    /** A whole number from {@code min} to {@code max}. */
    public static int between(int value, int min, int max, String what) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(what + " must be " + min + "-" + max + ", got " + value);
        }
        return value;
    }
}
