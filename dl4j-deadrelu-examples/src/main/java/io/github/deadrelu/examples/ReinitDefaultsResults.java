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

import io.github.deadrelu.examples.ReinitDefaultsRunner.Config;
import io.github.deadrelu.examples.ReinitDefaultsRunner.Run;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The outputs of {@link ReinitDefaultsStudy}: one CSV row per run, one per cell (model, optimizer, rate, policy) with
 * the mean accuracy and its 95% t-interval over the seeds that did not diverge, the divergence count, the dead units
 * and the time cost; and the table. A diverged run never enters an accuracy or a dead-unit mean: it is counted.
 */
final class ReinitDefaultsResults {

    /** The header of {@code reinit-defaults.csv} (one row per run), fixed. */
    static final String RUNS_HEADER = "part,model,optimizer,rate_level,lr,policy,every,maturity,max_fraction,outgoing,"
            + "seed,diverged,diverged_at,iterations,accuracy,first_layer,first_layer_dead,first_layer_units,all_dead,"
            + "all_units,reinitialized,first_layer_reinitialized,train_seconds,pretrained_accuracy,"
            + "pretrained_first_layer_dead,pretrained_all_dead,selection";

    /** The header of {@code reinit-defaults-cells.csv} (one row per cell), fixed. */
    static final String CELLS_HEADER = "part,model,optimizer,rate_level,lr,policy,runs,diverged,accuracy_mean,"
            + "accuracy_ci95_low,accuracy_ci95_high,first_layer_dead_mean,first_layer_units,all_dead_mean,all_units,"
            + "reinitialized_mean,train_seconds_mean,time_ratio_vs_none";

