package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.grace.core.blobs.BlobNotFoundException;
import org.grace.core.blobs.BlobStore;
import org.grace.webapp.http.ApiException;

/**
 * A document's bytes as an HTTP answer. The bytes under a document never change (they are named by their hash), so
 * the answer is cacheable for a year by the browser that was allowed to fetch it, and never by a shared cache
 * ({@code private}: care data); the strong ETag is the hash, so {@code If-None-Match} gets a 304 without touching
 * the store. A single {@code Range} is served from the store's ranged read (206); one past the end is a JSON 416.
 * Always an attachment, with the sniffed type and {@code nosniff}: a file is never rendered as a page of Grace.
 */
@ApplicationScoped
public class DocumentDownloads {
    /** The issue: authorised content-addressed URLs, private data, so never {@code public}. */
    static final String CACHE_CONTROL = "private, max-age=31536000, immutable";

    @Inject
    BlobStore blobs;

    public Response download(Document d, String ifNoneMatch, String range, String ifRange) {
        String etag = "\"" + d.sha256() + "\"";
        if (matchesAny(ifNoneMatch, d.sha256())) {
            return Response.notModified().header("ETag", etag).header("Cache-Control", CACHE_CONTROL).build();
        }
        Optional<ByteRange> part;
        try {
            // If-Range with another validator: the client's copy is not this one, send it all.
            part = ifRange != null && !ifRange.strip().equals(etag) ? Optional.empty() : ByteRange.parse(range, d.size());
        } catch (ByteRange.Unsatisfiable e) {
            throw new ApiException(416, "the range " + range + " is outside the file's " + d.size() + " bytes",
                    Map.of(), Map.of("Content-Range", "bytes */" + d.size()));
        }
        InputStream in = open(d, part);
        StreamingOutput body = out -> {
            try (in) {
                in.transferTo(out);
            }
        };
        Response.ResponseBuilder answer = part.isPresent()
                ? Response.status(206).header("Content-Range", part.get().contentRange(d.size()))
                        .header("Content-Length", part.get().length())
                : Response.ok().header("Content-Length", d.size());
        return answer.entity(body).type(d.contentType())
                .header("ETag", etag)
                .header("Cache-Control", CACHE_CONTROL)
                .header("Accept-Ranges", "bytes")
                .header("Content-Disposition", FileNames.attachment(d.fileName()))
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'none'; sandbox")
                .build();
    }

    /** The stream of the bytes asked for, opened before the answer starts so a missing blob is still a JSON 404. */
    private InputStream open(Document d, Optional<ByteRange> part) {
        try {
            return part.isPresent() ? blobs.get(d.sha256(), part.get().offset(), part.get().length())
                    : blobs.get(d.sha256());
        } catch (BlobNotFoundException e) {
            throw new ApiException(404, "the document's content is gone");
        }
    }

    /** Whether an {@code If-None-Match} list names this hash (weak comparison, as the RFC asks for this header). */
    static boolean matchesAny(String ifNoneMatch, String sha256) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.strip();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals("\"" + sha256 + "\"")) {
                return true;
            }
        }
        return false;
    }
}
