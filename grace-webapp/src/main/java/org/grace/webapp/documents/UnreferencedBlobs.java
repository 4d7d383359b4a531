package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;
import org.grace.core.blobs.BlobStore;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.library.JobTypes;

/**
 * Deletes a blob once no document (and no document's thumbnail) names its bytes. Deleting a document only removes its row and enqueues this job
 * (in the same transaction), because the same bytes may belong to other documents, even of other organisations: the
 * job looks, and deletes the blob only when no row is left.
 *
 * <p>An upload that stores bytes and then records its row races with this job for the same bytes; both take one
 * advisory lock per hash ({@link #lockBytes}) around "check rows, then delete the blob" and "check the blob, then
 * insert the row", so a row never names a deleted blob (the upload that lost the race answers 503, try again).
 */
@ApplicationScoped
public class UnreferencedBlobs implements JobTypes {
    public static final String TYPE = "documents-delete-unreferenced-blob";

    @Inject
    DataSource dataSource;
    @Inject
    BlobStore blobs;

    /** The job's payload: the hash of the bytes a deleted document named. */
    public record Payload(String sha256) {
    }

    @Override
    public void registerOn(Jobs.Builder jobs) {
        jobs.handler(TYPE, Payload.class, (payload, ctx) -> deleteIfUnreferenced(payload.sha256()));
    }

    /** Deletes the blob {@code sha256} unless a document names it; returns whether a blob was deleted. */
    public boolean deleteIfUnreferenced(String sha256) {
        return Transactions.inTransaction(dataSource, c -> {
            lockBytes(c, sha256);
            boolean named = Sql.one(c, "SELECT EXISTS (SELECT 1 FROM documents WHERE sha256 = ?) "
                    + "OR EXISTS (SELECT 1 FROM document_thumbnails WHERE sha256 = ?)", List.of(sha256, sha256),
                    rs -> rs.getBoolean(1)).orElseThrow();
            return !named && blobs.delete(sha256);
        });
    }

    /** Serialises, for one hash, deleting its blob and recording a new document of it (until the transaction ends). */
    static void lockBytes(Connection c, String sha256) throws SQLException {
        Sql.one(c, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", List.of("grace-documents-blob:" + sha256),
                rs -> Boolean.TRUE);
    }
}
