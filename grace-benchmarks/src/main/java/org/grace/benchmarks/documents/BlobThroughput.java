package org.grace.benchmarks.documents;

import java.io.IOException;
import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.grace.core.blobs.BlobStore;

/**
 * The library level of the documents benchmark: {@link BlobStore#put} and {@link BlobStore#get} of one store, called
 * from this process as an application would, at several sizes. Each put stores fresh random bytes made before the
 * clock starts (the store is content-addressed: the same bytes again would only be looked up); its time includes the
 * store's SHA-256 of the bytes, which every put pays. Each get reads the whole blob to its end and counts the bytes;
 * one more get per size, not timed, compares the SHA-256. Ranged gets read {@value #RANGE} bytes at random offsets of
 * the last blob of each size and compare them with the bytes put. The blobs are deleted after each size (not timed).
 */
final class BlobThroughput {
    static final int RANGE = 256 * 1024;
    private static final int RANGED_GETS = 20;

    private final BlobStore store;
    private final String backend;
    private long seed;

    BlobThroughput(BlobStore store, String backend, long seed) {
        this.store = store;
        this.backend = backend;
        this.seed = seed;
    }

    /** Puts and gets of 1 MB, not counted: classes loaded, JIT, the pool's and the HTTP client's connections. */
    void warmUp(int rounds) {
        for (int i = 0; i < rounds; i++) {
            BlobStore.StoredBlob stored = store.put(new ByteArrayInputStream(BenchFiles.random(BenchFiles.MB, seed++)));
            drain(store.get(stored.key()));
            store.delete(stored.key());
        }
    }

    /** {@code reps} puts and gets of {@code megabytes} MB; one table row. */
    String measure(int megabytes, int reps) {
        int size = megabytes * BenchFiles.MB;
        List<Double> puts = new ArrayList<>();
        List<Double> gets = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        byte[] last = null;
        for (int rep = 0; rep < reps; rep++) {
            byte[] bytes = BenchFiles.random(size, seed++);
            long t0 = System.nanoTime();
            BlobStore.StoredBlob stored = store.put(new ByteArrayInputStream(bytes));
            long t1 = System.nanoTime();
            long read = drain(store.get(stored.key()));
            long t2 = System.nanoTime();
            if (stored.size() != size || read != size) {
                throw new IllegalStateException(backend + ": put " + size + " bytes, stored " + stored.size()
                        + ", read back " + read);
            }
            puts.add(megabytes / ((t1 - t0) / 1e9));
            gets.add(megabytes / ((t2 - t1) / 1e9));
            keys.add(stored.key());
            last = bytes;
            System.out.printf("%s %d MB rep %d: put %.0f ms, get %.0f ms%n", backend, megabytes, rep + 1,
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        String lastKey = keys.get(keys.size() - 1);
        if (!hash(store.get(lastKey)).equals(BenchFiles.sha256(last)) || !lastKey.equals(BenchFiles.sha256(last))) {
            throw new IllegalStateException(backend + ": the blob read back is not the one put");
        }
        List<Double> ranged = rangedGets(lastKey, last);
        keys.forEach(store::delete);
        return String.format("| %s | %d MB | %d | %s | %s | %s |", backend, megabytes, reps,
                Spread.of(puts).format("%.1f"), Spread.of(gets).format("%.1f"), Spread.of(ranged).format("%.1f"));
    }

    private List<Double> rangedGets(String key, byte[] bytes) {
        SplittableRandom random = new SplittableRandom(seed++);
        List<Double> millis = new ArrayList<>();
        byte[] buffer = new byte[RANGE];
        for (int i = 0; i < RANGED_GETS; i++) {
            int offset = random.nextInt(bytes.length - RANGE + 1);
            long t0 = System.nanoTime();
            try (InputStream in = store.get(key, offset, RANGE)) {
                int n = in.readNBytes(buffer, 0, RANGE);
                if (n != RANGE || in.read() != -1) {
                    throw new IllegalStateException(backend + ": a ranged get returned a different length");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            millis.add((System.nanoTime() - t0) / 1e6);
            if (!Arrays.equals(buffer, 0, RANGE, bytes, offset, offset + RANGE)) {
                throw new IllegalStateException(backend + ": a ranged get returned other bytes at offset " + offset);
            }
        }
        return millis;
    }

    private static long drain(InputStream in) {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return total;
    }

    private static String hash(InputStream in) {
        MessageDigest digest = BenchFiles.digest();
        byte[] buffer = new byte[64 * 1024];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
