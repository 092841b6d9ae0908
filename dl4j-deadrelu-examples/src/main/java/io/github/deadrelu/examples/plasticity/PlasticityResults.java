/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import io.github.deadrelu.examples.plasticity.PlasticityRunner.Bin;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Problem;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Run;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Table;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** The CSV file and the table of {@link LossOfPlasticityStudy}. */
final class PlasticityResults {

    /** The CSV header: one row per run and bin. */
    static final String[] HEADER = {"problem", "variant", "examples", "bin", "metric", "value", "dead_share",
        "dormant_share", "low_utility_share", "reinitialized"};

    private PlasticityResults() {
    }

    /** Writes {@code loss-of-plasticity.csv}: one row per run and bin (shares empty for the linear learner). */
    static void writeCsv(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, HEADER)) {
            for (Run r : runs) {
                for (int i = 0; i < r.bins().size(); i++) {
                    Bin b = r.bins().get(i);
                    csv.row(r.problem().label, r.variant().label, b.examples(), i, r.problem().metric,
                            fmt(b.metric()), fmt(b.deadShare()), fmt(b.dormantShare()), fmt(b.lowUtilShare()),
                            b.reinitialized());
                }
            }
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    /**
     * The table: per run, the metric of the first bin, the best bin, the last bin and the mean of the last quarter of
     * the bins; the last bin's dead, dormant and low-utility shares; units re-initialised; wall and CPU seconds.
     */
    static Table table(List<Run> runs) {
        Table t = new Table("problem", "variant", "metric", "first bin", "best bin", "last bin", "last quarter",
                "dead (last)", "dormant (last)", "low utility (last)", "re-inits", "wall s", "cpu s");
        for (Run r : runs) {
            List<Bin> bins = r.bins();
            boolean error = r.problem() == Problem.REGRESSION;
            double best = error ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            for (Bin b : bins) {
                best = error ? Math.min(best, b.metric()) : Math.max(best, b.metric());
            }
            int from = bins.size() - Math.max(1, bins.size() / 4);
            double quarter = 0;
            for (int i = from; i < bins.size(); i++) {
                quarter += bins.get(i).metric() / (bins.size() - from);
            }
            Bin last = bins.get(bins.size() - 1);
            String f = error ? "%.3f" : "%.4f";
            t.row(r.problem().label, r.variant().label, r.problem().metric,
                    String.format(Locale.ROOT, f, bins.get(0).metric()), String.format(Locale.ROOT, f, best),
                    String.format(Locale.ROOT, f, last.metric()), String.format(Locale.ROOT, f, quarter),
                    pct(last.deadShare()), pct(last.dormantShare()), pct(last.lowUtilShare()), r.reinitialized(),
                    String.format(Locale.ROOT, "%.0f", r.seconds()), String.format(Locale.ROOT, "%.0f", r.cpu()));
        }
        return t;
    }
}
