/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import io.github.deadrelu.examples.plasticity.PlasticityRunner.Bin;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Problem;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Run;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Variant;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.StudyCharts;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/** The chart of {@link LossOfPlasticityStudy}: {@code loss-of-plasticity.png}. */
final class PlasticityCharts {

    private static final Color[] COLORS = {new Color(0xbcbd22), new Color(0xd62728), new Color(0x1f77b4),
        new Color(0x2ca02c), new Color(0x9467bd), new Color(0xff7f0e)};
    private static final BasicStroke SOLID = new BasicStroke(2f);

    private PlasticityCharts() {
    }

    /**
     * One PNG: a row per problem, four columns: the metric (squared error or accuracy), the dead share, the dormant
     * share and the low-utility share over training, one line per variant.
     */
    static void plot(List<Run> runs, Path file) throws IOException {
        List<XYChart> charts = new ArrayList<>();
        int rows = 0;
        for (Problem p : Problem.values()) {
            List<Run> rs = runs.stream().filter(r -> r.problem() == p).toList();
            if (rs.isEmpty()) {
                continue;
            }
            rows++;
            charts.add(chart(p, rs, p == Problem.REGRESSION ? "squared error (bin mean, before each update)"
                    : "online accuracy per task", p.metric, Bin::metric, false));
            charts.add(chart(p, rs, "dead share (hidden units)", "share", Bin::deadShare, true));
            charts.add(chart(p, rs, "dormant share (s_j <= " + PlasticityRunner.DORMANT_TAU + ")", "share",
                    Bin::dormantShare, true));
            charts.add(chart(p, rs, "low-utility share (utility score <= " + PlasticityRunner.UTILITY_TAU + ")",
                    "share", Bin::lowUtilShare, true));
        }
        Charts.png(charts, rows, 4, file);
    }

    private static XYChart chart(Problem p, List<Run> rs, String what, String yTitle, ToDoubleFunction<Bin> y,
                                 boolean share) {
        boolean mnist = p == Problem.MNIST;
        XYChart c = Charts.line(p.label + ": " + what, mnist ? "task" : "examples (thousands)", yTitle, 520, 380);
        c.getStyler().setLegendPosition(share ? Styler.LegendPosition.InsideNW
                : mnist ? Styler.LegendPosition.InsideSW : Styler.LegendPosition.InsideNW);
        if (share) {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(1.0);
        }
        double maxX = 0;
        for (Run r : rs) {
            if (share && r.variant() == Variant.LINEAR) {
                continue;
            }
            List<Bin> bins = r.bins();
            double[] xs = new double[bins.size()];
            double[] ys = new double[bins.size()];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = mnist ? i + 1 : bins.get(i).examples() / 1000.0;
                ys[i] = y.applyAsDouble(bins.get(i));
            }
            maxX = Math.max(maxX, xs[xs.length - 1]);
            StudyCharts.line(c, r.variant().label, xs, ys, COLORS[r.variant().ordinal() % COLORS.length], SOLID);
        }
        StudyCharts.iterationAxis(c, maxX);
        return c;
    }
}
