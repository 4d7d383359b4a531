package org.grace.webapp.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Range headers as RFC 9110 reads them, for a file of 1000 bytes. */
class ByteRangeTest {
    @Test
    void oneRangeInEachOfItsThreeForms() throws Exception {
        assertThat(ByteRange.parse("bytes=0-99", 1000)).contains(new ByteRange(0, 100));
        assertThat(ByteRange.parse("bytes=990-2000", 1000)).contains(new ByteRange(990, 10));
        assertThat(ByteRange.parse("bytes=500-", 1000)).contains(new ByteRange(500, 500));
        assertThat(ByteRange.parse("bytes=-10", 1000)).contains(new ByteRange(990, 10));
        assertThat(ByteRange.parse("bytes=-5000", 1000)).contains(new ByteRange(0, 1000));
        assertThat(new ByteRange(990, 10).contentRange(1000)).isEqualTo("bytes 990-999/1000");
    }

    @Test
    void whatIsNotOneByteRangeIsIgnored() throws Exception {
        for (String header : new String[] {null, "bytes=0-1,5-6", "items=0-1", "bytes=9-3", "bytes=-", "bytes=a-b",
                "bytes=99999999999999999999-"}) {
            assertThat(ByteRange.parse(header, 1000)).as(String.valueOf(header)).isEqualTo(Optional.empty());
        }
    }

    @Test
    void aRangeOutsideTheFileIsUnsatisfiable() {
        assertThatThrownBy(() -> ByteRange.parse("bytes=1000-1001", 1000)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=5000-", 1000)).isInstanceOf(ByteRange.Unsatisfiable.class);
        assertThatThrownBy(() -> ByteRange.parse("bytes=-0", 1000)).isInstanceOf(ByteRange.Unsatisfiable.class);
    }

    @Test
    void ifNoneMatchComparesWeaklyAndAcceptsLists() {
        String sha = "a".repeat(64);
        assertThat(DocumentDownloads.matchesAny("\"" + sha + "\"", sha)).isTrue();
        assertThat(DocumentDownloads.matchesAny("\"x\", W/\"" + sha + "\"", sha)).isTrue();
        assertThat(DocumentDownloads.matchesAny("*", sha)).isTrue();
        assertThat(DocumentDownloads.matchesAny("\"" + "b".repeat(64) + "\"", sha)).isFalse();
        assertThat(DocumentDownloads.matchesAny(sha, sha)).as("an unquoted tag is not a tag").isFalse();
        assertThat(DocumentDownloads.matchesAny(null, sha)).isFalse();
    }
}
