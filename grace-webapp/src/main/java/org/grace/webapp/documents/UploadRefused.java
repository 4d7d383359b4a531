package org.grace.webapp.documents;

import java.io.IOException;

/**
 * An upload refused while it was read: what is wrong with the bytes (type, structure, size) and the HTTP status to
 * answer. An {@link IOException} because it is thrown from inside the stream the blob store reads, which makes the
 * store abandon the put (nothing stored); the upload then answers it as the platform's JSON error.
 */
final class UploadRefused extends IOException {
    private final int status;

    UploadRefused(int status, String message) {
        super(message, null);
        this.status = status;
    }

    int status() {
        return status;
    }
}
