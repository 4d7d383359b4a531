package org.grace.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheCodecTest {
    private final CacheCodec codec = CacheCodec.jackson();

    /** Jackson finds no properties on this, so it cannot write it. */
    static final class Opaque {
        private final int secret = 1;
    }

    @Test
    void recordsRoundTrip() {
        Resident r = new Resident(42, "Ada", List.of("penicillin"));
        assertThat(codec.decode(codec.encode(r), Resident.class)).isEqualTo(r);
    }

    @Test
    void genericTypesRoundTrip() {
        List<Resident> list = List.of(new Resident(1, "A", List.of()), new Resident(2, "B", List.of("nuts")));
        Object back = codec.decode(codec.encode(list), new TypeReference<List<Resident>>() { }.getType());
        assertThat(back).isEqualTo(list);
    }

    @Test
    void aValueTheCodecCannotWriteNamesItsType() {
        assertThatThrownBy(() -> codec.encode(new Opaque()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Opaque.class.getName());
    }

    @Test
    void unknownPropertiesFromANewerWriterAreIgnored() {
        byte[] newer = "{\"id\":7,\"name\":\"Bo\",\"allergies\":[],\"room\":\"12b\"}".getBytes();
        assertThat(codec.decode(newer, Resident.class)).isEqualTo(new Resident(7, "Bo", List.of()));
    }
}
