package org.grace.webapp.it.care;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import org.grace.webapp.it.GraceProcess;

/**
 * Uploads and downloads of documents as a {@link CareClient}'s user: bodies are bytes, answers are bytes (a download
 * is compared by its SHA-256), and extra headers are given as name/value pairs.
 */
final class DocumentClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private DocumentClient() {
    }

    /** A raw-body upload ({@code Content-Type} the declared type, the name in {@code ?fileName=}). */
    static HttpResponse<byte[]> upload(CareClient user, GraceProcess instance, String ownerPath, byte[] file,
                                       String contentType, String fileName) {
        String query = fileName == null ? "" : "?fileName=" + URLEncoder.encode(fileName, StandardCharsets.UTF_8);
        return send(user, instance, "POST", ownerPath + "/documents" + query,
                HttpRequest.BodyPublishers.ofByteArray(file), "Content-Type", contentType);
    }

    /** The same body sent chunked (no {@code Content-Length}), so the server learns its size only by reading it. */
    static HttpResponse<byte[]> uploadChunked(CareClient user, GraceProcess instance, String ownerPath, byte[] file,
                                              String contentType) {
        return send(user, instance, "POST", ownerPath + "/documents",
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(file)),
                "Content-Type", contentType);
    }

    /** A {@code multipart/form-data} upload: a text field, then the file part; {@code close} false cuts it short. */
    static HttpResponse<byte[]> uploadMultipart(CareClient user, GraceProcess instance, String ownerPath, byte[] file,
                                                String fileName, boolean close) {
        String boundary = "grace-it-" + System.nanoTime();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nfrom the IT\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(file);
        if (close) {
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        return send(user, instance, "POST", ownerPath + "/documents",
                HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()),
                "Content-Type", "multipart/form-data; boundary=" + boundary);
    }

    static HttpResponse<byte[]> get(CareClient user, GraceProcess instance, String path, String... headers) {
        return send(user, instance, "GET", path, HttpRequest.BodyPublishers.noBody(), headers);
    }

    static HttpResponse<byte[]> send(CareClient user, GraceProcess instance, String method, String path,
                                     HttpRequest.BodyPublisher body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(instance.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).method(method, body);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        if (user.bearer != null) {
            b.header("Authorization", "Bearer " + user.bearer);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String text(HttpResponse<byte[]> r) {
        return new String(r.body(), StandardCharsets.UTF_8);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
