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
import io.github.deadrelu.examples.support.Charts;
import io.github.deadrelu.examples.support.CsvWriter;
import io.github.deadrelu.examples.support.StudyCharts;
import io.github.deadrelu.examples.support.Table;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.LayerGates;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Study 1, "the seed scenario": one ReLU unit whose pre-activations sit just above zero dies from one large gradient
 * step and never comes back.
 *
 * <p>Set-up (fixed, double precision): inputs {@code x} in R^16 with i.i.d. entries N(1, 0.2^2); a network
 * {@code Dense(16 -> 1, ReLU) -> Output(1 -> 1, identity, MSE)} trained by plain SGD (no momentum, no weight decay).
 * The unit starts with every incoming weight {@code 0.1/16} and bias 0, so its pre-activation {@code z = w.x + b} is
 * Gaussian N(0.1, 0.005^2): open on every input, but only 20 standard deviations from the edge. The targets come from a
 * teacher that is the network itself ({@code y = 2 relu(z) + 0.5} plus N(0, 0.01^2) noise), so ordinary training
 * leaves the unit where it is. At iteration {@code --before} one mini-batch has corrupted labels, all shifted down by
 * the same amount; the study solves for the shift that makes that single SGD step move the mean pre-activation (over
 * the input distribution) to {@code --target} (default -0.1). Training then goes on with clean batches.
 *
 * <p>What it records per iteration: the closed share of the unit in the mini-batch (from {@link DeadReluListener}), the
 * mean, minimum and maximum of {@code z} over the mini-batch, whether the unit's incoming weights and bias are
 * bit-identical to their values right after the spike, and whether the listener calls the unit dead.
 *
 * <p>Outputs in {@code --out}: {@code seed-scenario.csv} (header {@value #CSV_HEADER}), {@code seed-scenario.md} and
 * {@code seed-scenario.png}. Run it with:
 * <pre>
 * mvn -B -q -Pdemo -DskipTests -pl dl4j-deadrelu-core,dl4j-deadrelu-examples verify \
 *     -Ddemo.main=io.github.deadrelu.examples.SeedScenarioStudy
 * </pre>
 */
@Command(name = "seed-scenario",
        description = {"Study 1: one ReLU unit with pre-activations around +0.1 dies from one large gradient step "
                + "(to around -0.1), its weights freeze bit for bit, and it stays dead."})
public final class SeedScenarioStudy extends StudyCommand {

    /** The header of {@code seed-scenario.csv}, fixed. */
    static final String CSV_HEADER = "iteration,phase,closed_share,z_mean,z_min,z_max,weights_as_after_spike,dead";

    /** Number of inputs of the unit. */
    static final int INPUTS = 16;
    /** Mean of every input entry. */
    static final double INPUT_MEAN = 1.0;
    /** Standard deviation of every input entry. */
    static final double INPUT_STD = 0.2;
    /** Initial mean pre-activation of the unit. */
    static final double START_MEAN = 0.1;

    private static final Logger log = LoggerFactory.getLogger(SeedScenarioStudy.class);

    /** The phases of the run. */
    enum Phase implements Choices.Named {
        BEFORE, SPIKE, AFTER
    }

    /**
     * One iteration.
     *
     * @param iteration         the iteration
     * @param phase             before, at or after the spike
     * @param closedShare       the unit's closed share in the mini-batch, from the listener
     * @param zMean             mean pre-activation over the mini-batch (parameters before the update)
     * @param zMin              minimum pre-activation
     * @param zMax              maximum pre-activation
     * @param asAfterSpike      true when, after this iteration's update, weights and bias are bit-identical to their
     *                          values right after the spike (always false before and at the spike)
     * @param dead              whether the listener calls the unit dead after this iteration
     */
    record Step(int iteration, Phase phase, double closedShare, double zMean, double zMin, double zMax,
            boolean asAfterSpike, boolean dead) {
    }

    /**
     * The result of a run.
     *
     * @param steps       every iteration
     * @param labelShift  the label shift of the corrupted batch that the study solved for
     * @param meanAfter   the mean pre-activation over the input distribution right after the spike
     */
    record Result(List<Step> steps, double labelShift, double meanAfter) {

        List<Step> phase(Phase p) {
            return steps.stream().filter(s -> s.phase() == p).toList();
        }

        /** @return the first iteration at which the listener called the unit dead, or -1 */
        int deadFrom() {
            return steps.stream().filter(Step::dead).mapToInt(Step::iteration).findFirst().orElse(-1);
        }
    }

    @Option(names = "--before", paramLabel = "N", defaultValue = "100",
            description = "Clean iterations before the spike (default: ${DEFAULT-VALUE}).")
    private int before;

    @Option(names = "--after", paramLabel = "N", defaultValue = "300",
            description = "Clean iterations after the spike (default: ${DEFAULT-VALUE}).")
    private int after;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32",
            description = "Mini-batch size (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--lr", paramLabel = "RATE", defaultValue = "0.005",
            description = "SGD learning rate, the spike included (default: ${DEFAULT-VALUE}).")
    private double lr;

    @Option(names = "--target", paramLabel = "Z", defaultValue = "-0.1",
            description = "Mean pre-activation the spike step moves the unit to (default: ${DEFAULT-VALUE}).")
    private double target;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
            description = "Seed of the data (default: ${DEFAULT-VALUE}).")
    private long seed;

    /**
     * Runs the study from the command line; {@code --help} lists the options.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        main(new SeedScenarioStudy(), args);
    }

    @Override
    protected void check(Checks check) {
        check.atLeast("--before", before, 1);
        check.atLeast("--after", after, 1);
        check.atLeast("--batch", batch, 2);
        check.positive("--lr", lr);
        check.require(target < 0 && target > -1, "--target", "in (-1, 0)", target);
    }

    /** The listener's WARN and summary lines are part of this study's console story: kept. */
    @Override
    protected boolean quietListenerLog() {
        return false;
    }

    @Override
    protected void study(Path out) throws IOException {
        log.info("Seed scenario: {} clean iterations, one spike, {} clean iterations; batch {}, SGD lr {}, target "
                + "mean z {}, seed {}, output {}", before, after, batch, lr, target, seed, out.toAbsolutePath());
        Result r = run(before, after, batch, lr, target, seed);
        double seconds = seconds();

        writeCsv(r, out.resolve("seed-scenario.csv"));
        Table table = table(r);
        writeReport(out, "seed-scenario", table, summary(r));
        plot(r, out.resolve("seed-scenario.png"));
        logFinished(log, "Seed scenario", String.format(Locale.ROOT, "%.1f s", seconds), out, "seed-scenario.csv",
                "seed-scenario.md", "seed-scenario.png");
    }

    /**
     * Runs the scenario.
     *
     * @param before  clean iterations before the spike
     * @param after   clean iterations after the spike
     * @param batch   the mini-batch size
     * @param lr      the SGD learning rate
     * @param target  the mean pre-activation the spike moves the unit to
     * @param seed    the data seed
     * @return the per-iteration record
     */
    static Result run(int before, int after, int batch, double lr, double target, long seed) {
        MultiLayerNetwork net = network(lr);
        // Only the unit's own gates matter here; a short streak lets the listener call it dead soon after the spike.
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(8 * batch).frequency(0)
                .historySize(1).build();
        net.setListeners(listener);
        INDArray w = net.getLayer(0).getParam("W");
        INDArray b = net.getLayer(0).getParam("b");
        List<Step> steps = new ArrayList<>();
        double[] wAfterSpike = null;
        double[] bAfterSpike = null;
        double labelShift = Double.NaN;
        double meanAfter = Double.NaN;
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        try {
            for (int it = 0; it < before + 1 + after; it++) {
                Phase phase = it < before ? Phase.BEFORE : it == before ? Phase.SPIKE : Phase.AFTER;
                DataSet ds = batch(net, batch, rng);
                if (phase == Phase.SPIKE) {
                    labelShift = solveLabelShift(net, ds, target);
                    ds.getLabels().subi(labelShift);
                }
                INDArray z = ds.getFeatures().mmul(w).addiRowVector(b);
                double zMean = z.meanNumber().doubleValue();
                double zMin = z.minNumber().doubleValue();
                double zMax = z.maxNumber().doubleValue();
                net.fit(ds);
                LayerGates g = listener.snapshot().layers().get(0);
                boolean asAfterSpike = false;
                if (phase == Phase.SPIKE) {
                    wAfterSpike = w.toDoubleVector();
                    bAfterSpike = b.toDoubleVector();
                    meanAfter = meanPreActivation(w, b);
                } else if (phase == Phase.AFTER) {
                    asAfterSpike = Arrays.equals(wAfterSpike, w.toDoubleVector())
                            && Arrays.equals(bAfterSpike, b.toDoubleVector());
                }
                steps.add(new Step(it, phase, g.closedShare(), zMean, zMin, zMax, asAfterSpike,
                        g.deadUnits().length == 1));
            }
        } finally {
            closeQuietly(rng);
        }
        return new Result(steps, labelShift, meanAfter);
    }

    /** The network, initialised to the teacher: w = 0.1/16, b = 0 (mean z = 0.1), output 2 relu(z) + 0.5. */
    static MultiLayerNetwork network(double lr) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE)
                .seed(0)
                .updater(new Sgd(lr))
                .list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(1).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(1).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        net.getLayer(0).getParam("W").assign(START_MEAN / (INPUTS * INPUT_MEAN));
        net.getLayer(0).getParam("b").assign(0.0);
        net.getLayer(1).getParam("W").assign(2.0);
        net.getLayer(1).getParam("b").assign(0.5);
        return net;
    }

    /** A clean mini-batch: x ~ N(1, 0.2^2) entries, y = 2 relu(z_teacher) + 0.5 + N(0, 0.01^2). */
    private static DataSet batch(MultiLayerNetwork net, int n, Random rng) {
        INDArray x = Nd4j.randn(Nd4j.create(DataType.DOUBLE, n, INPUTS), rng).muli(INPUT_STD).addi(INPUT_MEAN);
        INDArray zTeacher = x.mean(1).reshape(n, 1).muli(START_MEAN / INPUT_MEAN);
        INDArray y = org.nd4j.linalg.ops.transforms.Transforms.relu(zTeacher, true).muli(2.0).addi(0.5)
                .addi(Nd4j.randn(Nd4j.create(DataType.DOUBLE, n, 1), rng).muli(0.01));
        return new DataSet(x, y);
    }

    /**
     * The label shift s that makes one SGD step on {@code ds} (labels minus s) move the mean pre-activation over the
     * input distribution, {@code w.E[x] + b}, to {@code target}. The unit is open on every example of the batch, so the
     * step is affine in s: two gradient evaluations on a copy of the network (no listener) give it exactly.
     */
    private static double solveLabelShift(MultiLayerNetwork net, DataSet ds, double target) {
        double at0 = meanAfterStep(net, ds, 0.0);
        double at1 = meanAfterStep(net, ds, 1.0);
        return (target - at0) / (at1 - at0);
    }

    /** The mean pre-activation after one plain SGD step on {@code ds} with labels shifted down by {@code shift}. */
    private static double meanAfterStep(MultiLayerNetwork net, DataSet ds, double shift) {
        MultiLayerNetwork copy = net.clone();
        copy.setListeners();
        copy.fit(new DataSet(ds.getFeatures().dup(), ds.getLabels().sub(shift)));
        return meanPreActivation(copy.getLayer(0).getParam("W"), copy.getLayer(0).getParam("b"));
    }

    /** w.E[x] + b with E[x] = (1, ..., 1). */
    static double meanPreActivation(INDArray w, INDArray b) {
        return w.sumNumber().doubleValue() * INPUT_MEAN + b.getDouble(0);
    }

    static void writeCsv(Result r, Path file) throws IOException {
        try (CsvWriter csv = new CsvWriter(file, CSV_HEADER.split(","))) {
            for (Step s : r.steps()) {
                csv.row(s.iteration(), s.phase().csvName(), s.closedShare(), s.zMean(), s.zMin(), s.zMax(),
                        s.phase() == Phase.AFTER ? Boolean.toString(s.asAfterSpike()) : "", s.dead());
            }
        }
    }

    private static Table table(Result r) {
        Table t = new Table("phase", "iterations", "closed share (mean)", "closed share (min..max)", "z mean",
                "z min..max", "weights as after spike", "dead (listener)");
        for (Phase p : Phase.values()) {
            List<Step> steps = r.phase(p);
            double closedMean = steps.stream().mapToDouble(Step::closedShare).average().orElse(Double.NaN);
            double closedMin = steps.stream().mapToDouble(Step::closedShare).min().orElse(Double.NaN);
            double closedMax = steps.stream().mapToDouble(Step::closedShare).max().orElse(Double.NaN);
            double zMean = steps.stream().mapToDouble(Step::zMean).average().orElse(Double.NaN);
            double zMin = steps.stream().mapToDouble(Step::zMin).min().orElse(Double.NaN);
            double zMax = steps.stream().mapToDouble(Step::zMax).max().orElse(Double.NaN);
            long same = steps.stream().filter(Step::asAfterSpike).count();
            long dead = steps.stream().filter(Step::dead).count();
            t.row(p.csvName(), steps.get(0).iteration() + (steps.size() > 1
                            ? ".." + steps.get(steps.size() - 1).iteration() : ""),
                    f3(closedMean), f3(closedMin) + ".." + f3(closedMax), f4(zMean), f4(zMin) + ".." + f4(zMax),
                    p == Phase.AFTER ? same + "/" + steps.size() : "-", dead + "/" + steps.size());
        }
        return t;
    }

    private static String summary(Result r) {
        return String.format(Locale.ROOT, "Spike: labels of one mini-batch shifted down by %.3f; mean pre-activation "
                        + "w.E[x] + b right after the step: %.4f. The listener calls the unit dead from iteration %d.",
                r.labelShift(), r.meanAfter(), r.deadFrom());
    }

    /** One PNG, two panels: closed share per mini-batch; pre-activation mean and range per mini-batch. */
    private static void plot(Result r, Path file) throws IOException {
        double[] it = r.steps().stream().mapToDouble(Step::iteration).toArray();
        XYChart closed = Charts.line("Closed share of the unit per mini-batch", "iteration", "closed share", 560,
                380);
        closed.getStyler().setYAxisMin(0.0);
        closed.getStyler().setYAxisMax(1.0);
        closed.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        StudyCharts.line(closed, "closed share", it, r.steps().stream().mapToDouble(Step::closedShare).toArray(),
                new Color(0xd62728), SeriesLines.SOLID);
        XYChart z = Charts.line("Pre-activation z over each mini-batch", "iteration", "z", 560, 380);
        z.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        StudyCharts.line(z, "max", it, r.steps().stream().mapToDouble(Step::zMax).toArray(), new Color(0x9ecae1),
                SeriesLines.SOLID);
        StudyCharts.line(z, "mean", it, r.steps().stream().mapToDouble(Step::zMean).toArray(), new Color(0x1f77b4),
                SeriesLines.SOLID);
        StudyCharts.line(z, "min", it, r.steps().stream().mapToDouble(Step::zMin).toArray(), new Color(0x9ecae1),
                SeriesLines.SOLID);
        StudyCharts.line(z, "z = 0 (gate edge)", new double[] {it[0], it[it.length - 1]}, new double[] {0, 0},
                Color.GRAY, SeriesLines.DASH_DASH);
        StudyCharts.iterationAxis(closed, it[it.length - 1]);
        StudyCharts.iterationAxis(z, it[it.length - 1]);
        Charts.png(List.of(closed, z), 1, 2, file);
    }

    private static void closeQuietly(Random rng) {
        try {
            rng.close();
        } catch (Exception e) {
            log.debug("Could not close an ND4J random generator", e);
        }
    }

    private static String f3(double v) {
        return String.format(Locale.ROOT, "%.3f", v);
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
