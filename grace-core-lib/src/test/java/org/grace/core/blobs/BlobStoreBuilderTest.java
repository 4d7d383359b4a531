package org.grace.core.blobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

class BlobStoreBuilderTest {

    @Test
    void postgresBuilderNamesWhatIsWrong() {
        assertThatThrownBy(() -> BlobStore.postgres(null)).isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource must not be null");
        var builder = BlobStore.postgres(new org.postgresql.ds.PGSimpleDataSource());
        assertThatThrownBy(() -> builder.chunkSize(1000)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunkSize must be 16384-8388608, got 1000");
        assertThat(builder.build().chunkSize()).isEqualTo(PostgresBlobStore.DEFAULT_CHUNK_SIZE);
    }

    @Test
    void s3BuilderNamesWhatIsWrong() {
        assertThatThrownBy(() -> BlobStore.s3(null)).hasMessage("bucket must not be null");
        assertThatThrownBy(() -> BlobStore.s3("Bad_Bucket")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bucket must be an S3 bucket name").hasMessageContaining("Bad_Bucket");
        var builder = BlobStore.s3("grace-documents");
        assertThatThrownBy(() -> builder.endpoint(URI.create("ftp://store:21")))
                .hasMessageContaining("endpoint must be http(s)://host[:port] without a path");
        assertThatThrownBy(() -> builder.endpoint(URI.create("http://store:9000/bucket")))
                .hasMessageContaining("without a path");
        assertThatThrownBy(() -> builder.partSize(1024 * 1024))
                .hasMessage("partSize must be 5242880-536870912, got 1048576");
        assertThatThrownBy(() -> builder.keyPrefix("no-slash")).hasMessageContaining("keyPrefix must be empty");
        assertThatThrownBy(() -> builder.keyPrefix("../up/")).hasMessageContaining("keyPrefix must be empty");
        assertThatThrownBy(() -> builder.credentials("", "secret")).hasMessageContaining("must not be blank");
        assertThatThrownBy(() -> builder.region("EU WEST")).hasMessageContaining("region must look like");
        assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).hasMessageContaining("timeout must be more than 0");
    }

    @Test
    void anOwnClientExcludesClientSettings() {
        try (S3Client client = S3Client.builder().region(software.amazon.awssdk.regions.Region.EU_WEST_2)
                .httpClient(software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.create()).build()) {
            assertThatThrownBy(() -> BlobStore.s3("grace-documents").client(client)
                    .endpoint(URI.create("http://127.0.0.1:9000")).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("client(...) excludes endpoint");
            assertThat(BlobStore.s3("grace-documents").client(client).build()).isNotNull();
        }
    }
}
