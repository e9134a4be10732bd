package io.fjord.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolOutputTest {

    @Test
    void readsProducerPerformancesFinalSummaryNotItsProgressLines() {
        String output = String.join(
                "\n",
                "120000 records sent, 23990.4 records/sec (23.43 MB/sec), 600.1 ms avg latency, 900.0 ms max latency.",
                "[main] WARN something",
                "50000 records sent, 24201.355276 records/sec (23.63 MB/sec), 527.60 ms avg latency, 1039.00 ms max"
                        + " latency, 563 ms 50th, 981 ms 95th, 1002 ms 99th, 1032 ms 99.9th.");

        ToolOutput.ProducerResult result = ToolOutput.parseProducer(output);

        assertThat(result)
                .isEqualTo(new ToolOutput.ProducerResult(24201.355276, 23.63, 527.60, 1039.0, 563, 1002, 1032));
    }

    @Test
    void reportsNoProducerResultWhenTheToolDiedBeforeItsSummary() {
        assertThat(ToolOutput.parseProducer("Exception in thread \"main\" org.apache.kafka.common.KafkaException"))
                .isNull();
    }

    @Test
    void readsConsumerPerformancesDataLineEvenWhenLogLinesComeBetween() {
        String output = String.join(
                "\n",
                "start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,"
                        + " rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec",
                "[main] INFO org.apache.kafka.common.config.AbstractConfig - ConsumerConfig values: ",
                "\tallow.auto.create.topics = true",
                "2026-11-22 03:45:18:871, 2026-11-22 03:45:23:830, 48.8281, 9.8464, 50000, 10082.6780, 4534, 425,"
                        + " 114.8897, 117647.0588");

        ToolOutput.ConsumerResult result = ToolOutput.parseConsumer(output);

        assertThat(result).isEqualTo(new ToolOutput.ConsumerResult(9.8464, 114.8897, 50000, 4534));
    }

    @Test
    void readsEndToEndLatencyPercentiles() {
        String output = "Avg latency: 4.0106 ms\nPercentiles: 50th = 2, 99th = 33, 99.9th = 107\n";

        assertThat(ToolOutput.parseEndToEnd(output)).isEqualTo(new ToolOutput.LatencyResult(4.0106, 2, 33, 107));
    }

    @Test
    void readsTheLastPassOfTheWarmLatencyClient() {
        String output = "[main] WARN org.apache.kafka.clients.NetworkClient - ignored\n"
                + "PASS 1 406 3828 8085 72092\n"
                + "PASS 2 274 735 4407 8118\n"
                + "PASS 3 255 589 3679 6323\n";

        assertThat(ToolOutput.parseWarmLatency(output)).isEqualTo(new ToolOutput.WarmLatencyResult(255, 589, 3679));
        assertThat(ToolOutput.parseWarmLatency("Percentiles: 50th = 0, 99th = 4, 99.9th = 7"))
                .isNull();
    }

    @Test
    void readsCpuTicksPastACommandNameWithSpacesAndParens() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194560 100 0 0 0 1500 250 0 0 20 0 40 0 123 0 0";

        assertThat(ProcStats.parseTicks(stat, 11)).containsExactly(1500, 250);
        assertThat(ProcStats.parseTicks(stat, 13)).containsExactly(0, 0);
    }

    @Test
    void readsTheMachinesIdleShareFromTheCpuLine() {
        ProcStats.MachineTicks before =
                ProcStats.parseMachineTicks("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 50 0 25 400 25 0 0 0 0 0\n");
        ProcStats.MachineTicks after =
                ProcStats.parseMachineTicks("cpu  250 0 100 840 60 0 0 0 0 0\ncpu0 125 0 50 420 30 0 0 0 0 0\n");

        assertThat(before).isEqualTo(new ProcStats.MachineTicks(850, 1000));
        assertThat(after.idlePercentSince(before)).isEqualTo(20.0);
        assertThat(after.idlePercentSince(ProcStats.MachineTicks.UNKNOWN)).isNaN();
    }
}
