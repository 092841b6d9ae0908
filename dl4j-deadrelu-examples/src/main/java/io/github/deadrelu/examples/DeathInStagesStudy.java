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
import io.github.deadrelu.examples.support.StudyCommand;
import io.github.deadrelu.examples.support.StudyOptions;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Study 4, "death in stages": the per-unit closed fraction of the first hidden layer over training, as a heat map
 * (units x iterations), showing that many units close partially, over many iterations, before they die.
 *
 * <p>Protocol (defaults): MLP 784-256-256-10 with ReLU, {@code Adam} at learning rate 0.01, batch 64, 3 epochs over
 * the 8,000 training examples in a fixed order, seed 1. {@link DeadReluListener} records, per iteration, each unit's
 * closed fraction in the mini-batch ({@link LayerGates#unitClosedFractions()}); its dead streak is the training set
 * size (dead = closed on every training example in a row).
 *
 * <p>Definitions used in the table: a <em>dying</em> unit is dead (listener) after the last iteration; its
 * <em>death onset</em> is the first iteration of its final run of fully closed mini-batches (closed fraction 1 on
 * every mini-batch from there to the end). The <em>stage</em> before death is the run of iterations just before the
 * onset in which its closed fraction per mini-batch was at least {@code --partial} (mostly closed, not yet dead for
 * good); a unit whose closed fraction was below {@code --partial} in the mini-batch right before its onset died
 * <em>abruptly</em>, in one update. The line chart can smooth closed fractions with a moving mean over
 * {@code --window} iterations (default 1, raw); the definitions never do.
 *
 * <p>Outputs in {@code --out}: {@code death-in-stages.csv} (one row per dying unit, header {@value #CSV_HEADER}),
 * {@code death-in-stages-fractions.csv} (closed fraction per unit and iteration, long format),
 * {@code death-in-stages.md}, {@code death-in-stages-heatmap.png} (the whole run), {@code death-in-stages-zoom.png}
 * (the first {@value #ZOOM} iterations, one column each) and {@code death-in-stages.png}, drawn by
 * {@link DeathInStagesCharts}. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.DeathInStagesStudy -Ddemo.args="--mnist ../shared/data/mnist"
 * </pre>
 */
@Command(name = "death-in-stages",
        description = {"Study 4: per-unit closed fraction of the first hidden layer over iterations (heat map), "
                + "showing partial closing before death."})
public final class DeathInStagesStudy extends StudyCommand {

    /** The header of {@code death-in-stages.csv}, fixed. */
    static final String CSV_HEADER = "unit,onset,stage_start,stage_length,closed_before_onset,abrupt";

    /** Iterations shown one per column in the zoomed heat map. */
    static final int ZOOM = 60;

    private static final Logger log = LoggerFactory.getLogger(DeathInStagesStudy.class);

    /**
     * One dying unit.
     *
     * @param unit              the unit index
     * @param onset             the death onset (first iteration of the final fully closed run)
     * @param stageStart        the first iteration of the mostly-closed stage before the onset ({@code onset} when
     *                          abrupt)
     * @param closedBeforeOnset the closed fraction in the mini-batch before the onset (NaN at onset 0)
     */
    record Dying(int unit, int onset, int stageStart, double closedBeforeOnset) {

        int stageLength() {
            return onset - stageStart;
        }

        boolean abrupt() {
            return stageLength() == 0;
        }
    }

    /**
     * The result of the run.
     *
     * @param layer       the layer name
     * @param fractions   closed fraction per iteration and unit, {@code fractions[iteration][unit]}
     * @param deadCurve   dead units (listener) per iteration
     * @param dying       the dying units, by onset
     * @param window      the moving-mean window of the line chart
     * @param partial     the mostly-closed threshold
     * @param accuracy    final accuracy, NaN when diverged
     */
    record Result(String layer, double[][] fractions, int[] deadCurve, List<Dying> dying, int window, double partial,
            double accuracy) {

        int iterations() {
            return fractions.length;
        }

        int units() {
            return fractions.length == 0 ? 0 : fractions[0].length;
        }

        List<Dying> staged() {
            return dying.stream().filter(d -> !d.abrupt()).toList();
        }
    }

    @Mixin
    private StudyOptions.Data dataOptions;

    @Mixin
    private StudyOptions.Training trainingOptions;

    @Mixin
    private StudyOptions.Optimizer optimizer = new StudyOptions.Optimizer("adam", 0.01);

    @Option(names = "--window", paramLabel = "N", defaultValue = "1",
            description = "Moving-mean window of the line chart, iterations; 1 plots the raw closed fraction per "
                    + "mini-batch (default: ${DEFAULT-VALUE}).")
    private int window;

    @Option(names = "--partial", paramLabel = "F", defaultValue = "0.9",
            description = "Smoothed closed fraction from which a unit counts as mostly closed (default: "
                    + "${DEFAULT-VALUE}).")
    private double partial;

    @Option(names = "--bin", paramLabel = "N", defaultValue = "5",
            description = "Iterations per heat-map column (default: ${DEFAULT-VALUE}).")
    private int bin;

    @Mixin
    private StudyOptions.WeightSeed weightSeed;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new DeathInStagesStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.atLeast("--window", window, 1);
        check.require(partial > 0 && partial < 1, "--partial", "in (0, 1)", partial);
        check.atLeast("--bin", bin, 1);
    }

    @Override
    protected void study(Path out) throws IOException {
        StudyData data = dataOptions.load(StudyOptions.MAX_EVAL);
        long seed = weightSeed.seed();
        int[] hidden = trainingOptions.hidden();
        int batch = trainingOptions.batch();
        int epochs = trainingOptions.epochs();
        double lr = optimizer.lr();
        log.info("Death in stages: {} ({} train), MLP {}, {} lr {}, batch {}, {} epochs, seed {}, output {}",
                data.description(), data.trainSize(), Mlp.shape(data.features(), hidden, data.classes()),
                optimizer.name(), lr, batch, epochs, seed, out.toAbsolutePath());
        Result r = run(data, hidden, optimizer.updater(), batch, epochs, window, partial, seed);
        double seconds = seconds();

        writeCsv(r, out.resolve("death-in-stages.csv"));
        writeFractions(r, out.resolve("death-in-stages-fractions.csv"));
        Table table = table(r);
        String footer = String.format(Locale.ROOT, "%s, %d train examples, MLP %s, %s lr %s, batch %d, %d epochs (%d "
                        + "iterations), seed %d; %s; mostly closed from %s; final accuracy %s; run time "
                        + "%.0f s.", data.name(), data.trainSize(),
                Arrays.toString(hidden), optimizer.label(), lr, batch, epochs, r.iterations(),
                seed, r.layer(), partial, Mlp.formatAccuracy(r.accuracy()), seconds);
        writeReport(out, "death-in-stages", table, footer);
        DeathInStagesCharts.plotHeatMap(r, 0, r.iterations(), bin, out.resolve("death-in-stages-heatmap.png"));
        DeathInStagesCharts.plotHeatMap(r, 0, Math.min(ZOOM, r.iterations()), 1,
                out.resolve("death-in-stages-zoom.png"));
        DeathInStagesCharts.plotLines(r, out.resolve("death-in-stages.png"));
        logFinished(log, "Death in stages study", seconds, out,
                "death-in-stages.csv", "death-in-stages-fractions.csv", "death-in-stages.md",
                "death-in-stages-heatmap.png", "death-in-stages-zoom.png", "death-in-stages.png");
    }

    /**
     * Trains the network and analyses the first hidden layer's closed fractions.
     *
     * @param data    the data
     * @param hidden  hidden widths
     * @param updater the updater
     * @param batch   mini-batch size
     * @param epochs  epochs
     * @param window  smoothing window
     * @param partial mostly-closed threshold
     * @param seed    weight seed
     * @return the result
     */
    static Result run(StudyData data, int[] hidden, IUpdater updater, int batch, int epochs, int window,
            double partial, long seed) {
        MultiLayerNetwork net = Mlp.build(data.features(), hidden, data.classes(), Activation.RELU, updater, seed);
        List<DataSet> batches = data.trainBatches(batch);
        int iterations = epochs * batches.size();
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(data.trainSize()).frequency(0)
                .logReports(false).historySize(iterations).build();
        net.setListeners(listener);
        double accuracy = Mlp.trainEpochs(net, batches, epochs, "death-in-stages", data.eval());
        List<GateSnapshot> history = listener.history();
        String layer = history.get(0).layers().get(0).name();
        double[][] fractions = new double[history.size()][];
        int[] deadCurve = new int[history.size()];
        for (int i = 0; i < history.size(); i++) {
            LayerGates g = history.get(i).layer(layer).orElseThrow();
            fractions[i] = g.unitClosedFractions();
            deadCurve[i] = g.deadUnits().length;
        }
        int[] deadAtEnd = history.get(history.size() - 1).layer(layer).orElseThrow().deadUnits();
        return new Result(layer, fractions, deadCurve, analyse(fractions, deadAtEnd, partial), window,
                partial, accuracy);
    }

    /**
     * Finds each dying unit's onset and mostly-closed stage.
     *
     * @param fractions closed fraction per iteration and unit
     * @param dead      units dead after the last iteration
     * @param partial   mostly-closed threshold
     * @return the dying units, by onset then unit
     */
    static List<Dying> analyse(double[][] fractions, int[] dead, double partial) {
        List<Dying> out = new ArrayList<>();
        int n = fractions.length;
        for (int u : dead) {
            int onset = n;
            while (onset > 0 && fractions[onset - 1][u] >= 1.0) {
                onset--;
            }
            int stageStart = onset;
            while (stageStart > 0 && fractions[stageStart - 1][u] >= partial) {
                stageStart--;
            }
            out.add(new Dying(u, onset, stageStart, onset == 0 ? Double.NaN : fractions[onset - 1][u]));
        }
        out.sort(Comparator.comparingInt(Dying::onset).thenComparingInt(Dying::unit));
        return out;
    }

    /** Trailing moving mean of one unit's closed fraction: mean over iterations (i - window, i]. */
    static double[] smoothed(double[][] fractions, int unit, int window) {
        double[] s = new double[fractions.length];
        double sum = 0;
        for (int i = 0; i < fractions.length; i++) {
            sum += fractions[i][unit];
            if (i >= window) {
                sum -= fractions[i - window][unit];
            }
            s[i] = sum / Math.min(i + 1, window);
        }
        return s;
    }

    static void writeCsv(Result r, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Dying d : r.dying()) {
                csv.row(d.unit(), d.onset(), d.stageStart(), d.stageLength(),
                        Double.isNaN(d.closedBeforeOnset()) ? "" : round(d.closedBeforeOnset()), d.abrupt());
            }
        }
    }

    private static void writeFractions(Result r, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, "iteration", "unit", "closed_fraction")) {
            for (int i = 0; i < r.iterations(); i++) {
                for (int u = 0; u < r.units(); u++) {
                    csv.row(i, u, round(r.fractions()[i][u]));
                }
            }
        }
    }

    private static Table table(Result r) {
        List<Dying> staged = r.staged();
        int[] lengths = staged.stream().mapToInt(Dying::stageLength).sorted().toArray();
        long early = r.dying().stream().filter(d -> d.onset() < ZOOM).count();
        double[] firstIterationClosed = r.fractions()[0];
        Table t = new Table("measure", "value");
        t.row("units in " + r.layer(), r.units());
        t.row("mean closed fraction, first mini-batch", f3(Arrays.stream(firstIterationClosed).average().orElse(0)));
        t.row("dead after the last iteration (dying units)", r.dying().size());
        t.row("dying units with onset in the first " + ZOOM + " iterations", early);
        t.row("dying units mostly closed (>= " + r.partial() + ") before the onset (staged)", staged.size());
        t.row("dying units that died abruptly (< " + r.partial() + " right before the onset)",
                r.dying().size() - staged.size());
        t.row("stage length, iterations: median", lengths.length == 0 ? "-" : Integer.toString(median(lengths)));
        t.row("stage length, iterations: 10th..90th percentile", lengths.length == 0 ? "-"
                : quantile(lengths, 0.1) + ".." + quantile(lengths, 0.9));
        t.row("stage length, iterations: max", lengths.length == 0 ? "-" : Integer.toString(lengths[lengths.length - 1]));
        return t;
    }

    private static int median(int[] sorted) {
        return quantile(sorted, 0.5);
    }

    private static int quantile(int[] sorted, double q) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
