package org.grace.benchmarks.cache;

import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Each benchmark thread's walk over the keys, round robin, so every operation touches the next key. */
@State(Scope.Thread)
public class KeyCursor {
    private int next;

    /** The index of the next key, from 0 to {@link BenchRedis#KEYS} - 1. */
    int index() {
        return next++ & (BenchRedis.KEYS - 1);
    }
}
