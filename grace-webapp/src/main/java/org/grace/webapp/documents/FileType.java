package org.grace.webapp.documents;

import java.util.List;

/** The kinds of file Grace keeps: photos and PDF documents. Anything else is refused, whatever it is called. */
public enum FileType {
    JPEG("image/jpeg", List.of("jpg", "jpeg")),
    PNG("image/png", List.of("png")),
    WEBP("image/webp", List.of("webp")),
    PDF("application/pdf", List.of("pdf"));

    private final String mediaType;
    private final List<String> extensions;

    FileType(String mediaType, List<String> extensions) {
        this.mediaType = mediaType;
        this.extensions = extensions;
    }

    public String mediaType() {
        return mediaType;
    }

    /** File name extensions of this type, lower case, the usual one first. */
    public List<String> extensions() {
        return extensions;
    }

    public boolean isImage() {
        return this != PDF;
    }

    public static FileType ofMediaType(String mediaType) {
        for (FileType t : values()) {
            if (t.mediaType.equals(mediaType)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a document type: " + mediaType);
    }
}
