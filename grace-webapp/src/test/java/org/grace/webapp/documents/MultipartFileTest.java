package org.grace.webapp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.grace.webapp.http.ApiException;
import org.junit.jupiter.api.Test;

/** The first file of a multipart/form-data body, read as a stream. */
class MultipartFileTest {
    static final String TYPE = "multipart/form-data; boundary=----grace42";

    static byte[] body(String fileName, byte[] file, boolean close) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("------grace42\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n"
                + "------grace42\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + fileName + "\"\r\n"
                + "Content-Type: image/png\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(file);
        if (close) {
            out.writeBytes("\r\n------grace42--\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return out.toByteArray();
    }

    @Test
    void theFilePartsBytesAndNameComeThroughExactlyWhateverTheyContain() throws Exception {
        // a file bigger than the buffer, containing CRLFs and a near-boundary
        byte[] file = new byte[300_000];
        for (int i = 0; i < file.length; i++) {
            file[i] = (byte) (i * 31 + i / 7);
        }
        byte[] trap = "\r\n------grace4".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(trap, 0, file, 65_530, trap.length);
        MultipartFile part = MultipartFile.first(new OneByteAtATimeSometimes(body("Zoë.png", file, true)), TYPE);
        assertThat(part.fileName()).isEqualTo("Zoë.png");
        assertThat(part.content().readAllBytes()).isEqualTo(file);
    }

    @Test
    void aBodyEndingInsideTheFileFailsItsLastReadAndOneWithoutAFileIsA400() {
        byte[] cut = body("a.png", new byte[1000], false);
        assertThatThrownBy(() -> MultipartFile.first(new ByteArrayInputStream(cut), TYPE).content().readAllBytes())
                .isInstanceOf(UploadRefused.class);
        byte[] noFile = "------grace42\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n------grace42--\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> MultipartFile.first(new ByteArrayInputStream(noFile), TYPE))
                .isInstanceOf(ApiException.class).hasMessageContaining("no file part");
        assertThatThrownBy(() -> MultipartFile.first(new ByteArrayInputStream(noFile), "multipart/form-data"))
                .isInstanceOf(ApiException.class).hasMessageContaining("boundary");
    }

    /** Hands out bytes in uneven pieces, as a network does. */
    static final class OneByteAtATimeSometimes extends InputStream {
        private final byte[] bytes;
        private int at;
        private int call;

        OneByteAtATimeSometimes(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, bytes.length - at), call++ % 3 == 0 ? 1 : 7919);
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }
}
