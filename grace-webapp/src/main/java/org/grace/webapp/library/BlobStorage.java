package org.grace.webapp.library;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.net.URI;
import java.util.Optional;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.blobs.BlobStore;
import org.grace.core.blobs.BlobStoreSchema;
import org.grace.settings.InvalidSettingException;
import org.grace.webapp.settings.GraceSettings;

/**
 * grace-core-lib's {@link BlobStore} inside the container, for injection ({@code @Inject BlobStore blobs}): files that
 * any instance serves. PostgreSQL (the application's own database and pool) unless {@code GRACE_BLOBS_BACKEND=s3}
 * names an S3 API store. Built at the first use, like the job system, so an instance started while the database is
 * down gets its store (and the store's tables, {@link BlobStoreSchema}) when the database returns; closed when the
 * application stops. The settings are read when the application starts, so a bad one stops the deployment.
 */
@ApplicationScoped
public class BlobStorage {
    private static final Logger LOG = Logger.getLogger(BlobStorage.class.getName());
    private BlobStore store;

    @Inject
    GraceSettings settings;
    @Inject
    DataSource dataSource;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(this::inS3);
    }

    /** {@code GRACE_BLOBS_BACKEND}: {@code postgres} (default) or {@code s3}, which needs a bucket. */
    boolean inS3() {
        String backend = settings.string("grace.blobs.backend", "postgres").trim().toLowerCase();
        boolean s3 = backend.equals("s3");
        if (!s3 && !backend.equals("postgres")) {
            throw new InvalidSettingException("GRACE_BLOBS_BACKEND must be postgres or s3, got '" + backend + "'");
        }
        if (s3 && optional("grace.blobs.s3.bucket").isEmpty()) {
            throw new InvalidSettingException("GRACE_BLOBS_S3_BUCKET is required with GRACE_BLOBS_BACKEND=s3");
        }
        return s3;
    }

    @Produces
    @ApplicationScoped
    public synchronized BlobStore blobs() {
        if (store == null) {
            store = inS3() ? s3() : postgres();
        }
        return store;
    }

    private BlobStore postgres() {
        BlobStoreSchema.migrate(dataSource);
        LOG.info("grace: files stored in PostgreSQL (grace_blobs)");
        return BlobStore.postgres(dataSource).build();
    }

    private BlobStore s3() {
        String bucket = optional("grace.blobs.s3.bucket").orElseThrow();
        try {
            var builder = BlobStore.s3(bucket);
            optional("grace.blobs.s3.endpoint").ifPresent(e -> builder.endpoint(URI.create(e)));
            optional("grace.blobs.s3.region").ifPresent(builder::region);
            optional("grace.blobs.s3.key-prefix").ifPresent(builder::keyPrefix);
            Optional<String> keyId = optional("grace.blobs.s3.access-key-id");
            Optional<String> secret = optional("grace.blobs.s3.secret-access-key");
            if (keyId.isPresent() != secret.isPresent()) {
                throw new InvalidSettingException("GRACE_BLOBS_S3_ACCESS_KEY_ID and GRACE_BLOBS_S3_SECRET_ACCESS_KEY "
                        + "go together (or neither: the AWS SDK's default credentials)");
            }
            keyId.ifPresent(id -> builder.credentials(id, secret.orElseThrow()));
            BlobStore built = builder.build();
            LOG.info(() -> "grace: files stored in S3 bucket " + bucket);
            return built;
        } catch (IllegalArgumentException e) {
            throw new InvalidSettingException("GRACE_BLOBS_S3_*: " + e.getMessage());
        }
    }

    private Optional<String> optional(String property) {
        return Optional.ofNullable(settings.string(property, null)).map(String::trim).filter(s -> !s.isEmpty());
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.warning("grace: closing the blob store failed: " + e);
            }
        }
    }
}
