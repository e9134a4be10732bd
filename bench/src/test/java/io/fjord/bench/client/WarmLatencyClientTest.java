package io.fjord.bench.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WarmLatencyClientTest {

    @Test
    void passLineIndexesTheSortedLatenciesAsEndToEndLatencyDoes() {
        long[] micros = new long[1000];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = 1000 - i; // descending: the line must sort them
        }

        // n * 0.5 = 500 -> 501 us, n * 0.99 = 990 -> 991 us, n * 0.999 = 999 -> 1000 us (the largest)
        assertThat(WarmLatencyClient.passLine(2, micros)).isEqualTo("PASS 2 501 991 1000 1000");
        assertThat(micros[0]).isEqualTo(1000); // the caller's array is left as it was
    }
}
