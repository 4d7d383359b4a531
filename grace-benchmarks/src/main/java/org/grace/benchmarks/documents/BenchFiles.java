package org.grace.benchmarks.documents;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The files the documents benchmark stores, each made fresh from its own seed: the store is content-addressed, so the
 * same bytes twice would be stored once and the second put would measure a lookup.
 */
final class BenchFiles {
    static final int MB = 1024 * 1024;
    private static int lastWidth = 1200;
    private static int lastHeight = 900;

    private BenchFiles() {
    }

    /** {@code size} random bytes. */
    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new SplittableRandom(seed).nextBytes(bytes);
        return bytes;
    }

    /**
     * A PDF-shaped file of exactly {@code size} bytes, as the web application's sniffer wants one ({@code %PDF-}
     * first, {@code %%EOF} in the last kilobyte), random bytes between: what a scanned care plan costs to store.
     */
    static byte[] pdf(int size, long seed) {
        byte[] bytes = random(size, seed);
        byte[] head = "%PDF-1.4\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, bytes, 0, head.length);
        System.arraycopy(tail, 0, bytes, size - tail.length, tail.length);
        return bytes;
    }

    /**
     * A real baseline JPEG (javax.imageio, quality 0.9) of a generated picture, a smooth scene with sensor-like noise,
     * whose size is within 10 % above {@code target} bytes: the picture's dimensions are adjusted until it is.
     */
    static synchronized byte[] jpeg(int target, long seed) {
        int width = lastWidth;
        int height = lastHeight;
        for (int attempt = 0; attempt < 8; attempt++) {
            byte[] jpeg = encode(picture(width, height, seed));
            if (jpeg.length >= target && jpeg.length <= target * 1.1) {
                lastWidth = width; // the next picture starts from dimensions that worked
                lastHeight = height;
                return jpeg;
            }
            // Size grows with the pixel count: scale both sides by the square root of the ratio, aiming 5 % high.
            double scale = Math.sqrt(target * 1.05 / jpeg.length);
            width = Math.max(64, (int) Math.round(width * scale));
            height = Math.max(48, (int) Math.round(height * scale));
        }
        throw new IllegalStateException("could not make a JPEG of about " + target + " bytes");
    }

    private static BufferedImage picture(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double phase = random.nextDouble() * Math.PI * 2;
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double u = (double) x / width;
                double v = (double) y / height;
                int r = clamp(120 + 80 * Math.sin(6 * u + phase) + random.nextInt(-40, 41));
                int g = clamp(110 + 70 * Math.cos(5 * v - phase) + random.nextInt(-40, 41));
                int b = clamp(100 + 60 * Math.sin(4 * (u + v)) + random.nextInt(-40, 41));
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static int clamp(double value) {
        return (int) Math.max(0, Math.min(255, value));
    }

    private static byte[] encode(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
