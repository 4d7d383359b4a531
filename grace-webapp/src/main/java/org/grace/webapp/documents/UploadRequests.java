package org.grace.webapp.documents;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.grace.webapp.http.ApiException;

/**
 * What an upload request carries, read without buffering it: either the raw body with its type in
 * {@code Content-Type} and its name in {@code ?fileName=} or a {@code Content-Disposition} header, or a
 * {@code multipart/form-data} body whose first file part is the document ({@link MultipartFile}).
 */
final class UploadRequests {
    private static final Pattern FILENAME = Pattern.compile("filename\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)",
            Pattern.CASE_INSENSITIVE);

    private UploadRequests() {
    }

    static Documents.Upload of(HttpServletRequest request, String fileNameParameter) {
        String type = request.getContentType();
        try {
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
                MultipartFile file = MultipartFile.first(request.getInputStream(), type);
                String name = fileNameParameter != null ? fileNameParameter : file.fileName();
                return new Documents.Upload(file.content(), name, -1);
            }
            if (type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
                throw new ApiException(415, "send the file as the raw body or as multipart/form-data");
            }
            String name = fileNameParameter != null ? fileNameParameter
                    : fileNameOf(request.getHeader("Content-Disposition"));
            return new Documents.Upload(request.getInputStream(), name, request.getContentLengthLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code filename} of a {@code Content-Disposition} header value, or null. */
    static String fileNameOf(String disposition) {
        if (disposition == null) {
            return null;
        }
        Matcher m = FILENAME.matcher(disposition);
        if (!m.find()) {
            return null;
        }
        return m.group(2) != null ? m.group(2) : m.group(1);
    }
}
