package org.grace.core.blobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.concurrent.atomic.AtomicInteger;
import org.grace.testsupport.S3Server;
import org.grace.testsupport.WithS3;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The blob store contract against a real S3 API server (s3proxy), a fresh bucket per test; plus multipart. */
@WithS3
class S3BlobStoreIT extends BlobStoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private S3Server server;
    private S3Client admin;
    private String bucket;
    private BlobStore store;

    @BeforeEach
    void freshBucket(S3Server server) {
        this.server = server;
        admin = S3Client.builder().endpointOverride(server.endpoint()).forcePathStyle(true)
                .region(Region.of(S3Server.REGION)).httpClient(UrlConnectionHttpClient.create())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))).build();
        bucket = "grace-test-" + BUCKETS.incrementAndGet();
        admin.createBucket(r -> r.bucket(bucket));
        store = BlobStore.s3(bucket).endpoint(server.endpoint()).credentials(S3Server.ACCESS_KEY, S3Server.SECRET_KEY)
                .keyPrefix("documents/").build();
    }

    @AfterEach
    void closeClients() {
        store.close();
        admin.close();
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void aBlobOverOnePartGoesMultipartAndLeavesNoUploadBehind() throws Exception {
        byte[] bytes = randomBytes(20, BlobStore.DEFAULT_S3_PART_SIZE * 2 + 12_345);
        String key = store.put(new ByteArrayInputStream(bytes)).key();

        assertThat(key).isEqualTo(sha256(bytes));
        assertThat(readAll(store.get(key))).isEqualTo(bytes);
        assertThat(readAll(store.get(key, BlobStore.DEFAULT_S3_PART_SIZE - 10, 20)))
                .isEqualTo(java.util.Arrays.copyOfRange(bytes, BlobStore.DEFAULT_S3_PART_SIZE - 10,
                        BlobStore.DEFAULT_S3_PART_SIZE + 10));
        // s3proxy's filesystem back end also lists its folders ("documents/"): objects are what does not end in '/'
        assertThat(admin.listObjectsV2(r -> r.bucket(bucket)).contents())
                .extracting(o -> o.key()).filteredOn(k -> !k.endsWith("/"))
                .containsExactly("documents/sha256/" + key);
        assertThat(admin.listMultipartUploads(r -> r.bucket(bucket)).uploads()).isEmpty();
    }

    @Test
    void a100MbStreamGoesThroughA64MbHeap() throws Exception {
        LargeBlobs.putAndGetThroughSmallHeap("s3", "s3", server.endpoint().toString(), bucket,
                S3Server.ACCESS_KEY, S3Server.SECRET_KEY, Integer.toString(LargeBlobs.MEGABYTES));
    }
}
