package org.grace.webapp.documents;

/**
 * A care document or photo: whose it is (a resident, and an incident for body-map photos), who brought it and when,
 * and what it is ({@code contentType} as sniffed from the bytes, {@code sha256} the key of the bytes in the blob
 * store and the download's ETag). {@code width} and {@code height} are an image's pixels, null for PDF;
 * {@code contentUrl} is where the bytes are downloaded.
 */
public record Document(long id, long organizationId, long residentId, Long incidentId, String fileName,
                       String contentType, long size, String sha256, Integer width, Integer height, long uploadedBy,
                       String uploadedByName, String uploadedAt, String contentUrl) {
}
