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
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.examples.support.StudyCharts;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Study 3, "the first layer is final": over a long run at a learning rate that kills units, dead units of the first
 * hidden layer never come back, while dead units of deeper layers do.
 *
 * <p>Why: a unit that is closed on every entry of a mini-batch gets exactly zero gradient on its incoming weights and
 * bias, so with plain SGD (no momentum, no weight decay) they stay bit-identical while it is dead. What can still open
 * it is a change of its <em>inputs</em>: for a deeper layer the layers below keep training; for the first layer the
 * inputs are the data, which do not change. So a first-layer unit that is closed on the whole training set stays dead
 * for good, unless it is re-initialised ({@code recoverable = false} in {@link LayerGates}).
 *
 * <p>Protocol (defaults): MLP 784-256-256-10, plain {@link Sgd} at learning rate 1.0, batch 64, 10 epochs over the
 * 8,000 training examples in a fixed order, seed 1. A unit is dead (listener) after a streak of {@code --dead-after}
 * examples, by default the whole training set (one epoch): the strict definition, closed on every training example.
 * Each iteration, after the update, the study compares the incoming weights and bias of every dead unit with their
 * values when it was declared dead (bit for bit) and counts revivals ({@link LayerGates#revived()}) per layer.
 *
 * <p>Outputs in {@code --out}: {@code first-layer.csv} (one row per hidden layer, header {@value #CSV_HEADER}),
 * {@code first-layer-timeline.csv} (dead units and cumulative deaths and revivals per layer and iteration),
 * {@code first-layer.md} and {@code first-layer.png}. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.FirstLayerStudy -Ddemo.args="--mnist ../shared/data/mnist"
 * </pre>
 */
@Command(name = "first-layer",
        description = {"Study 3: natural revivals of dead ReLUs per layer over a long SGD run at a killing learning "
                + "rate; first-layer dead units never revive and their weights stay bit-identical, deeper ones do."})
public final class FirstLayerStudy extends StudyCommand {

    /** The header of {@code first-layer.csv}, fixed. */
    static final String CSV_HEADER = "layer,index,units,recoverable,dead_at_end,ever_dead,deaths,revivals,"
            + "dead_unit_iterations_checked,dead_unit_iterations_weights_changed";

    /** The header of {@code first-layer-timeline.csv}, fixed. */
    static final String TIMELINE_HEADER = "iteration,epoch,layer,dead_units,deaths_so_far,revivals_so_far";

    private static final Logger log = LoggerFactory.getLogger(FirstLayerStudy.class);

    /**
     * One hidden layer over the whole run.
     *
     * @param name            the layer name
     * @param index           the MLN layer index
     * @param units           units
     * @param recoverable     the listener's recoverable flag
     * @param deadAtEnd       units dead after the last iteration
     * @param everDead        distinct units that were dead at some iteration
     * @param deaths          newly-dead events
     * @param revivals        revivals (dead units that opened again by training)
     * @param checked         (dead unit, iteration) pairs whose weights were compared with their values at death
     * @param changed         of those, pairs whose weights or bias differed in at least one bit
     * @param deadCurve       dead units per iteration
     * @param deathCurve      deaths so far per iteration
     * @param revivalCurve    revivals so far per iteration
     */
    record LayerResult(String name, int index, int units, boolean recoverable, int deadAtEnd, int everDead,
            long deaths, long revivals, long checked, long changed, int[] deadCurve, long[] deathCurve,
            long[] revivalCurve) {
    }

    /**
     * The result of the run.
     *
     * @param layers         per hidden layer
     * @param iterations     iterations trained
     * @param itersPerEpoch  iterations per epoch
     * @param accuracy       final evaluation accuracy, NaN when diverged
     */
    record Result(List<LayerResult> layers, int iterations, int itersPerEpoch, double accuracy) {
    }

    @Mixin
    private StudyOptions.Data dataOptions;

    /** 10 epochs by default: deaths and revivals need time to show. */
    @Mixin
    private StudyOptions.Training trainingOptions = new StudyOptions.Training(10, 2,
            "two widths (a first and a deeper layer)");

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "1.0",
            description = "Plain SGD learning rate (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(names = "--dead-after", paramLabel = "EXAMPLES", defaultValue = "0",
            description = "Listener deadAfterExamples; 0 means the training set size (default: ${DEFAULT-VALUE}).")
    private int deadAfter;

    @Mixin
    private StudyOptions.WeightSeed weightSeed;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new FirstLayerStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.positive("--lr", lr);
        check.atLeast("--dead-after", deadAfter, 0);
    }

    @Override
    protected void study(Path out) throws IOException {
        StudyData data = dataOptions.load(StudyOptions.MAX_EVAL);
        long seed = weightSeed.seed();
        int[] hidden = trainingOptions.hidden();
        int batch = trainingOptions.batch();
        int epochs = trainingOptions.epochs();
        int streak = deadAfter == 0 ? data.trainSize() : deadAfter;
        log.info("First layer: {} ({} train), MLP {}, SGD lr {}, batch {}, {} epochs, dead after {} examples, "
                        + "seed {}, output {}", data.description(), data.trainSize(),
                Mlp.shape(data.features(), hidden, data.classes()), lr,
                batch, epochs, streak, seed, out.toAbsolutePath());
        Result r = run(data, hidden, lr, batch, epochs, streak, seed);
        double seconds = seconds();

        writeCsv(r, out.resolve("first-layer.csv"));
        writeTimeline(r, out.resolve("first-layer-timeline.csv"));
        Table table = table(r);
        String footer = String.format(Locale.ROOT, "%s, %d train examples, MLP %s, plain SGD lr %s, batch %d, %d epochs "
                        + "(%d iterations), dead after %d examples, seed %d; final accuracy %s; run time %.0f s.",
                data.name(), data.trainSize(), Arrays.toString(hidden), lr, batch,
                epochs, r.iterations(), streak, seed, Mlp.formatAccuracy(r.accuracy()), seconds);
        writeReport(out, "first-layer", table, footer);
        plot(r, out.resolve("first-layer.png"));
        logFinished(log, "First layer study", seconds, out,
                "first-layer.csv", "first-layer-timeline.csv", "first-layer.md", "first-layer.png");
    }

    /**
     * Trains the network and records deaths, revivals and the weights of dead units.
     *
     * @param data      the data
     * @param hidden    hidden widths
     * @param lr        the SGD learning rate
     * @param batch     the mini-batch size
     * @param epochs    epochs
     * @param deadAfter the listener's dead streak in examples
     * @param seed      the weight seed
     * @return the result
     */
    static Result run(StudyData data, int[] hidden, double lr, int batch, int epochs, int deadAfter, long seed) {
        MultiLayerNetwork net = Mlp.build(data.features(), hidden, data.classes(), Activation.RELU, new Sgd(lr), seed);
        DeadReluListener dead = DeadReluListener.builder().deadAfterExamples(deadAfter).frequency(0)
                .logReports(false).historySize(1).build();
        FrozenWeightsProbe probe = new FrozenWeightsProbe(dead);
        // Order matters: DL4J calls listeners in list order, so the probe sees this iteration's snapshot.
        net.setListeners(dead, probe);
        List<DataSet> batches = data.trainBatches(batch);
        double accuracy = Mlp.trainEpochs(net, batches, epochs, "first-layer", data.eval());
        return new Result(probe.results(), probe.iterations, batches.size(), accuracy);
    }

    /**
     * Runs after {@link DeadReluListener} in every iteration: counts deaths and revivals per layer and compares the
     * incoming weights and bias of each dead unit, bit for bit, with their values at the iteration it was declared
     * dead.
     */
    static final class FrozenWeightsProbe extends BaseTrainingListener {
        private final DeadReluListener dead;
        private final Map<String, Map<Integer, float[]>> frozen = new HashMap<>();
        private final Map<String, Tally> tallies = new LinkedHashMap<>();
        int iterations;

        /** Per-layer counters. */
        private static final class Tally {
            final int index;
            final int units;
            final boolean recoverable;
            final boolean[] everDead;
            long deaths;
            long revivals;
            long checked;
            long changed;
            int deadNow;
            final List<Integer> deadCurve = new ArrayList<>();
            final List<Long> deathCurve = new ArrayList<>();
            final List<Long> revivalCurve = new ArrayList<>();

            Tally(int index, int units, boolean recoverable) {
                this.index = index;
                this.units = units;
                this.recoverable = recoverable;
                this.everDead = new boolean[units];
            }
        }

        FrozenWeightsProbe(DeadReluListener dead) {
            this.dead = dead;
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            GateSnapshot snap = dead.snapshot();
            if (snap.iteration() != iteration) {
                return;
            }
            iterations++;
            for (LayerGates g : snap.layers()) {
                Tally t = tallies.computeIfAbsent(g.name(), k -> new Tally(g.index(), g.units(), g.recoverable()));
                t.deaths += g.newlyDead();
                t.revivals += g.revived();
                int[] deadUnits = g.deadUnits();
                t.deadNow = deadUnits.length;
                Map<Integer, float[]> snaps = frozen.computeIfAbsent(g.name(), k -> new HashMap<>());
                snaps.keySet().retainAll(Arrays.stream(deadUnits).boxed().collect(Collectors.toSet()));
                if (deadUnits.length > 0) {
                    float[] params = unitParams(net, g.index());
                    int nIn = params.length / g.units() - 1;
                    for (int u : deadUnits) {
                        t.everDead[u] = true;
                        float[] now = Arrays.copyOfRange(params, u * (nIn + 1), (u + 1) * (nIn + 1));
                        float[] then = snaps.putIfAbsent(u, now);
                        if (then != null) {
                            t.checked++;
                            if (!Arrays.equals(then, now)) {
                                t.changed++;
                            }
                        }
                    }
                }
                t.deadCurve.add(t.deadNow);
                t.deathCurve.add(t.deaths);
                t.revivalCurve.add(t.revivals);
            }
        }

        /**
         * Each unit's incoming weights followed by its bias, unit after unit: the layer's W ([nIn, nOut]) with the
         * bias appended as a last row, copied in column-major order.
         */
        private static float[] unitParams(MultiLayerNetwork net, int layer) {
            INDArray w = net.getLayer(layer).getParam("W");
            INDArray b = net.getLayer(layer).getParam("b");
            INDArray both = org.nd4j.linalg.factory.Nd4j.vstack(w, b.reshape(1, b.length())).dup('f');
            return both.data().asFloat();
        }

        List<LayerResult> results() {
            List<LayerResult> out = new ArrayList<>();
            for (Map.Entry<String, Tally> e : tallies.entrySet()) {
                Tally t = e.getValue();
                int everDead = 0;
                for (boolean d : t.everDead) {
                    everDead += d ? 1 : 0;
                }
                out.add(new LayerResult(e.getKey(), t.index, t.units, t.recoverable, t.deadNow, everDead, t.deaths,
                        t.revivals, t.checked, t.changed, t.deadCurve.stream().mapToInt(Integer::intValue).toArray(),
                        t.deathCurve.stream().mapToLong(Long::longValue).toArray(),
                        t.revivalCurve.stream().mapToLong(Long::longValue).toArray()));
            }
            return out;
        }
    }

    static void writeCsv(Result r, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (LayerResult l : r.layers()) {
                csv.row(l.name(), l.index(), l.units(), l.recoverable(), l.deadAtEnd(), l.everDead(), l.deaths(),
                        l.revivals(), l.checked(), l.changed());
            }
        }
    }

    private static void writeTimeline(Result r, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, TIMELINE_HEADER.split(","))) {
            for (int i = 0; i < r.iterations(); i++) {
                for (LayerResult l : r.layers()) {
                    csv.row(i, i / r.itersPerEpoch(), l.name(), l.deadCurve()[i], l.deathCurve()[i],
                            l.revivalCurve()[i]);
                }
            }
        }
    }

    private static Table table(Result r) {
        Table t = new Table("layer", "recoverable", "dead at end", "ever dead", "deaths", "revivals",
                "dead unit-iterations checked", "weights changed while dead");
        for (LayerResult l : r.layers()) {
            t.row(l.name(), l.recoverable(), l.deadAtEnd() + " of " + l.units(), l.everDead(), l.deaths(),
                    l.revivals(), l.checked(), l.changed());
        }
        return t;
    }

    /** One PNG, two panels: dead units per layer over training; revivals so far per layer. */
    private static void plot(Result r, Path file) throws IOException {
        XYChart deadChart = Charts.line("Dead units per layer (listener)", "iteration", "dead units", 560, 380);
        XYChart revChart = Charts.line("Revivals so far per layer", "iteration", "revivals (cumulative)", 560, 380);
        deadChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        revChart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        deadChart.getStyler().setYAxisMin(0.0);
        revChart.getStyler().setYAxisMin(0.0);
        Color[] colors = {new Color(0xd62728), new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e),
                new Color(0x9467bd)};
        double[] it = new double[r.iterations()];
        Arrays.setAll(it, i -> i);
        int k = 0;
        for (LayerResult l : r.layers()) {
            Color c = colors[k++ % colors.length];
            String name = l.name() + (l.recoverable() ? "" : " (first, not recoverable)");
            line(deadChart, name, it, Arrays.stream(l.deadCurve()).asDoubleStream().toArray(), c);
            line(revChart, name, it, Arrays.stream(l.revivalCurve()).asDoubleStream().toArray(), c);
        }
        StudyCharts.iterationAxis(deadChart, r.iterations() - 1);
        StudyCharts.iterationAxis(revChart, r.iterations() - 1);
        Charts.png(List.of(deadChart, revChart), 1, 2, file);
    }

    private static void line(XYChart chart, String name, double[] x, double[] y, Color color) {
        StudyCharts.line(chart, name, x, y, color, new BasicStroke(2f));
    }
}
