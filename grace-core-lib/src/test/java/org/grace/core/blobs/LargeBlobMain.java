package org.grace.core.blobs;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.InputStream;
import java.net.URI;

/**
 * Puts a generated stream of {@code megabytes} MB into a store and reads it back, in a JVM started with a heap far
 * smaller than the stream: it can only pass by streaming. Prints one line with the key, the SHA-256 of what it read
 * back, the timings and the heap's peak use. Arguments: {@code pg <jdbcUrl> <user> <megabytes>} or
 * {@code s3 <endpoint> <bucket> <accessKey> <secretKey> <megabytes>}.
 */
public final class LargeBlobMain {
    public static void main(String[] args) throws Exception {
        BlobStore store;
        long megabytes;
        if ("pg".equals(args[0])) {
            HikariConfig config = new HikariConfig(); // a pool, as in production: a get borrows one per chunk
            config.setJdbcUrl(args[1]);
            config.setUsername(args[2]);
            config.setMaximumPoolSize(2);
            store = BlobStore.postgres(new HikariDataSource(config)).build();
            megabytes = Long.parseLong(args[3]);
        } else {
            store = BlobStore.s3(args[2]).endpoint(URI.create(args[1])).credentials(args[3], args[4]).build();
            megabytes = Long.parseLong(args[5]);
        }
        long length = megabytes * 1024 * 1024;
        long t0 = System.nanoTime();
        BlobStore.StoredBlob stored = store.put(new GeneratedStream(42, length));
        long t1 = System.nanoTime();
        String readBack;
        try (InputStream in = store.get(stored.key())) {
            readBack = GeneratedStream.sha256(in);
        }
        long t2 = System.nanoTime();
        long peak = 0;
        for (var pool : java.lang.management.ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == java.lang.management.MemoryType.HEAP) {
                peak += pool.getPeakUsage().getUsed();
            }
        }
        store.close();
        System.out.printf("RESULT key=%s size=%d readBack=%s putMs=%d getMs=%d peakHeapMb=%d maxHeapMb=%d%n",
                stored.key(), stored.size(), readBack, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                peak / (1024 * 1024), Runtime.getRuntime().maxMemory() / (1024 * 1024));
    }
}
