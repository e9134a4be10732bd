package io.fjord.bench.harness;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void statisticsSkipFailedRunsAndTakeTheMiddleValue() {
        Samples.Stats stats = Samples.stats(List.of(30.0, Double.NaN, 10.0, 20.0));

        assertThat(stats).isEqualTo(new Samples.Stats(20.0, 10.0, 30.0, 3));
    }

    @Test
    void judgesEachGoalOnTheRatioOfMedians() {
        BenchOptions options = BenchOptions.parse(new String[] {"--quick", "--workloads", "produce-8p-acks1"});
        Samples samples = new Samples();
        samples.add("produce-8p-acks1.mb_s", "kafka", 100);
        samples.add("produce-8p-acks1.mb_s", "fjord", 140);
        samples.add("startup_ms", "kafka", 4700);
        samples.add("startup_ms", "fjord", 900);

        Report report = new Report(options, samples, List.of(), Map.of(), Map.of());

        Map<String, String> goals = report.goalStatus();
        assertThat(goals.get("produce throughput, every workload >= 1.3")).isEqualTo("met");
        assertThat(goals.get("start-up to first acknowledged produce <= 0.1"))
                .isEqualTo("NOT MET (start-up to first acked produce)");
        assertThat(goals.get("consume throughput >= 1.2")).isEqualTo("not measured");
        assertThat(report.table()).contains("1.40").contains("0.19");
    }

    @Test
    void chartShowsEveryFigureEvenWithOneSystem() {
        BenchOptions options = BenchOptions.parse(new String[] {"--quick", "--systems", "kafka"});
        Samples samples = new Samples();
        samples.add("startup_ms", "kafka", 4956);
        Report report = new Report(
                options,
                samples,
                List.of(),
                Map.of("kafka", new KafkaSystem(java.nio.file.Path.of("x"), new Random(1))),
                Map.of());

        String svg = Chart.svg(report.rows(), Map.of(), options);

        assertThat(svg)
                .startsWith("<svg")
                .contains("start-up to first acked produce")
                .contains("4956");
        assertThat(Json.write(Map.of("v", Double.NaN, "s", "a\"b")))
                .contains("null")
                .contains("a\\\"b");
    }
}
