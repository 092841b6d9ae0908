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

import static io.github.deadrelu.examples.LearningRateResults.fmtRate;
import static io.github.deadrelu.examples.LearningRateResults.groups;

import io.github.deadrelu.examples.LearningRateRunner.Optimizer;
import io.github.deadrelu.examples.LearningRateRunner.Run;
import io.github.deadrelu.examples.LearningRateRunner.Variant;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.StudyCharts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The chart of {@link LearningRateStudy}: {@code learning-rate.png}. */
final class LearningRateCharts {

    /** Per-variant markers and strokes, so overlapping curves stay visible. */
    private static final org.knowm.xchart.style.markers.Marker[] MARKERS = {SeriesMarkers.CIRCLE,
        SeriesMarkers.DIAMOND, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_UP};
    private static final BasicStroke[] STROKES = {new BasicStroke(2.5f), new BasicStroke(2.5f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {8f, 5f}, 0f),
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {2f, 4f}, 0f)};


    private LearningRateCharts() {
    }

    /**
     * One PNG, 3 rows x 2 columns (Sgd left, Adam right): first-layer dead fraction against the rate, accuracy against
     * the rate (seed means; diverged runs left out), and the ReLU first-layer closed share over training per rate.
     */
    static void plot(List<Run> runs, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        List<Optimizer> opts = Arrays.stream(Optimizer.values())
                .filter(o -> runs.stream().anyMatch(r -> r.config().optimizer() == o)).toList();
        Color[] colors = {new Color(0xd62728), new Color(0x2ca02c), new Color(0x1f77b4), new Color(0xff7f0e),
                new Color(0x9467bd), new Color(0x8c564b)};
        String first = runs.get(0).layers().get(0).name();
        for (int row = 0; row < 3; row++) {
            for (Optimizer o : opts) {
                List<List<Run>> groups = groups(runs).stream().filter(g -> g.get(0).config().optimizer() == o)
                        .toList();
                XYChart chart;
                if (row < 2) {
                    chart = Charts.line(o.label + (row == 0 ? ": " + first + " dead fraction (eval; diverged left out)"
                                    : ": accuracy (eval split; diverged runs left out)"), "learning rate (log)",
                            row == 0 ? "dead fraction" : "accuracy", 560, 380);
                    chart.getStyler().setXAxisLogarithmic(true);
                    chart.getStyler().setYAxisMin(0.0);
                    chart.getStyler().setYAxisMax(1.0);
                    chart.getStyler().setLegendPosition(row == 0 ? Styler.LegendPosition.InsideNW
                            : Styler.LegendPosition.InsideSW);
                    for (Variant v : Variant.values()) {
                        List<double[]> points = new ArrayList<>();
                        for (List<Run> g : groups) {
                            if (g.get(0).config().variant() != v) {
                                continue;
                            }
                            double y = row == 0
                                    ? g.stream().filter(r -> !r.diverged())
                                    .mapToDouble(r -> r.layers().get(0).deadFraction()).average().orElse(Double.NaN)
                                    : g.stream().filter(r -> !r.diverged()).mapToDouble(Run::accuracy).average()
                                    .orElse(Double.NaN);
                            if (!Double.isNaN(y)) {
                                points.add(new double[] {g.get(0).config().lr(), y});
                            }
                        }
                        if (!points.isEmpty()) {
                            XYSeries xs = series(chart, v.label, points, colors[v.ordinal()], MARKERS[v.ordinal()]);
                            xs.setLineStyle(STROKES[v.ordinal()]);
                        }
                    }
                } else {
                    chart = Charts.line(o.label + ": ReLU " + first + " closed share per mini-batch", "iteration "
                            + "(start of each bin of " + runs.get(0).bin() + ")", "closed share (mean over seeds)", 560,
                            380);
                    chart.getStyler().setYAxisMin(0.0);
                    chart.getStyler().setYAxisMax(1.0);
                    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
                    int k = 0;
                    for (List<Run> g : groups) {
                        if (g.get(0).config().variant() != Variant.RELU) {
                            continue;
                        }
                        int bins = g.stream().mapToInt(r -> r.layers().get(0).curve().length).max().orElse(0);
                        List<double[]> points = new ArrayList<>();
                        for (int b = 0; b < bins; b++) {
                            int bb = b;
                            double y = g.stream().map(r -> r.layers().get(0).curve())
                                    .filter(c -> c.length > bb).mapToDouble(c -> c[bb]).filter(d -> !Double.isNaN(d))
                                    .average().orElse(Double.NaN);
                            if (!Double.isNaN(y)) {
                                points.add(new double[] {(double) b * g.get(0).bin(), y});
                            }
                        }
                        if (!points.isEmpty()) {
                            series(chart, "lr " + fmtRate(g.get(0).config().lr()), points,
                                    colors[k++ % colors.length], SeriesMarkers.NONE);
                        }
                    }
                    StudyCharts.iterationAxis(chart, groups.stream().mapToDouble(g -> g.get(0).bin()
                            * g.stream().mapToInt(r -> r.layers().get(0).curve().length).max().orElse(0)).max()
                            .orElse(0));
                    if (chart.getSeriesMap().isEmpty()) {
                        series(chart, "no ReLU run", List.of(new double[] {0, 0}), Color.GRAY, SeriesMarkers.NONE);
                    }
                }
                charts.add(chart);
            }
        }
        Charts.png(charts, 3, opts.size(), file);
    }

    private static XYSeries series(XYChart chart, String name, List<double[]> points, Color color,
            org.knowm.xchart.style.markers.Marker marker) {
        XYSeries s = chart.addSeries(name, points.stream().mapToDouble(p -> p[0]).toArray(),
                points.stream().mapToDouble(p -> p[1]).toArray());
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(marker);
        s.setLineStyle(new BasicStroke(2f));
        return s;
    }
}
