package io.fjord.bench.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every measured value, by figure id and system id, in the order measured; plus median, min and max over them.
 * NaN samples (a failed run, an unreadable /proc) are kept in the record but left out of the statistics.
 *
 * <p>Not thread-safe; the harness's main thread owns it.
 */
public final class Samples {

    private final Map<String, Map<String, List<Double>>> byFigure = new LinkedHashMap<>();

    /** Records one value of {@code figureId} for {@code systemId}. */
    public void add(String figureId, String systemId, double value) {
        byFigure.computeIfAbsent(figureId, k -> new LinkedHashMap<>())
                .computeIfAbsent(systemId, k -> new ArrayList<>())
                .add(value);
    }

    /** All values recorded (NaN included), or an empty list. */
    public List<Double> values(String figureId, String systemId) {
        return byFigure.getOrDefault(figureId, Map.of()).getOrDefault(systemId, List.of());
    }

    /** Median, min and max of the finite values; {@code count} 0 (and NaNs) when there are none. */
    public record Stats(double median, double min, double max, int count) {
        static final Stats NONE = new Stats(Double.NaN, Double.NaN, Double.NaN, 0);

        public boolean present() {
            return count > 0;
        }
    }

    /** The statistics of {@code figureId} for {@code systemId}. */
    public Stats stats(String figureId, String systemId) {
        return stats(values(figureId, systemId));
    }

    static Stats stats(List<Double> values) {
        double[] finite = values.stream()
                .mapToDouble(Double::doubleValue)
                .filter(Double::isFinite)
                .sorted()
                .toArray();
        if (finite.length == 0) {
            return Stats.NONE;
        }
        int n = finite.length;
        double median = n % 2 == 1 ? finite[n / 2] : (finite[n / 2 - 1] + finite[n / 2]) / 2;
        return new Stats(median, finite[0], finite[n - 1], n);
    }

    @Override
    public String toString() {
        return "Samples" + Arrays.toString(byFigure.keySet().toArray());
    }
}
