package io.fjord.bench.harness;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws the run as a self-contained SVG (one row per figure: a bar per system, normalised to the larger median of
 * the row, the value, the Fjord/Kafka ratio and the goal's status) and an HTML page that inlines it with the text
 * table. The SVG stands alone so a README can show it as an image.
 *
 * <p>Stateless; safe from any thread.
 */
final class Chart {

    private static final int WIDTH = 1180;
    private static final int LABEL_WIDTH = 470;
    private static final int BAR_WIDTH = 340;
    private static final int ROW_HEIGHT = 34;
    private static final int TOP = 78;
    private static final String KAFKA_COLOR = "#4e79a7";
    private static final String FJORD_COLOR = "#f28e2b";

    private Chart() {}

    static String svg(List<Report.Row> rows, Map<String, BrokerSystem> systems, BenchOptions options) {
        int height = TOP + rows.size() * ROW_HEIGHT + 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\""
                        + " font-family=\"DejaVu Sans, Arial, sans-serif\" font-size=\"12\">%n",
                WIDTH,
                height,
                WIDTH,
                height));
        s.append(String.format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(text(10, 22, "Fjord vs Apache Kafka 4.4.0 (single node, loopback, kafka-tools 4.3.1)", 16, "bold"));
        s.append(text(
                10,
                42,
                String.format(
                        "%s mode, median of %d run(s), %d x 1 KiB records per produce workload; systems run: %s."
                                + " Bars scaled per row; \u2191 higher is better, \u2193 lower; F/K = Fjord/Kafka.",
                        options.quick() ? "quick" : "full", options.runs(), options.produceRecords(), systems.keySet()),
                11,
                "normal"));
        legend(s, 10, 60, KAFKA_COLOR, "Kafka");
        legend(s, 80, 60, FJORD_COLOR, "Fjord");
        int columns = LABEL_WIDTH + BAR_WIDTH + 150;
        s.append(text(columns, 64, "F/K", 11, "bold"));
        s.append(text(columns + 45, 64, "goal", 11, "bold"));
        s.append(text(columns + 100, 64, "status", 11, "bold"));
        int y = TOP;
        for (Report.Row row : rows) {
            row(s, row, y);
            y += ROW_HEIGHT;
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static void row(StringBuilder s, Report.Row row, int y) {
        double max =
                Math.max(finiteOr0(row.kafka().median()), finiteOr0(row.fjord().median()));
        String arrow = row.figure().higherIsBetter() ? " \u2191" : " \u2193";
        s.append(text(10, y + 18, row.figure().label() + " (" + row.figure().unit() + ")" + arrow, 12, "normal"));
        bar(s, y + 4, row.kafka(), max, KAFKA_COLOR);
        bar(s, y + 17, row.fjord(), max, FJORD_COLOR);
        String ratio = Double.isNaN(row.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", row.ratio());
        String goal = row.figure().goal() == null ? "-" : row.figure().goal().toString();
        String color = row.status().equals("met") ? "#2e7d32" : row.status().equals("NOT MET") ? "#c62828" : "#777";
        int x = LABEL_WIDTH + BAR_WIDTH + 150;
        s.append(text(x, y + 18, ratio, 12, "normal"));
        s.append(text(x + 45, y + 18, goal, 12, "normal"));
        s.append(String.format(
                "<text x=\"%d\" y=\"%d\" font-size=\"12\" fill=\"%s\">%s</text>%n",
                x + 100, y + 18, color, escape(row.status())));
        s.append(String.format(
                "<line x1=\"10\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>%n",
                y + ROW_HEIGHT - 2, WIDTH - 10, y + ROW_HEIGHT - 2));
    }

    private static void bar(StringBuilder s, int y, Samples.Stats stats, double max, String color) {
        if (!stats.present()) {
            s.append(text(LABEL_WIDTH, y + 10, "not measured", 10, "normal"));
            return;
        }
        int width = max <= 0 ? 1 : (int) Math.max(1, Math.round(BAR_WIDTH * stats.median() / max));
        s.append(String.format(
                "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"11\" fill=\"%s\"/>%n", LABEL_WIDTH, y, width, color));
        String label = Report.format(stats.median())
                + (stats.count() > 1
                        ? " [" + Report.format(stats.min()) + ".." + Report.format(stats.max()) + "]"
                        : "");
        s.append(text(LABEL_WIDTH + width + 5, y + 10, label, 10, "normal"));
    }

    private static void legend(StringBuilder s, int x, int y, String color, String name) {
        s.append(String.format("<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n", x, y - 6, color));
        s.append(text(x + 16, y + 4, name, 12, "normal"));
    }

    private static String text(int x, int y, String text, int size, String weight) {
        return String.format(
                "<text x=\"%d\" y=\"%d\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, size, weight, escape(text));
    }

    private static double finiteOr0(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** An HTML page with the SVG inline and the text table under it; no external resources. */
    static String html(String svg, String table) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Fjord vs Kafka</title>"
                + "<style>body{font-family:sans-serif;margin:20px}pre{font-size:12px}</style></head><body>\n"
                + svg
                + "<pre>"
                + escape(table)
                + "</pre>\n</body></html>\n";
    }
}
