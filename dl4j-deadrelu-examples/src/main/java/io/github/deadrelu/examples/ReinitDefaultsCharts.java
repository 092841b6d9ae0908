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

import io.github.deadrelu.examples.LearningRateRunner.Optimizer;
import io.github.deadrelu.examples.ReinitDefaultsModels.Arch;
import io.github.deadrelu.examples.ReinitDefaultsResults.Cell;
import io.github.deadrelu.examples.support.Charts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The chart of {@link ReinitDefaultsStudy}: {@code reinit-defaults.png}. */
final class ReinitDefaultsCharts {

    private static final Color[] COLORS = {Color.BLACK, new Color(0xd62728), new Color(0x1f77b4),
        new Color(0x2ca02c), new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private ReinitDefaultsCharts() {
    }

    /**
     * One PNG: a row per model, with Sgd and Adam accuracy (mean and 95% interval, diverged runs left out) and
     * first-layer dead fraction against the learning rate, one series per policy; then a row for the transfer case
     * (accuracy and first-layer dead fraction against the fine-tuning rate).
     *
     * @param cells the cells
     * @param file  the PNG
     * @throws IOException if it cannot be written
     */
    static void plot(List<Cell> cells, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        List<Cell> grid = cells.stream().filter(c -> !c.config().transfer()).toList();
        List<Cell> transfer = cells.stream().filter(c -> c.config().transfer()).toList();
        List<String> policies = cells.stream().map(c -> c.config().policy().label()).distinct().toList();
        int columns = 4;
        for (Arch a : Arch.values()) {
            for (int kind = 0; kind < 2; kind++) {
                for (Optimizer o : Optimizer.values()) {
                    List<Cell> group = grid.stream().filter(c -> c.config().arch() == a
                            && c.config().optimizer() == o).toList();
                    if (group.isEmpty()) {
                        continue;
                    }
                    charts.add(kind == 0 ? chart(a.label + ", " + o.label + ": accuracy (95% CI)", "accuracy", group,
                            policies, Cell::accuracyMean, true)
                            : chart(a.label + ", " + o.label + ": first layer dead fraction", "dead fraction", group,
                            policies, c -> c.firstDeadMean() / c.first().firstUnits(), false));
                }
            }
        }
        if (!transfer.isEmpty()) {
            charts.add(chart("Pre-trained MLP fine-tuned (Sgd): accuracy (95% CI)", "accuracy", transfer, policies,
                    Cell::accuracyMean, true));
            charts.add(chart("Pre-trained MLP fine-tuned: first layer dead fraction", "dead fraction", transfer,
                    policies, c -> c.firstDeadMean() / c.first().firstUnits(), false));
            charts.add(chart("Pre-trained MLP fine-tuned: all layers dead fraction", "dead fraction", transfer,
                    policies, c -> c.allDeadMean() / c.first().allUnits(), false));
        }
        int rows = (charts.size() + columns - 1) / columns;
        Charts.png(charts, rows, Math.min(columns, charts.size()), file);
    }

    private static XYChart chart(String title, String yTitle, List<Cell> group, List<String> policies,
            ToDoubleFunction<Cell> y, boolean errorBars) {
        XYChart chart = Charts.line(title, "learning rate (log)", yTitle, 520, 360);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setLegendPosition(errorBars ? Styler.LegendPosition.InsideSW
                : Styler.LegendPosition.InsideNW);
        for (int p = 0; p < policies.size(); p++) {
            String policy = policies.get(p);
            List<Cell> cs = group.stream().filter(c -> c.config().policy().label().equals(policy)
                    && !Double.isNaN(y.applyAsDouble(c))).toList();
            if (cs.isEmpty()) {
                continue;
            }
            double[] xs = cs.stream().mapToDouble(c -> c.config().lr()).toArray();
            double[] ys = cs.stream().mapToDouble(y).toArray();
            XYSeries s = errorBars
                    ? chart.addSeries(policy, xs, ys, cs.stream().mapToDouble(c -> Double.isNaN(c.ci95()) ? 0
                    : c.ci95()).toArray())
                    : chart.addSeries(policy, xs, ys);
            Color color = COLORS[p % COLORS.length];
            s.setLineColor(color);
            s.setMarkerColor(color);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(p == 0 ? 2.5f : 1.5f));
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("all diverged", new double[] {group.get(0).config().lr()}, new double[] {0});
        }
        return chart;
    }
}
