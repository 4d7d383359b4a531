package org.grace.webapp.documents;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Thumbnails are small, keep the picture's proportions, and carry nothing of the original's metadata. */
class ThumbnailsTest {
    @Test
    void aPhotoWithALocationGivesSmallJpegsWithoutExif() throws Exception {
        byte[] photo = SampleFiles.jpegWithExifLocation(1600, 1200);
        assertThat(new String(photo, StandardCharsets.ISO_8859_1)).contains("Exif").contains("GPSLatitude");
        assertThat(new ContentSniffer(DocumentSettings.DEFAULT_MAX_PIXELS).sniff(photo, photo.length, true).width())
                .isEqualTo(1600);
        BufferedImage decoded = Thumbnails.decode(new ByteArrayInputStream(photo), 256);
        assertThat(decoded.getWidth()).as("subsampled while decoding").isLessThan(1600 / 2);
        for (int size : Thumbnails.SIZES) {
            byte[] thumbnail = Thumbnails.jpeg(Thumbnails.scale(decoded, size));
            String text = new String(thumbnail, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("Exif").doesNotContain("GPS");
            BufferedImage back = ImageIO.read(new ByteArrayInputStream(thumbnail));
            assertThat(back.getWidth()).isEqualTo(size);
            assertThat(back.getHeight()).isEqualTo(size * 3 / 4);
        }
    }

    @Test
    void aSmallImageIsNeverEnlarged() throws Exception {
        BufferedImage tiny = ImageIO.read(new ByteArrayInputStream(SampleFiles.png(40, 20)));
        BufferedImage scaled = Thumbnails.scale(tiny, 256);
        assertThat(scaled.getWidth()).isEqualTo(40);
        assertThat(scaled.getHeight()).isEqualTo(20);
    }
}
