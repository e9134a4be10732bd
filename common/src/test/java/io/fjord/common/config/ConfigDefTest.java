package io.fjord.common.config;

import static io.fjord.common.config.ConfigDef.Importance.HIGH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigDefTest {

    private final ConfigDef def = new ConfigDef()
            .define("n.int", ConfigDef.Type.INT, "1", ConfigDef.Range.atLeast(1), HIGH, "")
            .define("n.short", ConfigDef.Type.SHORT, "3", HIGH, "")
            .define("n.long", ConfigDef.Type.LONG, "-1", HIGH, "")
            .define("n.double", ConfigDef.Type.DOUBLE, "0.5", ConfigDef.Range.between(0, 1), HIGH, "")
            .define("flag", ConfigDef.Type.BOOLEAN, "true", HIGH, "")
            .define("s", ConfigDef.Type.STRING, "a", ConfigDef.ValidString.in("a", "b"), HIGH, "")
            .define("ci", ConfigDef.Type.STRING, "x", ConfigDef.CaseInsensitiveValidString.in("X", "Y"), HIGH, "")
            .define("ne", ConfigDef.Type.STRING, "v", ConfigDef.NonEmptyString.instance(), HIGH, "")
            .define("l", ConfigDef.Type.LIST, "p,q", ConfigDef.ValidList.in(false, "p", "q", "r"), HIGH, "")
            .define("secret", ConfigDef.Type.PASSWORD, null, HIGH, "")
            .define("cls", ConfigDef.Type.CLASS, null, HIGH, "");

    @Test
    void unsetKeysTakeTheirParsedDefaults() {
        Map<String, Object> values = def.parse(Map.of());
        assertThat(values)
                .containsEntry("n.int", 1)
                .containsEntry("n.short", (short) 3)
                .containsEntry("n.long", -1L)
                .containsEntry("n.double", 0.5)
                .containsEntry("flag", true)
                .containsEntry("l", List.of("p", "q"))
                .containsEntry("secret", null);
    }

    @Test
    void valuesAreTrimmedAndParsedByType() {
        Map<String, Object> values = def.parse(
                Map.of("n.int", " 7 ", "flag", "FALSE", "l", " r , p ", "secret", "pw", "cls", " a.B ", "ci", "y"));
        assertThat(values)
                .containsEntry("n.int", 7)
                .containsEntry("flag", false)
                .containsEntry("l", List.of("r", "p"))
                .containsEntry("cls", "a.B")
                .containsEntry("ci", "y");
        assertThat(values.get("secret")).hasToString("[hidden]");
        assertThat(((Password) values.get("secret")).value()).isEqualTo("pw");
    }

    @Test
    void aNonNumberNamesTheKeyAndTheType() {
        assertThatThrownBy(() -> def.parse(Map.of("n.int", "abc")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value abc for configuration n.int: Not a number of type INT");
        assertThatThrownBy(() -> def.parse(Map.of("n.long", "1.5")))
                .hasMessage("Invalid value 1.5 for configuration n.long: Not a number of type LONG");
        assertThatThrownBy(() -> def.parse(Map.of("n.short", "40000")))
                .hasMessage("Invalid value 40000 for configuration n.short: Not a number of type SHORT");
        assertThatThrownBy(() -> def.parse(Map.of("n.double", "half")))
                .hasMessage("Invalid value half for configuration n.double: Not a number of type DOUBLE");
    }

    @Test
    void aBooleanMustBeTrueOrFalse() {
        assertThatThrownBy(() -> def.parse(Map.of("flag", "yes")))
                .hasMessage("Invalid value yes for configuration flag: Expected value to be either true or false");
    }

    @Test
    void rangesRejectValuesOutsideThem() {
        assertThatThrownBy(() -> def.parse(Map.of("n.int", "0")))
                .hasMessage("Invalid value 0 for configuration n.int: Value must be at least 1");
        assertThatThrownBy(() -> def.parse(Map.of("n.double", "1.5")))
                .hasMessage("Invalid value 1.5 for configuration n.double: Value must be no more than 1");
    }

    @Test
    void validStringsAreCaseSensitiveUnlessDeclaredOtherwise() {
        assertThatThrownBy(() -> def.parse(Map.of("s", "A")))
                .hasMessage("Invalid value A for configuration s: String must be one of: a, b");
        assertThatThrownBy(() -> def.parse(Map.of("ci", "z")))
                .hasMessage("Invalid value z for configuration ci: String must be one of: X, Y");
    }

    @Test
    void nonEmptyStringRejectsBlank() {
        assertThatThrownBy(() -> def.parse(Map.of("ne", "  ")))
                .hasMessage("Invalid value  for configuration ne: String must be non-empty");
    }

    @Test
    void validListRejectsUnknownEmptyAndDuplicateElements() {
        assertThatThrownBy(() -> def.parse(Map.of("l", "p,z")))
                .hasMessage("Invalid value z for configuration l: String must be one of: p, q, r");
        assertThatThrownBy(() -> def.parse(Map.of("l", "")))
                .hasMessage("Invalid value  for configuration l: Empty list not allowed");
        assertThatThrownBy(() -> def.parse(Map.of("l", "p,p")))
                .hasMessage("Invalid value p,p for configuration l: Values must not be duplicated");
    }

    @Test
    void aRequiredKeyWithoutValueIsReported() {
        ConfigDef required = new ConfigDef().define("must", ConfigDef.Type.STRING, ConfigDef.NO_DEFAULT, HIGH, "");
        assertThatThrownBy(() -> required.parse(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Missing required configuration \"must\" which has no default value.")
                .extracting(e -> ((ConfigException) e).name())
                .isEqualTo("must");
    }

    @Test
    void anInvalidDefaultIsAProgrammerError() {
        assertThatThrownBy(() ->
                        new ConfigDef().define("x", ConfigDef.Type.INT, "0", ConfigDef.Range.atLeast(1), HIGH, ""))
                .isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> def.define("n.int", ConfigDef.Type.INT, "1", HIGH, ""))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void textFormJoinsListsAndKeepsNumbers() {
        assertThat(ConfigDef.toText(List.of("a", "b"))).isEqualTo("a,b");
        assertThat(ConfigDef.toText(Long.MAX_VALUE)).isEqualTo("9223372036854775807");
        assertThat(def.key("l").defaultText()).isEqualTo("p,q");
        assertThat(def.key("secret").isSensitive()).isTrue();
    }
}
