package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.grace.settings.InvalidSettingException;
import org.grace.webapp.settings.GraceSettings;

/** The limits of care documents, from MicroProfile Config; a bad value stops the deployment with one line. */
@ApplicationScoped
public class DocumentSettings {
    private static final Logger LOG = Logger.getLogger(DocumentSettings.class.getName());
    /** The issue: 10 MB per file, enough for a phone photo or a scanned care plan. */
    public static final long DEFAULT_MAX_FILE_BYTES = 10L * 1024 * 1024;
    /** The largest per-file limit accepted: the upload runs in one database transaction with the PostgreSQL store. */
    public static final long MAX_MAX_FILE_BYTES = 1024L * 1024 * 1024;
    /** 20 GB per organisation: two thousand 10 MB files, or years of a care home's photos and plans. */
    public static final long DEFAULT_ORGANIZATION_QUOTA_BYTES = 20L * 1024 * 1024 * 1024;
    /**
     * 64 megapixels: above a 48 MP phone camera. A decoder allocates about 4 bytes a pixel, so an image whose header
     * claims more is refused before anyone decodes it (a 65535 x 65535 "bomb" would want 16 GB).
     */
    public static final long DEFAULT_MAX_PIXELS = 64_000_000L;

    @Inject
    GraceSettings settings;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        GraceSettings.readAtStart(this::readAll);
    }

    /** Reads each setting once, so a bad one is found at start-up, and says in one line what they are. */
    void readAll() {
        String limits = "grace: documents up to " + maxFileBytes() + " bytes each, " + organizationQuotaBytes()
                + " bytes per organisation, images up to " + maxPixels() + " pixels";
        LOG.info(limits);
    }

    /** Bytes of one file at most; a larger upload is a 413. */
    public long maxFileBytes() {
        return bytes("grace.documents.max-file-bytes", "GRACE_DOCUMENTS_MAX_FILE_BYTES", DEFAULT_MAX_FILE_BYTES,
                MAX_MAX_FILE_BYTES);
    }

    /** Bytes of all of an organisation's documents together at most; an upload past it is a 413. */
    public long organizationQuotaBytes() {
        return bytes("grace.documents.organization-quota-bytes", "GRACE_DOCUMENTS_ORGANIZATION_QUOTA_BYTES",
                DEFAULT_ORGANIZATION_QUOTA_BYTES, Long.MAX_VALUE);
    }

    /** Pixels (width x height, from the image's header) of an image at most. */
    public long maxPixels() {
        return bytes("grace.documents.max-pixels", "GRACE_DOCUMENTS_MAX_PIXELS", DEFAULT_MAX_PIXELS, Long.MAX_VALUE);
    }

    private long bytes(String property, String env, long defaultValue, long max) {
        String raw = settings.string(property, "").trim();
        if (raw.isEmpty()) {
            return defaultValue;
        }
        long value;
        try {
            value = Long.parseLong(raw.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(env + " is not a whole number: '" + raw + "'");
        }
        if (value < 1 || value > max) {
            throw new InvalidSettingException(env + " must be 1-" + max + ", got " + value);
        }
        return value;
    }
}
