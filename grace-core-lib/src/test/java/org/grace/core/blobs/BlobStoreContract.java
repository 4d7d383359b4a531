package org.grace.core.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.grace.core.blobs.BlobStore.BlobInfo;
import org.grace.core.blobs.BlobStore.StoredBlob;
import org.junit.jupiter.api.Test;

/**
 * What every {@link BlobStore} back end promises, run against a real server by each subclass. {@link #store()} is a
 * store on an empty database or bucket for each test.
 */
abstract class BlobStoreContract {

    abstract BlobStore store();

    static byte[] randomBytes(long seed, int size) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] readAll(InputStream in) throws Exception {
        try (in) {
            return in.readAllBytes();
        }
    }

    @Test
    void roundTripIsByteIdenticalAndKeyedBySha256() throws Exception {
        // over one chunk and not a multiple of it, so a short last chunk is read back too
        byte[] bytes = randomBytes(1, 1_300_000);
        StoredBlob stored = store().put(new ByteArrayInputStream(bytes));

        assertThat(stored.key()).isEqualTo(sha256(bytes));
        assertThat(stored.size()).isEqualTo(bytes.length);
        assertThat(readAll(store().get(stored.key()))).isEqualTo(bytes);
        assertThat(store().size(stored.key())).hasValue(bytes.length);
        assertThat(store().exists(stored.key())).isTrue();
    }

    @Test
    void emptyAndTinyBlobsRoundTrip() throws Exception {
        StoredBlob empty = store().put(new ByteArrayInputStream(new byte[0]));
        StoredBlob tiny = store().put(new ByteArrayInputStream("x".getBytes(StandardCharsets.US_ASCII)));

        assertThat(empty.key()).isEqualTo(sha256(new byte[0]));
        assertThat(readAll(store().get(empty.key()))).isEmpty();
        assertThat(readAll(store().get(tiny.key()))).containsExactly('x');
    }

    @Test
    void rangesReturnExactlyTheBytesAskedFor() throws Exception {
        byte[] bytes = randomBytes(2, 1_100_000);
        String key = store().put(new ByteArrayInputStream(bytes)).key();
        int n = bytes.length;

        assertThat(readAll(store().get(key, 0, 1))).containsExactly(bytes[0]);
        assertThat(readAll(store().get(key, n - 1, 1))).containsExactly(bytes[n - 1]);
        // a middle range that crosses a chunk boundary of the PostgreSQL back end (512 KB)
        int from = 500_000;
        int length = 100_000;
        assertThat(readAll(store().get(key, from, length)))
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, from, from + length));
        assertThat(readAll(store().get(key, 0, n))).isEqualTo(bytes);
    }

    @Test
    void rangesOutsideTheBlobAreRefusedWithItsSize() {
        String key = store().put(new ByteArrayInputStream(randomBytes(3, 1000))).key();

        for (long[] range : new long[][] {{1000, 1}, {999, 2}, {-1, 5}, {0, 0}, {0, 1001}}) {
            assertThatThrownBy(() -> store().get(key, range[0], range[1]))
                    .as("range %d+%d", range[0], range[1])
                    .isInstanceOf(BlobRangeException.class)
                    .hasMessageContaining("not inside blob " + key + " of 1000 bytes")
                    .satisfies(e -> assertThat(((BlobRangeException) e).size()).isEqualTo(1000));
        }
    }

    @Test
    void identicalContentIsStoredOnce() throws Exception {
        byte[] bytes = randomBytes(4, 200_000);
        StoredBlob first = store().put(new ByteArrayInputStream(bytes));
        StoredBlob second = store().put(new ByteArrayInputStream(bytes.clone()));

        assertThat(second).isEqualTo(first);
        assertThat(store().list("")).containsExactly(new BlobInfo(first.key(), bytes.length));
        assertThat(readAll(store().get(first.key()))).isEqualTo(bytes);
    }

    @Test
    void concurrentPutsOfTheSameBytesLeaveOneIntactBlob() throws Exception {
        byte[] bytes = randomBytes(5, 700_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<StoredBlob>> puts = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<StoredBlob> put = () -> store().put(new ByteArrayInputStream(bytes));
                puts.add(pool.submit(put));
            }
            for (Future<StoredBlob> put : puts) {
                assertThat(put.get().key()).isEqualTo(sha256(bytes));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(store().list("")).hasSize(1);
        assertThat(readAll(store().get(sha256(bytes)))).isEqualTo(bytes);
    }

    @Test
    void deleteRemovesTheBlobAndSaysWhetherItWasThere() {
        String kept = store().put(new ByteArrayInputStream(randomBytes(6, 10))).key();
        String gone = store().put(new ByteArrayInputStream(randomBytes(7, 10))).key();

        assertThat(store().delete(gone)).isTrue();
        assertThat(store().delete(gone)).isFalse();
        assertThat(store().exists(gone)).isFalse();
        assertThat(store().size(gone)).isEmpty();
        assertThatThrownBy(() -> store().get(gone)).isInstanceOf(BlobNotFoundException.class).hasMessageContaining(gone);
        assertThatThrownBy(() -> store().get(gone, 0, 1)).isInstanceOf(BlobNotFoundException.class);
        assertThat(store().exists(kept)).isTrue();
    }

    @Test
    void listByPrefixPagesInKeyOrder() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            keys.add(store().put(new ByteArrayInputStream(("blob " + i).getBytes(StandardCharsets.UTF_8))).key());
        }
        keys.sort(null);
        String prefix = keys.get(0).substring(0, 1);
        List<String> expected = keys.stream().filter(k -> k.startsWith(prefix)).toList();

        assertThat(store().list(prefix)).extracting(BlobInfo::key).containsExactlyElementsOf(expected);
        assertThat(store().list("")).extracting(BlobInfo::key).containsExactlyElementsOf(keys);
        List<BlobInfo> firstPage = store().list("", null, 15);
        List<BlobInfo> secondPage = store().list("", firstPage.get(14).key(), 15);
        assertThat(firstPage).extracting(BlobInfo::key).containsExactlyElementsOf(keys.subList(0, 15));
        assertThat(secondPage).extracting(BlobInfo::key).containsExactlyElementsOf(keys.subList(15, 30));
        assertThat(store().list("f".repeat(64))).isEmpty();
    }

    @Test
    void badKeysAndPrefixesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> store().get("../etc/passwd")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 lower-case hex digits");
        assertThatThrownBy(() -> store().get("A".repeat(64))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().delete(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store().list("xyz")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("key prefix");
        assertThatThrownBy(() -> store().list("", null, 0)).hasMessageContaining("list limit");
    }

    @Test
    void aFailingStreamStoresNothing() {
        InputStream failing = new InputStream() {
            private int left = 600_000;

            // fails on every read once its bytes are out (InputStream's bulk read swallows a failure after the
            // first byte of a call, so the failure must repeat, or the stream would run on for ever)
            @Override
            public int read() throws java.io.IOException {
                if (left <= 0) {
                    throw new java.io.IOException("client went away");
                }
                left--;
                return 7;
            }
        };
        assertThatThrownBy(() -> store().put(failing)).isInstanceOf(java.io.UncheckedIOException.class)
                .hasMessageContaining("nothing was stored");
        assertThat(store().list("")).isEmpty();
    }
}
