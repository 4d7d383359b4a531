package org.grace.webapp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What an upload is, decided from its bytes: the four accepted types pass with their dimensions, the rest does not. */
class ContentSnifferTest {
    private final ContentSniffer sniffer = new ContentSniffer(DocumentSettings.DEFAULT_MAX_PIXELS);

    @Test
    void realJpegPngWebpAndPdfPassWithTheirPixelDimensions() throws Exception {
        assertThat(read(SampleFiles.jpeg(640, 480))).isEqualTo(new ContentSniffer.Sniffed(FileType.JPEG, 640, 480));
        assertThat(read(SampleFiles.png(33, 17))).isEqualTo(new ContentSniffer.Sniffed(FileType.PNG, 33, 17));
        assertThat(read(SampleFiles.webpLossless(800, 600, 100)))
                .isEqualTo(new ContentSniffer.Sniffed(FileType.WEBP, 800, 600));
        assertThat(read(SampleFiles.pdf()).type()).isEqualTo(FileType.PDF);
    }

    @Test
    void aScriptPagePhpAndSvgAreRefusedAs415WhateverTheyAreCalled() {
        assertRefused(SampleFiles.htmlRenamedPng(), 415, "HTML");
        assertRefused(SampleFiles.php(), 415, "PHP");
        assertRefused(SampleFiles.svgWithScript(), 415, "SVG");
        assertRefused("GIF89a....".getBytes(), 415, "GIF");
    }

    @Test
    void anImageWhoseHeaderClaimsTooManyPixelsIsRefusedBeforeDecoding() throws Exception {
        byte[] bomb = SampleFiles.pngBomb(65535, 65535);
        assertThat(bomb.length).isLessThan(4096);
        assertRefused(bomb, 422, "65535 x 65535 pixels");
        assertRefused(SampleFiles.webpLossless(16384, 16384, 10), 422, "16384 x 16384");
        assertThat(new ContentSniffer(100).sniff(head(SampleFiles.png(10, 10)), SampleFiles.png(10, 10).length, true)
                .width()).isEqualTo(10);
    }

    @Test
    void filesCutShortAreRefusedAtTheirEnd() {
        assertRefused(SampleFiles.truncatedJpeg(60), 422, "incomplete");
        byte[] png = SampleFiles.png(20, 20);
        assertRefused(Arrays.copyOf(png, png.length - 5), 422, "incomplete");
        byte[] pdf = SampleFiles.pdf();
        assertRefused(Arrays.copyOf(pdf, pdf.length - 7), 422, "incomplete");
        byte[] webp = SampleFiles.webpLossless(10, 10, 50);
        assertRefused(Arrays.copyOf(webp, webp.length - 1), 422, "incomplete");
    }

    @Test
    void aJpegCutInsideItsHeaderAndAnEmptyFileAreRefused() {
        assertRefused(Arrays.copyOf(SampleFiles.jpeg(64, 48), 40), 422, "JPEG");
        assertRefused(new byte[0], 400, "empty");
    }

    @Test
    void aFileOverTheLimitIsRefusedWith413WhileItIsRead() {
        byte[] jpeg = SampleFiles.jpeg(200, 200);
        CheckedUpload upload = new CheckedUpload(new ByteArrayInputStream(jpeg), jpeg.length - 1, sniffer);
        assertThatThrownBy(() -> upload.readAllBytes()).isInstanceOf(UploadRefused.class);
        assertThat(upload.refusal().status()).isEqualTo(413);
        CheckedUpload exact = new CheckedUpload(new ByteArrayInputStream(jpeg), jpeg.length, sniffer);
        assertThat(readFully(exact)).isEqualTo(jpeg);
    }

    @Test
    void aFileLongerThanTheHeadPassesThroughUnchanged() {
        byte[] big = SampleFiles.jpeg(1500, 1500);
        byte[] padded = new byte[ContentSniffer.HEAD_BYTES * 3];
        // an accepted type longer than the head: a PDF with a large body
        byte[] pdf = SampleFiles.pdf();
        System.arraycopy(pdf, 0, padded, 0, 9);
        System.arraycopy(pdf, 0, padded, padded.length - pdf.length, pdf.length);
        CheckedUpload upload = new CheckedUpload(new ByteArrayInputStream(padded), Long.MAX_VALUE, sniffer);
        assertThat(readFully(upload)).isEqualTo(padded);
        assertThat(upload.size()).isEqualTo(padded.length);
        assertThat(upload.sniffed().type()).isEqualTo(FileType.PDF);
        assertThat(readFully(new CheckedUpload(new ByteArrayInputStream(big), Long.MAX_VALUE, sniffer))).isEqualTo(big);
    }

    private ContentSniffer.Sniffed read(byte[] file) throws IOException {
        CheckedUpload upload = new CheckedUpload(new ByteArrayInputStream(file), Long.MAX_VALUE, sniffer);
        assertThat(upload.readAllBytes()).isEqualTo(file);
        return upload.sniffed();
    }

    private static byte[] readFully(CheckedUpload upload) {
        try {
            return upload.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void assertRefused(byte[] file, int status, String saying) {
        CheckedUpload upload = new CheckedUpload(new ByteArrayInputStream(file), Long.MAX_VALUE, sniffer);
        assertThatThrownBy(upload::readAllBytes).isInstanceOf(UploadRefused.class).hasMessageContaining(saying);
        assertThat(upload.refusal().status()).isEqualTo(status);
    }

    private static byte[] head(byte[] file) {
        return Arrays.copyOf(file, ContentSniffer.HEAD_BYTES);
    }
}
