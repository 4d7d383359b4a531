package org.grace.core.blobs;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Pattern;
import org.grace.core.SettingChecks;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs in an S3 bucket (AWS S3 or any S3-compatible store), through the AWS SDK for Java v2 with the JDK's URL
 * connection client. Made by {@link BlobStore#s3(String)}.
 *
 * <p>Objects are {@code <keyPrefix>sha256/<key>}. A blob smaller than the part size is hashed in memory and written
 * once under its key. A larger one is sent as a multipart upload to {@code <keyPrefix>incoming/<random>} while it is
 * hashed, then copied on the server to its key and the upload deleted; a failed upload is aborted. Two puts of the
 * same bytes write the same object, so concurrent puts are safe. A crash between upload and copy leaves an object
 * under {@code incoming/}: give the bucket a lifecycle rule that expires {@code incoming/} after a day and aborts
 * incomplete multipart uploads.
 */
public final class S3BlobStore implements BlobStore {
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern KEY_PREFIX = Pattern.compile("([A-Za-z0-9!_.*'()-]+/)*");

    private final S3Client s3;
    private final boolean ownsClient;
    private final String bucket;
    private final String blobs;
    private final String incoming;
    private final int partSize;

    private S3BlobStore(Builder b, S3Client s3, boolean ownsClient) {
        this.s3 = s3;
        this.ownsClient = ownsClient;
        this.bucket = b.bucket;
        this.blobs = b.keyPrefix + "sha256/";
        this.incoming = b.keyPrefix + "incoming/";
        this.partSize = b.partSize;
    }

    /**
     * Configures an {@link S3BlobStore}: either hand it an {@link S3Client} of your own ({@link #client}), or let it
     * build one from endpoint, region and credentials. Every setter validates; {@link #build()} checks the whole.
     */
    public static final class Builder {
        private final String bucket;
        private S3Client client;
        private URI endpoint;
        private String region;
        private AwsCredentialsProvider credentials;
        private Boolean pathStyle;
        private String keyPrefix = "";
        private int partSize = DEFAULT_S3_PART_SIZE;
        private Duration timeout = DEFAULT_S3_TIMEOUT;

        Builder(String bucket) {
            SettingChecks.given(bucket, "bucket");
            if (!BUCKET.matcher(bucket).matches()) {
                throw new IllegalArgumentException("bucket must be an S3 bucket name (3-63 lower-case letters,"
                        + " digits, dots and hyphens, starting and ending with a letter or digit), got '" + bucket + "'");
            }
            this.bucket = bucket;
        }

        /** An S3 client of your own, used as it is and never closed by the store; excludes the settings below. */
        public Builder client(S3Client client) {
            this.client = SettingChecks.given(client, "client");
            return this;
        }

        /** Endpoint override for an S3-compatible store (MinIO, Ceph, s3proxy...): http or https, no path. */
        public Builder endpoint(URI endpoint) {
            SettingChecks.given(endpoint, "endpoint");
            if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme()))
                    || endpoint.getHost() == null
                    || !(endpoint.getPath() == null || endpoint.getPath().isEmpty() || "/".equals(endpoint.getPath()))) {
                throw new IllegalArgumentException("endpoint must be http(s)://host[:port] without a path, got "
                        + endpoint);
            }
            this.endpoint = endpoint;
            return this;
        }

        /** Region to sign for; default {@value BlobStore#DEFAULT_S3_REGION}. */
        public Builder region(String region) {
            SettingChecks.given(region, "region");
            if (!region.matches("[a-z0-9-]{1,40}")) {
                throw new IllegalArgumentException("region must look like eu-west-2, got '" + region + "'");
            }
            this.region = region;
            return this;
        }

        /** Static access key and secret; without them the SDK's default chain (environment, profile, instance role). */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            SettingChecks.given(accessKeyId, "accessKeyId");
            SettingChecks.given(secretAccessKey, "secretAccessKey");
            if (accessKeyId.isBlank() || secretAccessKey.isBlank()) {
                throw new IllegalArgumentException("accessKeyId and secretAccessKey must not be blank");
            }
            this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
            return this;
        }

        /**
         * Path-style URLs ({@code endpoint/bucket/key}) instead of virtual-hosted ones ({@code bucket.endpoint/key}).
         * Default: on with an endpoint override (most S3-compatible stores need it), off for AWS.
         */
        public Builder pathStyle(boolean pathStyle) {
            this.pathStyle = pathStyle;
            return this;
        }

        /** Folder-like prefix of every object, e.g. {@code grace/documents/}; empty or ending in '/'. */
        public Builder keyPrefix(String keyPrefix) {
            SettingChecks.given(keyPrefix, "keyPrefix");
            if (!KEY_PREFIX.matcher(keyPrefix).matches() || ("/" + keyPrefix).contains("/./")
                    || ("/" + keyPrefix).contains("/../")) {
                throw new IllegalArgumentException("keyPrefix must be empty or segments of letters, digits and"
                        + " !_.*'()- each ending in '/' (no '.' or '..' segment), got '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** Bytes per multipart part, 5-512 MB: also the memory one put holds. */
        public Builder partSize(int partSize) {
            this.partSize = SettingChecks.between(partSize, 5 * 1024 * 1024, 512 * 1024 * 1024, "partSize");
            return this;
        }

        /** Connect and socket read timeout of the client the builder makes. */
        public Builder timeout(Duration timeout) {
            this.timeout = SettingChecks.positiveAtMost(timeout, Duration.ofMinutes(10), "timeout");
            return this;
        }

        public S3BlobStore build() {
            if (client != null) {
                if (endpoint != null || region != null || credentials != null || pathStyle != null) {
                    throw new IllegalArgumentException("client(...) excludes endpoint, region, credentials and"
                            + " pathStyle: configure those on your own S3Client");
                }
                return new S3BlobStore(this, client, false);
            }
            S3ClientBuilder b = S3Client.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .connectionTimeout(timeout).socketTimeout(timeout))
                    .region(Region.of(region == null ? DEFAULT_S3_REGION : region))
                    .credentialsProvider(credentials == null ? DefaultCredentialsProvider.builder().build() : credentials)
                    .forcePathStyle(pathStyle == null ? endpoint != null : pathStyle);
            if (endpoint != null) {
                // S3-compatible stores differ in their support of the SDK's newer default checksums (trailing
                // CRC32 in aws-chunked bodies); ask for them only where the operation requires them.
                b.endpointOverride(endpoint)
                        .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                        .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
            }
            return new S3BlobStore(this, b.build(), true);
        }
    }

    @Override
    public StoredBlob put(InputStream content) {
        SettingChecks.given(content, "content");
        MessageDigest digest = BlobKeys.sha256();
        byte[] buffer = new byte[partSize];
        try {
            int n = content.readNBytes(buffer, 0, partSize);
            digest.update(buffer, 0, n);
            if (n < partSize) {
                String key = BlobKeys.hex(digest);
                if (!exists(key)) {
                    s3.putObject(r -> r.bucket(bucket).key(blobs + key).contentLength((long) n),
                            RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, n), n));
                }
                return new StoredBlob(key, n);
            }
            return putMultipart(content, digest, buffer);
        } catch (IOException e) {
            throw new UncheckedIOException("reading the content to store failed; nothing was stored", e);
        } catch (SdkException e) {
            throw new BlobStoreException("storing a blob in S3 bucket " + bucket + " failed: " + e.getMessage(), e);
        }
    }

    private StoredBlob putMultipart(InputStream content, MessageDigest digest, byte[] buffer) throws IOException {
        String upload = incoming + UUID.randomUUID();
        String uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(upload)).uploadId();
        boolean completed = false;
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long size = 0;
            int n = buffer.length; // the first part is in the buffer already, hashed
            while (n > 0) {
                int partNumber = parts.size() + 1;
                int length = n;
                String etag = s3.uploadPart(r -> r.bucket(bucket).key(upload).uploadId(uploadId)
                                .partNumber(partNumber).contentLength((long) length),
                        RequestBody.fromInputStream(new ByteArrayInputStream(buffer, 0, length), length)).eTag();
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(etag).build());
                size += length;
                if (size > MAX_S3_BLOB_SIZE) {
                    throw new IllegalArgumentException("blob is larger than " + MAX_S3_BLOB_SIZE
                            + " bytes, S3's largest single copy; nothing was stored");
                }
                n = content.readNBytes(buffer, 0, buffer.length);
                digest.update(buffer, 0, n);
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(upload).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            completed = true;
            String key = BlobKeys.hex(digest);
            if (!exists(key)) {
                s3.copyObject(r -> r.sourceBucket(bucket).sourceKey(upload)
                        .destinationBucket(bucket).destinationKey(blobs + key));
            }
            return new StoredBlob(key, size);
        } catch (IOException | RuntimeException e) {
            if (!completed) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(upload).uploadId(uploadId));
                } catch (SdkException abortFailed) {
                    e.addSuppressed(abortFailed);
                }
            }
            throw e;
        } finally {
            if (completed) {
                s3.deleteObject(r -> r.bucket(bucket).key(upload));
            }
        }
    }

    @Override
    public InputStream get(String key) {
        BlobKeys.requireKey(key);
        try {
            return s3.getObject(r -> r.bucket(bucket).key(blobs + key));
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(key);
        } catch (SdkException e) {
            throw new BlobStoreException("reading blob " + key + " from S3 failed: " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream get(String key, long offset, long length) {
        long size = size(key).orElseThrow(() -> new BlobNotFoundException(key));
        BlobKeys.requireRange(key, offset, length, size);
        try {
            return s3.getObject(r -> r.bucket(bucket).key(blobs + key)
                    .range("bytes=" + offset + "-" + (offset + length - 1)));
        } catch (NoSuchKeyException e) {
            throw new BlobNotFoundException(key);
        } catch (SdkException e) {
            throw new BlobStoreException("reading blob " + key + " from S3 failed: " + e.getMessage(), e);
        }
    }

    @Override
    public OptionalLong size(String key) {
        BlobKeys.requireKey(key);
        try {
            return OptionalLong.of(s3.headObject(r -> r.bucket(bucket).key(blobs + key)).contentLength());
        } catch (NoSuchKeyException e) {
            return OptionalLong.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return OptionalLong.empty();
            }
            throw new BlobStoreException("looking up blob " + key + " in S3 failed: " + e.getMessage(), e);
        } catch (SdkException e) {
            throw new BlobStoreException("looking up blob " + key + " in S3 failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String key) {
        boolean existed = exists(key);
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(blobs + key));
        } catch (SdkException e) {
            throw new BlobStoreException("deleting blob " + key + " from S3 failed: " + e.getMessage(), e);
        }
        return existed;
    }

    @Override
    public List<BlobInfo> list(String prefix, String startAfter, int limit) {
        BlobKeys.requireListArguments(prefix, startAfter, limit);
        List<BlobInfo> result = new ArrayList<>();
        String token = null;
        try {
            do {
                String continuation = token;
                int pageSize = Math.min(1000, limit - result.size());
                ListObjectsV2Response page = s3.listObjectsV2(r -> {
                    r.bucket(bucket).prefix(blobs + prefix).maxKeys(pageSize);
                    if (continuation != null) {
                        r.continuationToken(continuation);
                    } else if (startAfter != null) {
                        r.startAfter(blobs + startAfter);
                    }
                });
                for (S3Object o : page.contents()) {
                    String key = o.key().substring(blobs.length());
                    if (BlobKeys.isKey(key)) { // not a folder marker some stores list, nor a stranger's object
                        result.add(new BlobInfo(key, o.size()));
                    }
                }
                token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
            } while (token != null && result.size() < limit);
        } catch (SdkException e) {
            throw new BlobStoreException("listing blobs in S3 bucket " + bucket + " failed: " + e.getMessage(), e);
        }
        return result;
    }

    /** Closes the S3 client if the builder made it; a client handed in stays open. */
    @Override
    public void close() {
        if (ownsClient) {
            s3.close();
        }
    }
}
