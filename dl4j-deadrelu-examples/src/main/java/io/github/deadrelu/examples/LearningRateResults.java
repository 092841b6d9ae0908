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

import io.github.deadrelu.examples.LearningRateRunner.Config;
import io.github.deadrelu.examples.LearningRateRunner.LayerResult;
import io.github.deadrelu.examples.LearningRateRunner.Run;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The CSV files and the result table of {@link LearningRateStudy}: {@code learning-rate.csv} (one row per run and
 * layer, header {@value #CSV_HEADER}), {@code learning-rate-curves.csv} (header {@value #CURVES_HEADER}) and the
 * console/Markdown table.
 */
final class LearningRateResults {

    /** The header of {@code learning-rate.csv}, fixed. */
    static final String CSV_HEADER = "optimizer,lr,variant,seed,layer,units,dead_units,dead_fraction,"
            + "eval_closed_share,eval_negative_share,train_closed_share_last_epoch,reinitialized,accuracy,diverged";

    /** The header of {@code learning-rate-curves.csv}, fixed. */
    static final String CURVES_HEADER = "optimizer,lr,variant,seed,layer,iteration_from,iteration_to,"
            + "closed_share,negative_share,dead_units_listener";


    private LearningRateResults() {
    }

    static void writeCsv(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Run r : runs) {
                Config c = r.config();
                for (LayerResult l : r.layers()) {
                    // A diverged network has no accuracy and no meaningful dead units on the evaluation split:
                    // those fields stay empty. The listener's training closed share (up to divergence) is kept.
                    boolean d = r.diverged();
                    csv.row(c.optimizer().csvName(), c.lr(), c.variant().csvName(), c.seed(), l.name(), l.units(),
                            d ? "" : l.deadUnits(), d ? "" : round(l.deadFraction()),
                            d ? "" : round(l.evalClosedShare()), d ? "" : round(l.evalNegativeShare()),
                            round(l.trainClosedShare()), l.reinitialized(), d ? "" : round(r.accuracy()), d);
                }
            }
        }
    }

    static void writeCurves(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CURVES_HEADER.split(","))) {
            for (Run r : runs) {
                Config c = r.config();
                for (LayerResult l : r.layers()) {
                    for (int k = 0; k < l.curve().length; k++) {
                        csv.row(c.optimizer().csvName(), c.lr(), c.variant().csvName(), c.seed(), l.name(), k * r.bin(),
                                (k + 1) * r.bin() - 1, round(l.curve()[k]), round(l.negativeCurve()[k]),
                                l.deadCurve()[k]);
                    }
                }
            }
        }
    }

    /** The console and Markdown table: one row per (optimizer, rate, variant), per-seed values listed. */
    static Table table(List<Run> runs) {
        List<String> names = runs.get(0).layers().stream().map(LayerResult::name).toList();
        List<String> header = new ArrayList<>(List.of("optimizer", "lr", "variant"));
        for (String n : names) {
            header.add(n + " dead (per seed)");
        }
        header.add(names.get(0) + " closed, last epoch");
        header.add("re-inits");
        header.add("accuracy (per seed)");
        header.add("accuracy mean");
        Table t = new Table(header.toArray(String[]::new));
        for (List<Run> group : groups(runs)) {
            Config c = group.get(0).config();
            List<Object> row = new ArrayList<>(List.of(c.optimizer().label, fmtRate(c.lr()), c.variant().label));
            for (int l = 0; l < names.size(); l++) {
                int li = l;
                row.add(group.stream().map(r -> r.diverged() ? "-" : Integer.toString(r.layers().get(li).deadUnits()))
                        .collect(Collectors.joining(" ")) + " of " + group.get(0).layers().get(l).units());
            }
            double closed = group.stream().filter(r -> !r.diverged()).mapToDouble(r -> r.layers().get(0)
                    .trainClosedShare()).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
            row.add(Double.isNaN(closed) ? "-" : String.format(Locale.ROOT, "%.3f", closed));
            row.add(group.stream().map(r -> Long.toString(r.layers().stream().mapToLong(LayerResult::reinitialized)
                    .sum())).collect(Collectors.joining(" ")));
            row.add(group.stream().map(r -> Mlp.formatAccuracy(r.accuracy())).collect(Collectors.joining(" ")));
            row.add(meanAccuracy(group));
            t.row(row.toArray());
        }
        return t;
    }

    private static String meanAccuracy(List<Run> group) {
        long diverged = group.stream().filter(Run::diverged).count();
        if (diverged == group.size()) {
            return "diverged";
        }
        double mean = group.stream().filter(r -> !r.diverged()).mapToDouble(Run::accuracy).average().orElseThrow();
        return String.format(Locale.ROOT, "%.3f", mean) + (diverged > 0 ? " (" + diverged + " diverged)" : "");
    }

    /** Runs grouped by (optimizer, rate, variant), in run order. */
    static List<List<Run>> groups(List<Run> runs) {
        List<List<Run>> groups = new ArrayList<>();
        for (Run r : runs) {
            Config c = r.config();
            List<Run> last = groups.isEmpty() ? null : groups.get(groups.size() - 1);
            if (last != null && sameCell(last.get(0).config(), c)) {
                last.add(r);
            } else {
                List<Run> g = new ArrayList<>();
                g.add(r);
                groups.add(g);
            }
        }
        return groups;
    }

    private static boolean sameCell(Config a, Config b) {
        return a.optimizer() == b.optimizer() && a.lr() == b.lr() && a.variant() == b.variant();
    }

    static String fmtRate(double lr) {
        return String.format(Locale.ROOT, "%s", lr);
    }

    /** Rounds to 6 decimals; NaN (nothing to average) becomes an empty CSV field. */
    private static Object round(double v) {
        return Double.isNaN(v) ? "" : Math.round(v * 1e6) / 1e6;
    }
}
