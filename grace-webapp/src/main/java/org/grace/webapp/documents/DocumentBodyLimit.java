package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.grace.webapp.http.BodyLimit;

/**
 * Uploads of documents may be larger than the platform's 1 MB body limit: up to {@code GRACE_DOCUMENTS_MAX_FILE_BYTES}
 * (plus room for a multipart envelope), refused by the request filter beyond that before anything is read.
 */
@ApplicationScoped
public class DocumentBodyLimit implements BodyLimit {
    /** Headers and boundaries of a multipart/form-data body around its one file. */
    static final long MULTIPART_ENVELOPE = 64 * 1024;
    static final Pattern UPLOAD = Pattern.compile("/api/(residents|incidents)/[^/]+/documents/?");

    @Inject
    DocumentSettings settings;

    @Override
    public OptionalLong limitFor(HttpServletRequest request) {
        if (!"POST".equals(request.getMethod()) || !UPLOAD.matcher(request.getRequestURI()).matches()) {
            return OptionalLong.empty();
        }
        String type = request.getContentType();
        boolean multipart = type != null && type.toLowerCase().startsWith("multipart/");
        return OptionalLong.of(settings.maxFileBytes() + (multipart ? MULTIPART_ENVELOPE : 0));
    }
}
