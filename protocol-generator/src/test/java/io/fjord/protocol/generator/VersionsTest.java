package io.fjord.protocol.generator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionsTest {
    @Test
    void parsesEveryFormTheSpecsUse() {
        assertThat(Versions.parse("none", null).isEmpty()).isTrue();
        assertThat(Versions.parse("3", null)).isEqualTo(new Versions((short) 3, (short) 3));
        assertThat(Versions.parse("3+", null)).isEqualTo(new Versions((short) 3, Short.MAX_VALUE));
        assertThat(Versions.parse("3-7", null)).isEqualTo(new Versions((short) 3, (short) 7));
        assertThat(Versions.parse(null, Versions.ALL)).isEqualTo(Versions.ALL);
    }

    @Test
    void conditionsAreSimplifiedByTheVersionsAMessageCanHave() {
        Versions valid = Versions.parse("3-13", null);
        assertThat(Versions.parse("0+", null).condition("v", valid)).isEqualTo("true");
        assertThat(Versions.parse("9+", null).condition("v", valid)).isEqualTo("(v >= 9)");
        assertThat(Versions.parse("0-12", null).condition("v", valid)).isEqualTo("(v <= 12)");
        assertThat(Versions.parse("5-6", null).condition("v", valid)).isEqualTo("(v >= 5 && v <= 6)");
        assertThat(Versions.parse("14+", null).condition("v", valid)).isEqualTo("false");
        assertThat(Versions.NONE.condition("v", valid)).isEqualTo("false");
    }
}
