package org.grace.webapp.documents;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import javax.sql.DataSource;
import org.grace.core.blobs.BlobStore;
import org.grace.core.jobs.Jobs;
import org.grace.webapp.database.Sql;
import org.grace.webapp.database.Transactions;
import org.grace.webapp.library.JobTypes;

/**
 * Small JPEG copies of uploaded photos, made by a background job after the upload (so a staff member's upload answers
 * at once and the decoding runs on whichever instance's worker takes the job). Sizes are the longer side in pixels.
 *
 * <p>The copies carry no metadata at all: the image is decoded with its metadata ignored and written by an encoder
 * given none, so EXIF (a phone's GPS location, the camera's serial number) never reaches a thumbnail. The decode
 * reads a subsampled image (every n-th pixel of every n-th row), so a 48-megapixel photo costs a few hundred KB of
 * heap, not 190 MB. JPEG and PNG only: the JDK has no WebP decoder, and PDFs have no picture to shrink.
 */
@ApplicationScoped
public class Thumbnails implements JobTypes {
    public static final String TYPE = "documents-thumbnails";
    /** From the scaling guide's {@code imageSizes}: a list icon, a card, a profile photo agency staff recognise. */
    public static final List<Integer> SIZES = List.of(64, 128, 256);
    private static final Logger LOG = Logger.getLogger(Thumbnails.class.getName());

    /** The job's payload: the document to make thumbnails of. */
    public record Make(long documentId) {
    }

    @Override
    public void registerOn(Jobs.Builder jobs) {
        jobs.handler(TYPE, Make.class, (job, context) -> make(job.documentId()));
    }

    @Inject
    UnreferencedBlobs unreferenced;
    @Inject
    BlobStore blobs;
    @Inject
    DataSource dataSource;

    static boolean applies(FileType type) {
        return type == FileType.JPEG || type == FileType.PNG;
    }

    void make(long documentId) throws IOException {
        Optional<String> sha256 = Transactions.inTransaction(dataSource, c -> Sql.one(c,
                "SELECT sha256 FROM documents WHERE id = ? AND content_type IN ('image/jpeg', 'image/png')",
                List.of(documentId), rs -> rs.getString(1)));
        if (sha256.isEmpty()) {
            return; // deleted meanwhile, or not a photo
        }
        BufferedImage image;
        try (InputStream in = blobs.get(sha256.get())) {
            image = decode(in, SIZES.get(SIZES.size() - 1));
        }
        if (image == null) {
            LOG.warning("grace: document " + documentId + " passed the upload checks but does not decode; no thumbnails");
            return;
        }
        for (int size : SIZES) {
            BufferedImage small = scale(image, size);
            BlobStore.StoredBlob stored = blobs.put(new ByteArrayInputStream(jpeg(small)));
            boolean recorded = Transactions.inTransaction(dataSource, c -> {
                UnreferencedBlobs.lockBytes(c, stored.key());
                return Sql.update(c, "INSERT INTO document_thumbnails (document_id, size, sha256, size_bytes, width, "
                                + "height) SELECT id, ?, ?, ?, ?, ? FROM documents WHERE id = ? "
                                + "ON CONFLICT (document_id, size) DO NOTHING",
                        List.of(size, stored.key(), stored.size(), small.getWidth(), small.getHeight(), documentId)) == 1;
            });
            if (!recorded) {
                unreferenced.deleteIfUnreferenced(stored.key()); // the document went, or a retry made it already
            }
        }
    }

    /** The image read with about twice {@code largest} pixels on its longer side at most, metadata ignored. */
    static BufferedImage decode(InputStream in, int largest) throws IOException {
        try (ImageInputStream input = ImageIO.createImageInputStream(in)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                int longer = Math.max(reader.getWidth(0), reader.getHeight(0));
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, longer / (2 * largest));
                param.setSourceSubsampling(step, step, 0, 0);
                return reader.read(0, param);
            } finally {
                reader.dispose();
            }
        }
    }

    /** {@code image} with its longer side {@code size} (never enlarged), on white (JPEG has no transparency). */
    static BufferedImage scale(BufferedImage image, int size) {
        double factor = Math.min(1.0, (double) size / Math.max(image.getWidth(), image.getHeight()));
        int width = Math.max(1, (int) Math.round(image.getWidth() * factor));
        int height = Math.max(1, (int) Math.round(image.getHeight() * factor));
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.drawImage(image, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Baseline JPEG at quality 0.85 with no metadata (no EXIF, no JFIF comment). */
    static byte[] jpeg(BufferedImage image) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