    /** Two-sided 95% quantiles of Student's t for 1 to 30 degrees of freedom; 1.96 beyond (normal). */
    private static final double[] T975 = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060,
        2.056, 2.052, 2.048, 2.045, 2.042};

    private ReinitDefaultsResults() {
    }

    /**
     * The runs of one cell, summarised.
     *
     * @param runs           the runs (one per seed)
     * @param diverged       how many diverged
     * @param accuracyMean   mean accuracy of the others, NaN when all diverged
     * @param ci95           half-width of the 95% t-interval, NaN with fewer than two finite runs
     * @param firstDeadMean  mean first-layer dead units of the finite runs, NaN when all diverged
     * @param allDeadMean    mean dead units of all layers, NaN when all diverged
     * @param reinitMean     mean units re-initialised (all runs)
     * @param secondsMean    mean training wall time (all runs)
     * @param timeRatio      {@code secondsMean} over that of the cell without re-initialisation, NaN when absent
     */
    record Cell(List<Run> runs, int diverged, double accuracyMean, double ci95, double firstDeadMean,
            double allDeadMean, double reinitMean, double secondsMean, double timeRatio) {

        Config config() {
            return runs.get(0).config();
        }

        Run first() {
            return runs.get(0);
        }
    }

    /**
     * The 97.5% quantile of Student's t.
     *
     * @param df degrees of freedom, at least 1
     * @return the quantile (1.96 above 30 degrees of freedom)
     */
    static double t975(int df) {
        if (df < 1) {
            throw new IllegalArgumentException("df must be >= 1, got: " + df);
        }
        return df <= T975.length ? T975[df - 1] : 1.96;
    }

    /**
     * Groups runs into cells (in order of first appearance) and summarises each; the time ratio compares a cell with
     * the cell of the same part, model, optimizer and rate without re-initialisation.
     *
     * @param runs the runs
     * @return the cells
     */
    static List<Cell> cells(List<Run> runs) {
        Map<String, List<Run>> groups = new LinkedHashMap<>();
        for (Run r : runs) {
            groups.computeIfAbsent(key(r.config()) + "|" + r.config().policy().label(), k -> new ArrayList<>()).add(r);
        }
        Map<String, Double> noneSeconds = new LinkedHashMap<>();
        for (List<Run> g : groups.values()) {
            if (g.get(0).config().policy().none()) {
                noneSeconds.put(key(g.get(0).config()), g.stream().mapToDouble(Run::seconds).average().orElseThrow());
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (List<Run> g : groups.values()) {
            double[] acc = g.stream().filter(r -> !r.diverged()).mapToDouble(Run::accuracy).toArray();
            double mean = acc.length == 0 ? Double.NaN : java.util.Arrays.stream(acc).average().orElseThrow();
            double ci = Double.NaN;
            if (acc.length >= 2) {
                double ss = 0;
                for (double a : acc) {
                    ss += (a - mean) * (a - mean);
                }
                ci = t975(acc.length - 1) * Math.sqrt(ss / (acc.length - 1)) / Math.sqrt(acc.length);
            }
            double firstDead = g.stream().filter(r -> !r.diverged()).mapToInt(Run::firstDead).average()
                    .orElse(Double.NaN);
            double allDead = g.stream().filter(r -> !r.diverged()).mapToInt(Run::allDead).average()
                    .orElse(Double.NaN);
            double seconds = g.stream().mapToDouble(Run::seconds).average().orElseThrow();
            Double none = noneSeconds.get(key(g.get(0).config()));
            cells.add(new Cell(g, g.size() - acc.length, mean, ci, firstDead, allDead,
                    g.stream().mapToLong(Run::reinitialized).average().orElseThrow(), seconds,
                    none == null ? Double.NaN : seconds / none));
        }
        return cells;
    }

    private static String key(Config c) {
        return (c.transfer() ? "transfer" : "grid") + "|" + c.arch() + "|" + c.optimizer() + "|" + c.lr();
    }

    static String part(Config c) {
        return c.transfer() ? "transfer" : "grid";
    }

    static String model(Config c) {
        return c.transfer() ? "mlp-pretrained" : c.arch().csvName();
    }

    /**
     * Writes one row per run; a diverged run has empty accuracy and dead-unit fields.
     *
     * @param runs the runs
     * @param file the file
     * @throws IOException if it cannot be written
     */
    static void writeRuns(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, RUNS_HEADER.split(","))) {
            for (Run r : runs) {
                csv.row(row(r));
            }
        }
    }

    /**
     * The fields of one run's row of {@code reinit-defaults.csv}.
     *
     * @param r the run
     * @return the fields, in the order of {@link #RUNS_HEADER}
     */
    static Object[] row(Run r) {
        Config c = r.config();
        boolean d = r.diverged();
        return new Object[] {part(c), model(c), c.optimizer().csvName(), c.level().csvName(), c.lr(), c.policy().label(),
            c.policy().none() ? "" : c.policy().every(), c.policy().none() ? "" : c.policy().maturity(),
            c.policy().none() ? "" : c.policy().maxFraction(),
            c.policy().none() ? "" : c.policy().outgoing().name().toLowerCase(Locale.ROOT), c.seed(), d,
            r.divergedAt() >= 0 ? r.divergedAt() : "", r.iterations(), d ? "" : round(r.accuracy()),
            r.firstLayer(), d ? "" : r.firstDead(), r.firstUnits(), d ? "" : r.allDead(), r.allUnits(),
            r.reinitialized(), r.firstReinit(), round(r.seconds()),
            c.transfer() && !Double.isNaN(r.preAccuracy()) ? round(r.preAccuracy()) : "",
            c.transfer() && r.preFirstDead() >= 0 ? r.preFirstDead() : "",
            c.transfer() && r.preAllDead() >= 0 ? r.preAllDead() : "", c.policy().selectName()};
    }

    /**
     * Writes one row per cell.
     *
     * @param cells the cells
     * @param file  the file
     * @throws IOException if it cannot be written
     */
    static void writeCells(List<Cell> cells, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CELLS_HEADER.split(","))) {
            for (Cell k : cells) {
                Config c = k.config();
                csv.row(part(c), model(c), c.optimizer().csvName(), c.level().csvName(), c.lr(), c.policy().label(),
                        k.runs().size(), k.diverged(), opt(k.accuracyMean()), opt(k.accuracyMean() - k.ci95()),
                        opt(k.accuracyMean() + k.ci95()), opt(k.firstDeadMean()), k.first().firstUnits(),
                        opt(k.allDeadMean()), k.first().allUnits(), round(k.reinitMean()), round(k.secondsMean()),
                        opt(k.timeRatio()));
            }
        }
    }

    /**
     * The console and Markdown table: one row per cell.
     *
     * @param cells the cells
     * @return the table
     */
    static Table table(List<Cell> cells) {
        Table t = new Table("model", "optimizer", "rate", "policy", "accuracy (95% CI)", "diverged",
                "first layer dead", "all dead", "re-inits", "train s", "time x");
        for (Cell k : cells) {
            Config c = k.config();
            t.row(model(c), c.optimizer().label, c.level().csvName() + " " + c.lr(), c.policy().label(),
                    accuracy(k), k.diverged() + "/" + k.runs().size(),
                    k.runs().size() == k.diverged() ? "-" : String.format(Locale.ROOT, "%.1f of %d",
                            k.firstDeadMean(), k.first().firstUnits()),
                    k.runs().size() == k.diverged() ? "-" : String.format(Locale.ROOT, "%.1f of %d",
                            k.allDeadMean(), k.first().allUnits()),
                    String.format(Locale.ROOT, "%.0f", k.reinitMean()),
                    String.format(Locale.ROOT, "%.2f", k.secondsMean()),
                    Double.isNaN(k.timeRatio()) ? "-" : String.format(Locale.ROOT, "%.2f", k.timeRatio()));
        }
        return t;
    }

    /**
     * The accuracy of a cell: {@code mean ± half-width} over its finite runs, {@code mean (n=1)} for one finite run,
     * {@code diverged} when none is finite.
     *
     * @param k the cell
     * @return the text
     */
    static String accuracy(Cell k) {
        if (Double.isNaN(k.accuracyMean())) {
            return "diverged";
        }
        if (Double.isNaN(k.ci95())) {
            return String.format(Locale.ROOT, "%.3f (n=1)", k.accuracyMean());
        }
        return String.format(Locale.ROOT, "%.3f ± %.3f", k.accuracyMean(), k.ci95());
    }

    private static Object opt(double v) {
        return Double.isNaN(v) ? "" : round(v);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
