/*
 * Copyright the dl4j-deadrelu contributors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
 * the License. You may obtain a copy of the License at https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
 * an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
 * specific language governing permissions and limitations under the License.
 *
 * SPDX-License-Identifier: Apache-2.0
 */


package io.github.deadrelu.examples;

import io.github.deadrelu.examples.DeathInStagesStudy.Dying;
import io.github.deadrelu.examples.DeathInStagesStudy.Result;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.StudyCharts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * The charts of {@link DeathInStagesStudy}: the heat maps ({@code death-in-stages-heatmap.png},
 * {@code death-in-stages-zoom.png}) and the line chart ({@code death-in-stages.png}).
 */
final class DeathInStagesCharts {

    private DeathInStagesCharts() {
    }

    /**
     * The heat map: rows are the dying units, by onset (earliest at the top), then up to 16 units that survived, for
     * contrast; columns are bins of {@code bin} iterations; the colour is the mean closed fraction in the bin.
     */
    static void plotHeatMap(Result r, int from, int to, int bin, Path file) throws IOException {
        List<Integer> rows = new ArrayList<>();
        r.dying().forEach(d -> rows.add(d.unit()));
        int[] dyingUnits = r.dying().stream().mapToInt(Dying::unit).toArray();
        IntStream.range(0, r.units()).filter(u -> Arrays.stream(dyingUnits).noneMatch(d -> d == u)).limit(16)
                .forEach(rows::add);
        int bins = (to - from + bin - 1) / bin;
        List<String> x = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            x.add(b % Math.max(1, bins / 10) == 0 ? Integer.toString(from + b * bin) : " ".repeat(1 + b % 7));
        }
        List<String> y = new ArrayList<>();
        for (int k = 0; k < rows.size(); k++) {
            boolean survivor = k >= dyingUnits.length;
            y.add((survivor ? "alive " : "") + rows.get(k));
        }
        List<Number[]> cells = new ArrayList<>();
        for (int b = 0; b < bins; b++) {
            for (int k = 0; k < rows.size(); k++) {
                int u = rows.get(k);
                double sum = 0;
                int n = 0;
                for (int i = from + b * bin; i < Math.min(to, from + (b + 1) * bin); i++) {
                    sum += r.fractions()[i][u];
                    n++;
                }
                // XChart draws row 0 at the bottom; reverse so the earliest death is at the top.
                cells.add(new Number[] {b, rows.size() - 1 - k, sum / n});
            }
        }
        java.util.Collections.reverse(y);
        int height = Math.max(420, Math.min(1400, 120 + 9 * rows.size()));
        HeatMapChart chart = new HeatMapChartBuilder().width(1100).height(height)
                .title(r.layer() + ": closed fraction per unit (rows: dying units by death onset, then survivors), "
                        + "iterations " + from + " to " + (to - 1) + (bin > 1 ? " (" + bin + " per column)" : ""))
                .xAxisTitle("iteration").yAxisTitle("unit").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setMin(0.0);
        chart.getStyler().setMax(1.0);
        chart.getStyler().setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x6baed6), new Color(0x08306b),
                Color.BLACK});
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setAxisTickLabelsFont(chart.getStyler().getAxisTickLabelsFont().deriveFont(9f));
        chart.getStyler().setPlotContentSize(1.0);
        chart.addSeries("closed fraction", x, y, cells);
        Charts.png(chart, file);
    }

    /**
     * Two panels: the closed fraction per mini-batch (moving mean over {@code window}, 1 = raw) of the six staged units
     * with the longest stages, y from 0.5 so that "open on one example of 64" (0.984) stands apart from dead (1);
     * dead units of the layer over iterations.
     */
    static void plotLines(Result r, Path file) throws IOException {
        XYChart units = Charts.line(r.layer() + ": closed fraction, 6 longest-staged units"
                + (r.window() > 1 ? " (moving mean over " + r.window() + ")" : ""), "iteration", "closed fraction",
                560, 380);
        units.getStyler().setYAxisMin(0.5);
        units.getStyler().setYAxisMax(1.0);
        units.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        double[] it = IntStream.range(0, r.iterations()).asDoubleStream().toArray();
        Color[] colors = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e),
                new Color(0x9467bd), new Color(0x8c564b)};
        List<Dying> examples = r.staged().stream().sorted(Comparator.comparingInt(Dying::stageLength).reversed())
                .limit(colors.length).toList();
        int k = 0;
        for (Dying d : examples) {
            line(units, "unit " + d.unit() + " (onset " + d.onset() + ")", it,
                    DeathInStagesStudy.smoothed(r.fractions(), d.unit(), r.window()), colors[k++]);
        }
        if (examples.isEmpty()) {
            line(units, "no staged unit", new double[] {0}, new double[] {0}, Color.GRAY);
        }
        XYChart dead = Charts.line(r.layer() + ": dead units (listener)", "iteration", "dead units", 560, 380);
        dead.getStyler().setYAxisMin(0.0);
        dead.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        line(dead, "dead units", it, Arrays.stream(r.deadCurve()).asDoubleStream().toArray(), Color.BLACK);
        StudyCharts.iterationAxis(units, r.iterations() - 1);
        StudyCharts.iterationAxis(dead, r.iterations() - 1);
        Charts.png(List.of(units, dead), 1, 2, file);
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color color) {
        StudyCharts.line(chart, name, x, y, color, new BasicStroke(1.5f));
    }
}
