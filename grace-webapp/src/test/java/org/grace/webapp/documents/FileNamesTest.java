package org.grace.webapp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** File names are labels: paths and invisible characters are refused, the rest is tidied and sent back safely. */
class FileNamesTest {
    @Test
    void pathsAreRefusedNotCut() {
        for (String path : new String[] {"../../etc/passwd", "..\\..\\boot.ini", "photos/../x.jpg", "/etc/passwd",
                "C:\\x.png", "..", "."}) {
            assertThatThrownBy(() -> FileNames.sanitise(path, FileType.PNG)).as(path)
                    .isInstanceOf(UploadRefused.class).hasMessageContaining("not a path");
        }
    }

    @Test
    void controlAndInvisibleCharactersAreRefused() {
        for (String name : new String[] {"a\u0000.png", "a\n.png", "report\u202Egnp.exe", "x\u200B.png"}) {
            assertThatThrownBy(() -> FileNames.sanitise(name, FileType.PNG)).as(name)
                    .isInstanceOf(UploadRefused.class);
        }
    }

    @Test
    void aNameGetsTheExtensionOfWhatItReallyIsAndStaysShort() throws Exception {
        assertThat(FileNames.sanitise("  Care   plan.PDF ", FileType.PDF)).isEqualTo("Care plan.PDF");
        assertThat(FileNames.sanitise("photo.png", FileType.JPEG)).isEqualTo("photo.png.jpg");
        assertThat(FileNames.sanitise(null, FileType.WEBP)).isEqualTo("document.webp");
        assertThat(FileNames.sanitise("Zoë's hip.jpeg", FileType.JPEG)).isEqualTo("Zoë's hip.jpeg");
        String longName = FileNames.sanitise("x".repeat(500) + ".jpg", FileType.JPEG);
        assertThat(longName).hasSize(FileNames.MAX_LENGTH).endsWith(".jpg");
    }

    @Test
    void contentDispositionIsAnAttachmentWithAnAsciiFallbackAndTheExactName() {
        assertThat(FileNames.attachment("Zoë \"hip\";1.jpg")).isEqualTo(
                "attachment; filename=\"Zo_ _hip__1.jpg\"; filename*=UTF-8''Zo%C3%AB%20%22hip%22%3B1.jpg");
    }
}
