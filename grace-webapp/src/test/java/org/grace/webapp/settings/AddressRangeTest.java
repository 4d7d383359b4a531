package org.grace.webapp.settings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Trusted-proxy ranges: literal addresses and CIDR only, never a DNS lookup. */
class AddressRangeTest {
    @Test
    void matchesSingleAddressesAndRanges() {
        assertThat(AddressRange.parse("127.0.0.1").contains("127.0.0.1")).isTrue();
        assertThat(AddressRange.parse("127.0.0.1").contains("127.0.0.2")).isFalse();
        assertThat(AddressRange.parse("10.0.0.0/8").contains("10.200.3.4")).isTrue();
        assertThat(AddressRange.parse("10.0.0.0/8").contains("11.0.0.1")).isFalse();
        assertThat(AddressRange.parse("192.168.1.0/23").contains("192.168.0.9")).isTrue();
        assertThat(AddressRange.parse("fd00::/8").contains("fd12::1")).isTrue();
        assertThat(AddressRange.parse("fd00::/8").contains("10.0.0.1")).isFalse();
        assertThat(AddressRange.parse("0.0.0.0/0").contains("8.8.8.8")).isTrue();
    }

    @Test
    void refusesNamesAndBadPrefixes() {
        assertThatThrownBy(() -> AddressRange.parse("proxy.internal")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AddressRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
        assertThat(AddressRange.literal("example.com")).isNull();
        assertThat(AddressRange.literal("1.2.3")).isNull();
    }
}
