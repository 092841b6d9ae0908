/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.DeadReluAnalysis;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The main demo: dying ReLUs in a small MLP trained on built-in synthetic data, seen by {@link DeadReluListener}, and
 * brought back by re-initialisation.
 *
 * <p>The task: 10 classes of 64-dimensional "images" with pixel values in [0, 1] (a noisy prototype per class, like
 * MNIST digits, non-negative like real pixels). The network: MLP 64-128-128-10, ReLU, plain SGD. At a learning rate
 * of 0.05 it trains well; at 2.0 one large step pushes most first-layer units below zero for every input, and since
 * nothing upstream of the first layer is trainable they never come back. The same run with a {@link ReinitPolicy}
 * re-draws them and recovers. Run with
 * <pre>
 * mvn -B -q -Pdemo -DskipTests verify
 * </pre>
 */
public final class DeadReluDemo {
    static final int FEATURES = 64;
    static final int CLASSES = 10;
    static final int HIDDEN = 128;
    static final int BATCH = 32;
    static final int EPOCHS = 3;

    private DeadReluDemo() {
    }

    /** Where the demo writes one HTML report per run (relative to the working directory, the module's folder). */
    private static final Path REPORTS = Paths.get("target", "demo");

    /**
     * Runs the demo.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        // A small MLP gains nothing from ND4J's thread pools on 2 cores, and one thread makes the run reproducible
        // (at lr 2.0 training is chaotic: a different summation order gives a different trajectory).
        Nd4j.getEnvironment().setMaxThreads(1);
        Nd4j.getEnvironment().setMaxMasterThreads(1);
        Nd4j.factory().blas().setMaxThreads(1);
        DataSet[] data = syntheticData(2048, 1024, 7);
        List<String[]> rows = new ArrayList<>();
        System.out.println("dl4j-deadrelu demo: MLP " + FEATURES + "-" + HIDDEN + "-" + HIDDEN + "-" + CLASSES
                + " on synthetic data (2048 train / 1024 eval), SGD, batch " + BATCH + ", " + EPOCHS + " epochs");
        rows.add(run("ReLU, lr 0.05", 0.05, Activation.RELU, null, data));
        rows.add(run("ReLU, lr 2.0", 2.0, Activation.RELU, null, data));
        rows.add(run("ReLU, lr 2.0, re-initialised", 2.0, Activation.RELU,
                ReinitPolicy.builder().every(50).maturity(50).seed(1).build(), data));
        rows.add(run("Leaky ReLU, lr 2.0", 2.0, Activation.LEAKYRELU, null, data));
        System.out.println();
        System.out.println("Summary (dead = closed on every entry of the 1024 evaluation examples):");
        System.out.printf(Locale.ROOT, "%-30s %14s %14s %10s %10s%n", "run", "layer0 dead", "layer1 dead",
                "re-inits", "accuracy");
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-30s %14s %14s %10s %10s%n", (Object[]) r);
        }
        System.out.printf(Locale.ROOT, "%nHTML reports (open from disk): %s%n", REPORTS.toAbsolutePath().normalize());
        System.out.printf(Locale.ROOT, "done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    private static String[] run(String label, double lr, Activation act, ReinitPolicy policy, DataSet[] data) {
        System.out.println();
        System.out.println("=== " + label + " ===");
        long start = System.nanoTime();
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(42)
                .updater(new Sgd(lr))
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(HIDDEN).activation(act).build())
                .layer(new DenseLayer.Builder().nIn(HIDDEN).nOut(HIDDEN).activation(act).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // One self-contained HTML report per run (charts of closed share and dead fraction, the dead-unit map, the
        // WARNs), rewritten at every summary, every epoch end and at close(): open it from disk in any browser.
        Path report = REPORTS.resolve(label.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-") + ".html");
        DeadReluListener.Builder b = DeadReluListener.builder().frequency(64).deadAfterExamples(1024).report(report);
        if (policy != null) {
            b.reinitialize(policy);
        }
        DeadReluListener listener = b.build();
        net.setListeners(listener);
        ListDataSetIterator<DataSet> train = new ListDataSetIterator<>(data[0].asList(), BATCH);
        int reinits = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            net.fit(train);
            train.reset();
        }
        for (GateSnapshot s : listener.history()) {
            for (LayerGates g : s.layers()) {
                reinits += g.reinitialized();
            }
        }
        listener.close();
        System.out.printf(Locale.ROOT, "trained in %.1f s; report: %s%n", (System.nanoTime() - start) / 1e9,
                report.toAbsolutePath().normalize());
        GateSnapshot last = listener.snapshot();
        System.out.println("listener, last mini-batch: " + describe(last));
        DeadReluAnalysis analysis = DeadReluAnalysis.of(net, new ListDataSetIterator<>(data[1].asList(), 256));
        INDArray out = net.output(data[1].getFeatures());
        String accuracy;
        if (out.isNaN().any()) {
            accuracy = "diverged";
        } else {
            Evaluation eval = new Evaluation(CLASSES);
            eval.eval(data[1].getLabels(), out);
            accuracy = String.format(Locale.ROOT, "%.3f", eval.accuracy());
        }
        LayerGates l0 = analysis.layers().get(0);
        LayerGates l1 = analysis.layers().get(1);
        return new String[]{label, l0.deadUnits().length + "/" + l0.units(), l1.deadUnits().length + "/" + l1.units(),
                Integer.toString(reinits), accuracy};
    }

    private static String describe(GateSnapshot s) {
        StringBuilder sb = new StringBuilder("iteration ").append(s.iteration());
        for (LayerGates g : s.layers()) {
            sb.append(String.format(Locale.ROOT, "; %s closed %.1f%% negative %.1f%%, %d/%d dead", g.name(),
                    100 * g.closedShare(), 100 * g.negativeShare(), g.deadUnits().length, g.units()));
        }
        return sb.toString();
    }

    /**
     * Builds the synthetic task: per class a random prototype in [0, 1]^64; each example is its class prototype plus
     * Gaussian noise (sigma 0.25), clipped to [0, 1].
     *
     * @param train train examples
     * @param eval  evaluation examples
     * @param seed  seed
     * @return {train, eval}
     */
    static DataSet[] syntheticData(int train, int eval, long seed) {
        Random r = new Random(seed);
        double[][] proto = new double[CLASSES][FEATURES];
        for (double[] p : proto) {
            for (int j = 0; j < FEATURES; j++) {
                p[j] = r.nextDouble() < 0.3 ? 0.6 + 0.4 * r.nextDouble() : 0.1 * r.nextDouble();
            }
        }
        DataSet[] out = new DataSet[2];
        int[] sizes = {train, eval};
        for (int k = 0; k < 2; k++) {
            int n = sizes[k];
            double[][] x = new double[n][FEATURES];
            double[][] y = new double[n][CLASSES];
            for (int i = 0; i < n; i++) {
                int c = r.nextInt(CLASSES);
                y[i][c] = 1;
                for (int j = 0; j < FEATURES; j++) {
                    x[i][j] = Math.min(1, Math.max(0, proto[c][j] + 0.25 * r.nextGaussian()));
                }
            }
            INDArray f = Nd4j.create(x).castTo(DataType.FLOAT);
            INDArray l = Nd4j.create(y).castTo(DataType.FLOAT);
            out[k] = new DataSet(f, l);
        }
        return out;
    }
}
