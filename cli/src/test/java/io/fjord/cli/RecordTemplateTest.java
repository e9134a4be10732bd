package io.fjord.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RecordTemplateTest {
    private static final RecordTemplate.Decoded KEYED = new RecordTemplate.Decoded(
            "orders",
            2,
            41,
            1_700_000_000_123L,
            "k1",
            false,
            "{\"a\":1}",
            true,
            List.of(new RecordTemplate.Header("h1", "x"), new RecordTemplate.Header("h2", null)));

    private static final RecordTemplate.Decoded UNKEYED =
            new RecordTemplate.Decoded("orders", 0, 0, 5, null, false, "v", false, List.of());

    @Test
    void theDefaultPrintsTheValueAfterTheKeyAndATabWhenThereIsAKey() {
        RecordTemplate template = RecordTemplate.parse(null);
        assertThat(template.render(KEYED)).isEqualTo("k1\t{\"a\":1}");
        assertThat(template.render(UNKEYED)).isEqualTo("v");
    }

    @Test
    void everyPlaceholderAndEscapeIsReplaced() {
        assertThat(RecordTemplate.parse("%t|%p|%o|%T|%k|%v|%h|100%%\\t\\n\\\\").render(KEYED))
                .isEqualTo("orders|2|41|1700000000123|k1|{\"a\":1}|h1=x,h2=|100%\t\n\\");
        assertThat(RecordTemplate.parse("[%k]").render(UNKEYED)).isEqualTo("[]");
    }

    @Test
    void jsonEmbedsJsonValuesAndQuotesText() {
        assertThat(RecordTemplate.parse("json").render(KEYED))
                .isEqualTo("{\"topic\":\"orders\",\"partition\":2,\"offset\":41,\"timestamp\":1700000000123,"
                        + "\"key\":\"k1\",\"value\":{\"a\":1},"
                        + "\"headers\":[{\"key\":\"h1\",\"value\":\"x\"},{\"key\":\"h2\",\"value\":null}]}");
        assertThat(RecordTemplate.parse("json").render(UNKEYED)).contains("\"key\":null,\"value\":\"v\"");
    }

    @Test
    void anUnknownPlaceholderIsAUsageError() {
        assertThatThrownBy(() -> RecordTemplate.parse("%x"))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("unknown placeholder %x")
                .extracting(e -> ((CliException) e).exitCode())
                .isEqualTo(Fjord.EXIT_USAGE);
        assertThatThrownBy(() -> RecordTemplate.parse("50%")).hasMessageContaining("unknown placeholder %");
    }
}
