package org.grace.core.blobs;

/** No blob has the key asked for (never stored, or deleted). */
public class BlobNotFoundException extends BlobStoreException {
    private final String key;

    public BlobNotFoundException(String key) {
        super("no blob with key " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
