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

import io.github.deadrelu.examples.PrematureDeadCallsRunner.Calls;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.Criterion;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.ReinitResult;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.StudyCharts;
import io.github.deadrelu.examples.support.Table;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/** The CSV, the table and the chart of {@link PrematureDeadCallsStudy}. */
final class PrematureDeadCallsResults {

    /** The header of {@code premature-dead-calls.csv}, fixed. */
    static final String CSV_HEADER = "seed,criterion,streak,calibrated_max,calls,units_called,premature_calls,"
            + "false_call_rate,open_on_held_out,reopened_product,reopened_tracked,premature_reopened,"
            + "true_dead_reopened,premature_still_dead_last_epoch,premature_missed,weights_changed_while_dead,"
            + "reinit_redrawn,reinit_redrawn_product,reinit_unneeded,reinit_unneeded_share,reinit_accuracy,"
            + "monitor_accuracy";

    private PrematureDeadCallsResults() {
    }

    /**
     * One seed and criterion.
     *
     * @param seed            the seed
     * @param criterion       the criterion
     * @param calls           the monitor-only run's calls
     * @param reinit          the re-initialising run
     * @param monitorAccuracy the monitor-only run's held-out accuracy
     */
    record Row(long seed, Criterion criterion, Calls calls, ReinitResult reinit, double monitorAccuracy) {
    }

    /** Sums over seeds of one criterion. */
    record Totals(long calls, long premature, long reopenedProduct, long heldOut, long redrawn, long unneeded,
            double reinitAccuracy, double monitorAccuracy, int seeds) {

        static Totals of(List<Row> rows, Criterion c) {
            List<Row> of = rows.stream().filter(r -> r.criterion().equals(c)).toList();
            return new Totals(sum(of, r -> r.calls().calls()), sum(of, r -> r.calls().premature()),
                    sum(of, r -> r.calls().reopenedProduct()), sum(of, r -> r.calls().openOnHeldOut()),
                    sum(of, r -> r.reinit().redrawn()), sum(of, r -> r.reinit().unneeded()),
                    mean(of, r -> r.reinit().accuracy()), mean(of, Row::monitorAccuracy), of.size());
        }

        private static long sum(List<Row> rows, ToLongFunction<Row> value) {
            return rows.stream().mapToLong(value).sum();
        }

        /** The mean, summed in order as a loop would (NaN for no rows). */
        private static double mean(List<Row> rows, ToDoubleFunction<Row> value) {
            return rows.stream().mapToDouble(value).reduce(0, Double::sum) / rows.size();
        }

        double falseCallRate() {
            return calls == 0 ? Double.NaN : (double) premature / calls;
        }

        double unneededShare() {
            return redrawn == 0 ? Double.NaN : (double) unneeded / redrawn;
        }
    }

    static void writeCsv(List<Row> rows, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Row r : rows) {
                Calls c = r.calls();
                ReinitResult ri = r.reinit();
                csv.row(r.seed(), r.criterion().label(), r.criterion().streak(), r.criterion().calibratedMax(),
                        c.calls(), c.unitsCalled(), c.premature(), num(c.falseCallRate()), c.openOnHeldOut(),
                        c.reopenedProduct(), c.reopenedTracked(), c.prematureReopened(), c.trueDeadReopened(),
                        c.prematureLate(), c.prematureMissed(), c.weightsChanged(), ri.redrawn(), ri.redrawnProduct(),
                        ri.unneeded(), num(ri.unneededShare()), num(ri.accuracy()), num(r.monitorAccuracy()));
            }
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static Table table(List<Row> rows, List<Criterion> criteria) {
        Table t = new Table("criterion", "dead calls", "premature (open on a training digit)", "false-call rate",
                "reopened (product)", "open on a held-out digit", "re-drawn (reinit run)", "re-drawn, not needed",
                "share not needed", "accuracy (reinit run)");
        for (Criterion c : criteria) {
            Totals s = Totals.of(rows, c);
            t.row(c.label(), s.calls(), s.premature(), pct(s.falseCallRate()), s.reopenedProduct(), s.heldOut(),
                    s.redrawn(), s.unneeded(), pct(s.unneededShare()), pct(s.reinitAccuracy()));
        }
        return t;
    }

    /** Two panels over the fixed streak (log axis), the calibrated threshold as a dashed level. */
    static void plot(List<Row> rows, List<Criterion> criteria, Path file) throws IOException {
        XYChart rate = Charts.line("False-call rate, first layer (sum over seeds)", "fixed deadAfterExamples",
                "premature calls / calls (%)", 560, 380);
        XYChart cost = Charts.line("Re-initialisations not needed (sum over seeds)", "fixed deadAfterExamples",
                "re-drawn units", 560, 380);
        List<Criterion> fixed = criteria.stream().filter(c -> !c.isCalibrated()).toList();
        if (fixed.isEmpty()) {
            throw new IllegalArgumentException("criteria must include a fixed streak, got: " + criteria);
        }
        double[] x = fixed.stream().mapToDouble(Criterion::streak).toArray();
        double[] r = fixed.stream().mapToDouble(c -> 100 * zero(Totals.of(rows, c).falseCallRate())).toArray();
        double[] redrawn = fixed.stream().mapToDouble(c -> Totals.of(rows, c).redrawn()).toArray();
        double[] unneeded = fixed.stream().mapToDouble(c -> Totals.of(rows, c).unneeded()).toArray();
        BasicStroke solid = new BasicStroke(2f);
        BasicStroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {6f, 4f}, 0f);
        Color red = new Color(0xd62728);
        Color blue = new Color(0x1f77b4);
        Color grey = new Color(0x7f7f7f);
        StudyCharts.line(rate, "fixed streak", x, r, red, solid);
        StudyCharts.line(cost, "re-drawn, not needed (fixed)", x, unneeded, red, solid);
        StudyCharts.line(cost, "re-drawn, all (fixed)", x, redrawn, grey, solid);
        double[] ends = {x[0], x[x.length - 1]};
        for (Criterion c : criteria) {
            if (c.isCalibrated()) {
                Totals s = Totals.of(rows, c);
                double v = 100 * zero(s.falseCallRate());
                StudyCharts.line(rate, c.label(), ends, new double[] {v, v}, blue, dashed);
                StudyCharts.line(cost, c.label() + ", not needed", ends, new double[] {s.unneeded(), s.unneeded()},
                        blue, dashed);
            }
        }
        for (XYChart chart : List.of(rate, cost)) {
            chart.getStyler().setXAxisLogarithmic(true);
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        }
        Charts.png(List.of(rate, cost), 1, 2, file);
    }

    private static double zero(double v) {
        return Double.isNaN(v) ? 0 : v;
    }
}
