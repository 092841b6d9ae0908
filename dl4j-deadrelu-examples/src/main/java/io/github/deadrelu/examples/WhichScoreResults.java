/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples;

import io.github.deadrelu.examples.WhichScoreRunner.Row;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Table;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** The CSV, the summary table and the chart of {@link WhichScoreStudy}. */
final class WhichScoreResults {

    /** The header of {@code which-score.csv}, fixed; gradient columns are empty for a layer without that score. */
    static final String[] CSV_HEADER = {"iteration", "layer", "place", "units", "dead", "dormant", "grad_dormant",
        "dead_and_dormant", "dead_and_grad", "dormant_and_grad", "dormant_not_dead", "grad_not_dormant",
        "dormant_not_grad", "dead_not_grad", "jaccard_dead_dormant", "jaccard_dead_grad", "jaccard_dormant_grad",
        "dead_units", "dormant_units", "grad_dormant_units"};

    private WhichScoreResults() {
    }

    static void csv(List<Row> rows, Path file) throws IOException {
        try (CsvWriter w = new CsvWriter(file, CSV_HEADER)) {
            for (Row r : rows) {
                boolean g = r.hasGradient();
                w.row(r.iteration(), r.layer(), r.place().label, r.units(), Row.count(r.dead()),
                        Row.count(r.dormant()), g ? Row.count(r.gradDormant()) : null,
                        Row.count(Row.and(r.dead(), r.dormant())),
                        g ? Row.count(Row.and(r.dead(), r.gradDormant())) : null,
                        g ? Row.count(Row.and(r.dormant(), r.gradDormant())) : null,
                        Row.count(Row.minus(r.dormant(), r.dead())),
                        g ? Row.count(Row.minus(r.gradDormant(), r.dormant())) : null,
                        g ? Row.count(Row.minus(r.dormant(), r.gradDormant())) : null,
                        g ? Row.count(Row.minus(r.dead(), r.gradDormant())) : null,
                        nan(Row.jaccard(r.dead(), r.dormant())),
                        g ? nan(Row.jaccard(r.dead(), r.gradDormant())) : null,
                        g ? nan(Row.jaccard(r.dormant(), r.gradDormant())) : null,
                        list(r.dead()), list(r.dormant()), g ? list(r.gradDormant()) : null);
            }
        }
    }

    private static Double nan(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String list(BitSet b) {
        return b.stream().mapToObj(Integer::toString).collect(Collectors.joining(" "));
    }

    private static Map<String, List<Row>> byLayer(List<Row> rows) {
        Map<String, List<Row>> m = new LinkedHashMap<>();
        rows.forEach(r -> m.computeIfAbsent(r.layer(), k -> new ArrayList<>()).add(r));
        return m;
    }

    private static String mean(List<Row> rows, boolean needsGradient, ToDoubleFunction<Row> f) {
        if (needsGradient && !rows.get(0).hasGradient()) {
            return "n/a";
        }
        double sum = 0;
        int n = 0;
        for (Row r : rows) {
            double v = f.applyAsDouble(r);
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? "-" : String.format(Locale.ROOT, "%.1f", sum / n);
    }

    /**
     * The summary: per layer, the mean over the recorded iterations of each set's size and of what one score finds
     * that another misses.
     */
    static Table table(List<Row> rows) {
        Table t = new Table("layer", "place", "units", "dead", "dormant", "grad-dormant", "dormant, not dead",
                "grad-dormant, not dormant", "dormant, not grad-dormant", "dead, not grad-dormant");
        for (Map.Entry<String, List<Row>> e : byLayer(rows).entrySet()) {
            List<Row> l = e.getValue();
            Row first = l.get(0);
            t.row(e.getKey(), first.place().label, first.units(),
                    mean(l, false, r -> Row.count(r.dead())),
                    mean(l, false, r -> Row.count(r.dormant())),
                    mean(l, true, r -> Row.count(r.gradDormant())),
                    mean(l, false, r -> Row.count(Row.minus(r.dormant(), r.dead()))),
                    mean(l, true, r -> Row.count(Row.minus(r.gradDormant(), r.dormant()))),
                    mean(l, true, r -> Row.count(Row.minus(r.dormant(), r.gradDormant()))),
                    mean(l, true, r -> Row.count(Row.minus(r.dead(), r.gradDormant()))));
        }
        return t;
    }

    /** One panel per gated layer: the sizes of the three sets and of the disagreements over iterations. */
    static void chart(List<Row> rows, String title, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        for (Map.Entry<String, List<Row>> e : byLayer(rows).entrySet()) {
            List<Row> l = e.getValue();
            XYChart c = Charts.line(e.getKey() + " (" + l.get(0).place().label + ", " + l.get(0).units()
                    + " units)", "iteration", "units");
            double[] x = l.stream().mapToDouble(Row::iteration).toArray();
            series(c, "dead", x, l, r -> Row.count(r.dead()), Color.BLACK);
            series(c, "tau-dormant", x, l, r -> Row.count(r.dormant()), new Color(0x1f77b4));
            series(c, "dormant, not dead", x, l, r -> Row.count(Row.minus(r.dormant(), r.dead())),
                    new Color(0x9ecae1));
            if (l.get(0).hasGradient()) {
                series(c, "grad-dormant", x, l, r -> Row.count(r.gradDormant()), new Color(0xd62728));
                series(c, "grad-dormant, not dormant", x, l,
                        r -> Row.count(Row.minus(r.gradDormant(), r.dormant())), new Color(0xff9896));
            }
            c.getStyler().setMarkerSize(0);
            charts.add(c);
        }
        int columns = Math.min(3, charts.size());
        int rowsOfGrid = (charts.size() + columns - 1) / columns;
        Charts.png(charts, rowsOfGrid, columns, file);
    }

    private static void series(XYChart c, String name, double[] x, List<Row> l, ToDoubleFunction<Row> f,
                               Color color) {
        XYSeries s = c.addSeries(name, x, l.stream().mapToDouble(f).toArray());
        s.setLineColor(color);
        s.setMarkerColor(color);
    }
}
