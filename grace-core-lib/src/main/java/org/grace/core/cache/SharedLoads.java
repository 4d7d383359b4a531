package org.grace.core.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Concurrent {@code getOrLoad} calls for one key in this instance share one load: the first caller runs it, the
 * others wait for its entry, or for its exception, which each of them then throws as it was thrown. Nothing is kept
 * once the load is over: the entry itself is level 1's business.
 */
final class SharedLoads {
    private final ConcurrentHashMap<String, CompletableFuture<LocalEntry>> running = new ConcurrentHashMap<>();

    /**
     * Runs {@code load} for {@code key} unless a load of it is running, then answers {@code ofMine} of the entry
     * (null when the load found nothing), or {@code ofTheirs} of the running load's entry.
     */
    <R> R share(String key, Supplier<LocalEntry> load, Function<LocalEntry, R> ofMine,
                Function<LocalEntry, R> ofTheirs) {
        CompletableFuture<LocalEntry> mine = new CompletableFuture<>();
        CompletableFuture<LocalEntry> theirs = running.putIfAbsent(key, mine);
        if (theirs != null) {
            return ofTheirs.apply(join(theirs));
        }
        try {
            LocalEntry entry = load.get();
            mine.complete(entry);
            return ofMine.apply(entry);
        } catch (RuntimeException | Error e) {
            mine.completeExceptionally(e);
            throw e;
        } finally {
            running.remove(key, mine);
        }
    }

    private static LocalEntry join(CompletableFuture<LocalEntry> load) {
        try {
            return load.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        }
    }
}
