package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.grace.core.blobs.BlobStore;
import org.grace.core.jobs.JobOptions;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.care.CareScope;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.http.ApiException;
import org.grace.webapp.http.RequestFilter;

/**
 * Care documents: their rows in {@code documents} (V6) and their bytes in the blob store under their SHA-256.
 *
 * <p>An upload streams into the blob store through {@link CheckedUpload}, which refuses (and so makes the store keep
 * nothing) a file over the size limit, of a type not accepted, cut short, or an image whose header claims too many
 * pixels. Only then, in one transaction, is the organisation's quota checked (under a lock per organisation, so two
 * uploads cannot both fit the last gigabyte) and the row inserted. If that fails, the bytes are deleted again unless
 * another document names them, so a refused upload leaves neither a row nor a blob.
 */
@ApplicationScoped
public class Documents {
    private static final Logger LOG = Logger.getLogger(Documents.class.getName());
    static final String COLUMNS = "d.id, d.organization_id, d.resident_id, d.incident_id, d.file_name, d.content_type, "
            + "d.size_bytes, d.sha256, d.width, d.height, d.uploaded_by, u.display_name, d.uploaded_at";
    static final String FROM = " FROM documents d JOIN users u ON u.id = d.uploaded_by ";
    /** A resident's or an incident's documents in one answer at most; a care file has dozens, not thousands. */
    public static final int MAX_LIST = 500;

    @Inject
    DataSource dataSource;
    @Inject
    BlobStore blobs;
    @Inject
    Jobs jobs;
    @Inject
    DocumentSettings settings;
    @Inject
    DocumentOwners owners;
    @Inject
    UnreferencedBlobs unreferenced;

    /** An upload as received: its body (not yet read), the name the client gave, and its length if declared (-1). */
    public record Upload(InputStream body, String fileName, long declaredLength) {
    }

