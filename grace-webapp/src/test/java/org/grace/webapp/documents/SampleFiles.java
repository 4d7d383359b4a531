package org.grace.webapp.documents;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Files for the upload tests, made here so that what each one is stays visible: real JPEG and PNG images (the JDK's
 * encoders), a minimal PDF, and the hostile ones of issue 17 (a script page renamed .png, PHP, an SVG with script, a
 * truncated JPEG, and a PNG "decompression bomb": a few hundred bytes whose header claims 65535 x 65535 pixels).
 */
public final class SampleFiles {
    private SampleFiles() {
    }

    public static byte[] jpeg(int width, int height) {
        return image("jpg", width, height, BufferedImage.TYPE_INT_RGB);
    }

    public static byte[] png(int width, int height) {
        return image("png", width, height, BufferedImage.TYPE_INT_ARGB);
    }

    public static byte[] pdf() {
        return ("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
                + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
                + "trailer << /Root 1 0 R >>\n%%EOF\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A lossless WebP's header (VP8L) stating {@code width} x {@code height}, followed by filler, as long as stated. */
    public static byte[] webpLossless(int width, int height, int payload) {
        ByteBuffer b = ByteBuffer.allocate(20 + 5 + payload).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(12 + 5 + payload)
                .put("WEBPVP8L".getBytes(StandardCharsets.US_ASCII)).putInt(5 + payload)
                .put((byte) 0x2F).putInt((width - 1) | (height - 1) << 14);
        return b.array();
    }

    public static byte[] htmlRenamedPng() {
        return "<!DOCTYPE html><html><body><script>fetch('/api/auth/me')</script></body></html>\n"
                .getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] php() {
        return "<?php system($_GET['cmd']); ?>\n".getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] svgWithScript() {
        return ("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                + "<script>alert(document.cookie)</script></svg>\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A real JPEG with an EXIF segment right after its start that names a GPS position (as a phone's photo does),
     * so a test can see whether any of it survives.
     */
    public static byte[] jpegWithExifLocation(int width, int height) {
        byte[] plain = jpeg(width, height);
        byte[] exif = ("Exif\0\0MM\0*\0\0\0\10\0\0GPSLatitude=51.5007N;GPSLongitude=0.1246W\0")
                .getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0xFF);
        out.write(0xD8);
        out.write(0xFF);
        out.write(0xE1);
        out.write((exif.length + 2) >> 8);
        out.write((exif.length + 2) & 0xFF);
        out.writeBytes(exif);
        out.write(plain, 2, plain.length - 2);
        return out.toByteArray();
    }

    /** The first {@code percent} of a real JPEG. */
    public static byte[] truncatedJpeg(int percent) {
        byte[] whole = jpeg(64, 48);
        return Arrays.copyOf(whole, whole.length * percent / 100);
    }

    /** A well-formed PNG claiming {@code width} x {@code height} 8-bit grey pixels, its data a few deflated rows. */
    public static byte[] pngBomb(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[1024 * 1024]);
        deflater.finish();
        byte[] data = new byte[64 * 1024];
        int n = deflater.deflate(data);
        chunk(out, "IDAT", Arrays.copyOf(data, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static byte[] image(String format, int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(30, 120, 200));
        g.fillRect(0, 0, width, height);
        g.setColor(Color.ORANGE);
        g.fillOval(width / 4, height / 4, width / 2, height / 2);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no " + format + " writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
