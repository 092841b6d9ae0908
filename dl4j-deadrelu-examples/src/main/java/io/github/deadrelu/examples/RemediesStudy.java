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

import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.examples.support.Choices;
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyOptions;
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyCharts;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.DeadReluAnalysis;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.weights.RandomizedAsymmetricInit;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Study 6, "remedies compared": at a learning rate that kills ReLUs, how do Leaky ReLU, randomized asymmetric
 * initialisation ({@link RandomizedAsymmetricInit}) and re-initialisation of dead units ({@link DeadReluListener} with
 * a {@link ReinitPolicy}) compare with plain ReLU, in accuracy and in dead units over training?
 *
 * <p>Protocol (defaults): MLP 784-256-256-10, plain {@link Sgd} at learning rate 1.0 ({@code --optimizer adam
 * --lr 0.05} is the other killing setting of the README), batch 64, 3 epochs over the 8,000
 * training examples in a fixed order, seeds 1, 2, 3. Every {@code --eval-every} iterations (and before training) the
 * study measures the accuracy on the 2,000 evaluation examples and the dead units of each hidden layer with
 * {@link DeadReluAnalysis} on the same examples (dead = closed on every one of them). Variants: ReLU (He initialisation,
 * {@code WeightInit.RELU}); Leaky ReLU (same initialisation; never closed, so never dead); RAI (ReLU, hidden layers
 * re-drawn by {@code RandomizedAsymmetricInit.apply(net, seed)}); ReLU with re-initialisation
 * ({@code ReinitPolicy.builder().every(25).maturity(25).outgoing(ZERO)}, listener default dead streak of 1,024
 * examples). A run whose parameters or activations become non-finite is reported as diverged, never with an accuracy.
 *
 * <p>Outputs in {@code --out}: {@code remedies.csv} (one row per variant, seed and evaluation, header
 * {@value #CSV_HEADER}), {@code remedies.md} and {@code remedies.png}. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.RemediesStudy -Ddemo.args="--mnist ../shared/data/mnist"
 * </pre>
 */
@Command(name = "remedies",
        description = {"Study 6: ReLU, Leaky ReLU, RAI and ReLU with re-initialisation at a learning rate that kills "
                + "ReLUs: accuracy and dead fraction over training, on one figure."})
public final class RemediesStudy extends StudyCommand {

    /** The header of {@code remedies.csv}, fixed. */
    static final String CSV_HEADER = "variant,seed,iteration,accuracy,diverged,layer0_dead_fraction,"
            + "layer1_dead_fraction,reinitialized_so_far";

    private static final Logger log = LoggerFactory.getLogger(RemediesStudy.class);

    /** The remedies compared. */
    enum Variant implements Choices.Named {
        RELU("ReLU"),
        LEAKY("Leaky ReLU"),
        RAI("ReLU + RAI"),
        REINIT("ReLU + re-init");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    /**
     * One evaluation point.
     *
     * @param iteration     iterations trained so far
     * @param accuracy      evaluation accuracy, NaN when diverged
     * @param deadFractions dead fraction per hidden layer on the evaluation examples
     * @param reinitialized units re-initialised so far
     */
    record Point(int iteration, double accuracy, double[] deadFractions, long reinitialized) {
    }

    /**
     * One run.
     *
     * @param variant       the variant
     * @param seed          the seed
     * @param points        the evaluations, in order
     * @param divergedAt    the iteration by which training had diverged (the first evaluation with non-finite
     *                      parameters or outputs, or the step that failed on them), or -1
     */
    record Run(Variant variant, long seed, List<Point> points, int divergedAt) {

        Point last() {
            return points.get(points.size() - 1);
        }
    }

    @Mixin
    private StudyOptions.Data dataOptions;

    @Mixin
    private StudyOptions.Optimizer optimizer = new StudyOptions.Optimizer("sgd", 1.0);

    @Mixin
    private StudyOptions.Training trainingOptions = new StudyOptions.Training(3, 2, "two widths");

    @Mixin
    private StudyOptions.Runs runOptions;

    @Option(names = "--eval-every", paramLabel = "N", defaultValue = "25",
            description = "Iterations between evaluations (default: ${DEFAULT-VALUE}).")
    private int evalEvery;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new RemediesStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.atLeast("--eval-every", evalEvery, 1);
    }

    @Override
    protected void study(Path out) throws IOException {
        StudyData data = dataOptions.load(runOptions.evalSize());
        int[] hidden = trainingOptions.hidden();
        int batch = trainingOptions.batch();
        int epochs = trainingOptions.epochs();
        long[] seeds = runOptions.seeds();
        int threads = runOptions.threads();
        double lr = optimizer.lr();
        log.info("Remedies: {} ({} train / {} eval), MLP {}, {} lr {}, batch {}, {} epochs, seeds {}, output {}",
                data.description(), data.trainSize(), data.evalSize(),
                Mlp.shape(data.features(), hidden, data.classes()),
                optimizer.name(), lr, batch, epochs, Arrays.toString(seeds), out.toAbsolutePath());
        List<Run> runs = run(data, hidden, optimizer.sgd(), lr, seeds, epochs, batch, evalEvery,
                runOptions.reinitEvery(), threads);
        double seconds = seconds();

        writeCsv(runs, out.resolve("remedies.csv"));
        Table table = table(runs);
        String footer = String.format(Locale.ROOT, "%s (%d train / %d eval), MLP %s, %s lr %s, batch %d, %d epochs, "
                        + "seeds %s; run time %.0f s (%d threads).", data.name(),
                data.trainSize(), data.evalSize(), Arrays.toString(hidden), optimizer.label(),
                lr, batch, epochs, Arrays.toString(seeds), seconds, threads);
        writeReport(out, "remedies", table, footer);
        plot(runs, optimizer.label(), lr, out.resolve("remedies.png"));
        logFinished(log, "Remedies study", seconds, out, "remedies.csv",
                "remedies.md", "remedies.png");
    }

    /**
     * Trains every (variant, seed).
     *
     * @param data        the data
     * @param hidden      hidden widths
     * @param sgd         true for Sgd, false for Adam
     * @param lr          the learning rate
     * @param seeds       the seeds
     * @param epochs      epochs
     * @param batch       mini-batch size
     * @param evalEvery   iterations between evaluations
     * @param reinitEvery re-initialisation period and maturity
     * @param threads     runs at the same time
     * @return the runs, by variant then seed
     */
    static List<Run> run(StudyData data, int[] hidden, boolean sgd, double lr, long[] seeds, int epochs, int batch,
            int evalEvery, int reinitEvery, int threads) {
        List<Callable<Run>> tasks = new ArrayList<>();
        for (Variant v : Variant.values()) {
            for (long seed : seeds) {
                tasks.add(() -> runOne(v, seed, data, hidden, sgd ? new Sgd(lr) : new Adam(lr), epochs, batch,
                        evalEvery, reinitEvery));
            }
        }
        return Mlp.runAll(tasks, threads, "remedies");
    }

    static Run runOne(Variant v, long seed, StudyData data, int[] hidden, IUpdater updater, int epochs, int batch,
            int evalEvery, int reinitEvery) {
        MultiLayerNetwork net = Mlp.build(data.features(), hidden, data.classes(),
                v == Variant.LEAKY ? Activation.LEAKYRELU : Activation.RELU, updater, seed);
        if (v == Variant.RAI) {
            RandomizedAsymmetricInit.apply(net, seed);
        }
        DeadReluListener.Builder lb = DeadReluListener.builder().frequency(0).logReports(false).historySize(1);
        if (v == Variant.REINIT) {
            lb.reinitialize(ReinitPolicy.builder().every(reinitEvery).maturity(reinitEvery)
                    .outgoing(OutgoingWeights.ZERO).seed(seed).build());
        }
        DeadReluListener listener = lb.build();
        net.setListeners(listener);
        List<DataSet> batches = data.trainBatches(batch);
        List<Point> points = new ArrayList<>();
        long reinitialized = 0;
        int iteration = 0;
        int divergedAt = -1;
        points.add(evaluate(net, data, 0, 0));
        training:
        for (int e = 0; e < epochs; e++) {
            for (DataSet b : batches) {
                if (!Mlp.fit(net, b)) {
                    divergedAt = iteration;
                    break training;
                }
                iteration++;
                reinitialized += listener.snapshot().layers().stream().mapToLong(LayerGates::reinitialized).sum();
                if (iteration % evalEvery == 0) {
                    Point p = evaluate(net, data, iteration, reinitialized);
                    points.add(p);
                    if (Double.isNaN(p.accuracy())) {
                        // Diverged without an exception: non-finite parameters or outputs at this evaluation.
                        divergedAt = iteration;
                        break training;
                    }
                }
            }
            net.incrementEpochCount();
        }
        if (divergedAt >= 0 && !Double.isNaN(points.get(points.size() - 1).accuracy())) {
            points.add(new Point(iteration, Double.NaN, new double[hidden.length], reinitialized));
        } else if (divergedAt < 0 && points.get(points.size() - 1).iteration() != iteration) {
            Point p = evaluate(net, data, iteration, reinitialized);
            points.add(p);
            if (Double.isNaN(p.accuracy())) {
                divergedAt = iteration;
            }
        }
        return new Run(v, seed, points, divergedAt);
    }

    private static Point evaluate(MultiLayerNetwork net, StudyData data, int iteration, long reinitialized) {
        double accuracy = Mlp.accuracy(net, data.eval());
        DeadReluAnalysis a = DeadReluAnalysis.of(net, Mlp.iterator(data.evalBatches()));
        double[] dead = a.layers().stream().mapToDouble(LayerGates::deadFraction).toArray();
        return new Point(iteration, accuracy, dead, reinitialized);
    }

    static void writeCsv(List<Run> runs, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Run r : runs) {
                for (Point p : r.points()) {
                    boolean diverged = Double.isNaN(p.accuracy());
                    csv.row(r.variant().csvName(), r.seed(), p.iteration(), diverged ? "" : round(p.accuracy()),
                            diverged, diverged ? "" : round(p.deadFractions()[0]),
                            diverged ? "" : round(p.deadFractions()[1]), p.reinitialized());
                }
            }
        }
    }

    private static Table table(List<Run> runs) {
        Table t = new Table("variant", "accuracy (per seed)", "accuracy mean", "layer0 dead (per seed)",
                "layer1 dead (per seed)", "re-inits (per seed)");
        for (Variant v : Variant.values()) {
            List<Run> group = runs.stream().filter(r -> r.variant() == v).toList();
            if (group.isEmpty()) {
                continue;
            }
            String acc = group.stream().map(r -> r.divergedAt() >= 0 ? "diverged by " + r.divergedAt()
                    : String.format(Locale.ROOT, "%.3f", r.last().accuracy())).collect(Collectors.joining(" "));
            double[] ok = group.stream().filter(r -> r.divergedAt() < 0).mapToDouble(r -> r.last().accuracy())
                    .toArray();
            String mean = ok.length == 0 ? "diverged" : String.format(Locale.ROOT, "%.3f",
                    Arrays.stream(ok).average().orElseThrow()) + (ok.length < group.size()
                    ? " (" + (group.size() - ok.length) + " diverged)" : "");
            t.row(v.label, acc, mean, dead(group, 0), dead(group, 1),
                    group.stream().map(r -> Long.toString(r.last().reinitialized())).collect(Collectors.joining(" ")));
        }
        return t;
    }

    private static String dead(List<Run> group, int layer) {
        return group.stream().map(r -> r.divergedAt() >= 0 ? "-"
                : String.format(Locale.ROOT, "%.3f", r.last().deadFractions()[layer])).collect(Collectors.joining(" "));
    }

    /** One PNG: accuracy and first-layer dead fraction over training, seed means, one colour per variant. */
    private static void plot(List<Run> runs, String optimizer, double lr, Path file) throws IOException {
        XYChart acc = Charts.line("Accuracy (eval split), mean over seeds: " + optimizer + " lr " + lr, "iteration",
                "accuracy", 560, 400);
        XYChart dead = Charts.line("layer0 dead fraction (eval split), mean over seeds", "iteration",
                "dead fraction", 560, 400);
        for (XYChart c : List.of(acc, dead)) {
            c.getStyler().setYAxisMin(0.0);
            c.getStyler().setYAxisMax(1.0);
            c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        }
        Color[] colors = {new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x1f77b4)};
        for (Variant v : Variant.values()) {
            List<Run> group = runs.stream().filter(r -> r.variant() == v).toList();
            if (group.isEmpty()) {
                continue;
            }
            int n = group.stream().mapToInt(r -> r.points().size()).max().orElse(0);
            List<double[]> accPts = new ArrayList<>();
            List<double[]> deadPts = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int kk = k;
                List<Point> at = group.stream().filter(r -> r.points().size() > kk).map(r -> r.points().get(kk))
                        .filter(p -> !Double.isNaN(p.accuracy())).toList();
                if (at.isEmpty()) {
                    continue;
                }
                double x = at.get(0).iteration();
                accPts.add(new double[] {x, at.stream().mapToDouble(Point::accuracy).average().orElseThrow()});
                deadPts.add(new double[] {x, at.stream().mapToDouble(p -> p.deadFractions()[0]).average()
                        .orElseThrow()});
            }
            long diverged = group.stream().filter(r -> r.divergedAt() >= 0).count();
            String name = v.label + (diverged > 0 ? " (" + diverged + "/" + group.size() + " diverged)" : "");
            series(acc, name, accPts, colors[v.ordinal()]);
            series(dead, name, deadPts, colors[v.ordinal()]);
        }
        double last = runs.stream().mapToDouble(r -> r.last().iteration()).max().orElse(0);
        StudyCharts.iterationAxis(acc, last);
        StudyCharts.iterationAxis(dead, last);
        Charts.png(List.of(acc, dead), 1, 2, file);
    }

    private static void series(XYChart chart, String name, List<double[]> pts, Color color) {
        if (pts.isEmpty()) {
            pts = List.of(new double[] {0, 0});
            name = name + " (no finite point)";
        }
        XYSeries s = chart.addSeries(name, pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray());
        s.setLineColor(color);
        s.setMarkerColor(color);
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineStyle(new BasicStroke(2f));
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