    /** Stores {@code upload} as a document of {@code owner} (already checked visible to the caller). */
    public Document upload(CareScope scope, DocumentOwner owner, Upload upload) {
        long maxBytes = settings.maxFileBytes();
        if (upload.declaredLength() > maxBytes) {
            throw new ApiException(413, "the file is larger than " + maxBytes + " bytes; nothing was stored");
        }
        refused(() -> FileNames.check(upload.fileName()));
        if (upload.declaredLength() > 0) {
            long used = Transactions.inTransaction(dataSource, c -> usedBytes(c, owner.organizationId()));
            requireQuota(used, upload.declaredLength());
        }
        CheckedUpload checked = new CheckedUpload(upload.body(), maxBytes, new ContentSniffer(settings.maxPixels()));
        BlobStore.StoredBlob stored;
        try {
            stored = blobs.put(checked);
        } catch (UncheckedIOException e) {
            UploadRefused refusal = checked.refusal();
            if (refusal != null) {
                throw new ApiException(refusal.status(), refusal.getMessage());
            }
            if (e.getCause() instanceof RequestFilter.BodyTooLargeException) {
                throw e; // the platform's 413 for the body as a whole
            }
            throw new ApiException(400, "the upload was interrupted; nothing was stored");
        }
        ContentSniffer.Sniffed sniffed = checked.sniffed();
        try {
            String name = refused(() -> FileNames.sanitise(upload.fileName(), sniffed.type()));
            long id = Transactions.inTransaction(dataSource, c -> {
                Sql.one(c, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))",
                        List.of("grace-documents-quota:" + owner.organizationId()), rs -> Boolean.TRUE);
                requireQuota(usedBytes(c, owner.organizationId()), stored.size());
                UnreferencedBlobs.lockBytes(c, stored.key());
                if (!blobs.exists(stored.key())) {
                    // the cleanup of an earlier document with the same bytes deleted them after this put found them
                    throw new ApiException(503, "the file was being cleaned up at the same moment; send it again",
                            Map.of(), Map.of("Retry-After", "1"));
                }
                long inserted = Sql.one(c, "INSERT INTO documents (organization_id, resident_id, incident_id, "
                                + "uploaded_by, file_name, content_type, size_bytes, sha256, width, height) "
                                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                        Sql.params(owner.organizationId(), owner.residentId(), owner.incidentId(), scope.userId(),
                                name, sniffed.type().mediaType(), stored.size(), stored.key(),
                                sniffed.type().isImage() ? sniffed.width() : null,
                                sniffed.type().isImage() ? sniffed.height() : null),
                        rs -> rs.getLong(1)).orElseThrow();
                if (Thumbnails.applies(sniffed.type())) {
                    jobs.enqueue(c, Thumbnails.TYPE, new Thumbnails.Make(inserted), JobOptions.DEFAULTS);
                }
                return inserted;
            });
            return byId(id).orElseThrow();
        } catch (RuntimeException e) {
            forget(stored.key());
            throw e;
        }
    }

    /** The documents of {@code owner}, newest first. */
    public List<Document> list(DocumentOwner owner) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + FROM + "WHERE d.organization_id = ? "
                + "AND d.resident_id = ? AND ");
        List<Object> params = Sql.params(owner.organizationId(), owner.residentId());
        if (owner.incidentId() == null) {
            sql.append("d.incident_id IS NULL");
        } else {
            sql.append("d.incident_id = ?");
            params.add(owner.incidentId());
        }
        sql.append(" ORDER BY d.id DESC LIMIT ").append(MAX_LIST);
        return Transactions.inTransaction(dataSource, c -> Sql.list(c, sql.toString(), params, Documents::read));
    }

    /** A document the caller may see (its owner's rules); 404 otherwise, exactly as for one that does not exist. */
    public Document visible(CareScope scope, long id) {
        return byId(id).filter(d -> owners.canSee(scope, d))
                .orElseThrow(() -> new ApiException(404, "no such document"));
    }

    /**
     * Deletes a document the caller may see: managers and up, or whoever uploaded it. Its bytes go later, by
     * {@link UnreferencedBlobs}, once no other document names them.
     */
    public void delete(CareScope scope, long id) {
        Document d = visible(scope, id);
        if (d.uploadedBy() != scope.userId()) {
            scope.require(CareScope.MANAGING_ROLES);
        }
        Transactions.inTransaction(dataSource, c -> {
            List<String> bytes = new java.util.ArrayList<>(Sql.list(c, "SELECT sha256 FROM document_thumbnails "
                    + "WHERE document_id = ?", List.of(id), rs -> rs.getString(1)));
            bytes.add(d.sha256());
            // the thumbnails' rows go with the document's (ON DELETE CASCADE), their bytes with the job
            if (Sql.update(c, "DELETE FROM documents WHERE id = ? AND organization_id = ?",
                    List.of(id, scope.organizationId())) == 1) {
                for (String sha256 : bytes) {
                    jobs.enqueue(c, UnreferencedBlobs.TYPE, new UnreferencedBlobs.Payload(sha256), JobOptions.DEFAULTS);
                }
            }
            return null;
        });
    }

    /**
     * The thumbnail of {@code d} whose longer side is {@code size}, as a document of its own (a JPEG with its own
     * hash); empty until the job has made it, and always for PDF and WebP.
     */
    public Optional<Document> thumbnail(Document d, int size) {
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT sha256, size_bytes, width, height "
                + "FROM document_thumbnails WHERE document_id = ? AND size = ?", List.of(d.id(), size), rs -> {
                    String base = d.fileName().contains(".") ? d.fileName().substring(0, d.fileName().lastIndexOf('.'))
                            : d.fileName();
                    return new Document(d.id(), d.organizationId(), d.residentId(), d.incidentId(),
                            base + "-" + size + ".jpg", FileType.JPEG.mediaType(), rs.getLong(2), rs.getString(1),
                            rs.getInt(3), rs.getInt(4), d.uploadedBy(), d.uploadedByName(), d.uploadedAt(),
                            d.contentUrl() + "?size=" + size);
                }));
    }

    /** Bytes of all the organisation's documents. */
    public long usedBytes(long organizationId) {
        return Transactions.inTransaction(dataSource, c -> usedBytes(c, organizationId));
    }

    private static long usedBytes(java.sql.Connection c, long organizationId) throws SQLException {
        return Sql.one(c, "SELECT coalesce(sum(size_bytes), 0) FROM documents WHERE organization_id = ?",
                List.of(organizationId), rs -> rs.getLong(1)).orElse(0L);
    }

    private void requireQuota(long used, long adding) {
        long quota = settings.organizationQuotaBytes();
        if (used + adding > quota) {
            throw new ApiException(413, "the organisation's documents would exceed their quota of " + quota
                    + " bytes (" + used + " used); nothing was stored");
        }
    }

    private Optional<Document> byId(long id) {
        return Transactions.inTransaction(dataSource, c -> Sql.one(c, "SELECT " + COLUMNS + FROM + "WHERE d.id = ?",
                List.of(id), Documents::read));
    }

    /** After a failed upload: its bytes go unless another document names them (then the job, if this fails). */
    private void forget(String sha256) {
        try {
            unreferenced.deleteIfUnreferenced(sha256);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "grace: could not delete the bytes of a refused upload now; a job will", e);
            try {
                jobs.enqueue(UnreferencedBlobs.TYPE, new UnreferencedBlobs.Payload(sha256));
            } catch (RuntimeException again) {
                LOG.log(Level.WARNING, "grace: blob " + sha256 + " of a refused upload is left unreferenced", again);
            }
        }
    }

    /** Runs a check that may refuse the upload, answering the refusal as the platform's JSON error. */
    private static <T> T refused(Check<T> check) {
        try {
            return check.run();
        } catch (UploadRefused e) {
            throw new ApiException(e.status(), e.getMessage());
        }
    }

    @FunctionalInterface
    private interface Check<T> {
        T run() throws UploadRefused;
    }

    static Document read(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        return new Document(id, rs.getLong(2), rs.getLong(3), Sql.nullableLong(rs, "incident_id"), rs.getString(5),
                rs.getString(6), rs.getLong(7), rs.getString(8), (Integer) rs.getObject(9), (Integer) rs.getObject(10),
                rs.getLong(11), rs.getString(12), Sql.instant(rs, "uploaded_at").toString(),
                "/api/documents/" + id + "/content");
    }
}
