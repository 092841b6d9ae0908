/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import io.github.deadrelu.examples.support.Choices;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Trains one run of {@link LossOfPlasticityStudy}: one problem (Slowly-Changing Regression or Online Permuted MNIST)
 * with one variant (plain backprop, a linear learner, or re-initialisation by one {@link UnitSelection}), online: every
 * mini-batch is new data, scored before the update that learns from it (the paper's online error and accuracy).
 * After every update it reads the listener's snapshot and averages, per bin, the dead, tau-dormant and low-utility
 * shares of all hidden units.
 */
final class PlasticityRunner {

    /** The two problems of the study. */
    enum Problem {
        /** Slowly-Changing Regression: squared error, binned over examples. */
        REGRESSION("regression", "squared error"),
        /** Online Permuted MNIST: accuracy per task. */
        MNIST("permuted-mnist", "accuracy");

        final String label;
        final String metric;

        Problem(String label, String metric) {
            this.label = label;
            this.metric = metric;
        }
    }

    /** What is trained: the learners of the study. */
    enum Variant {
        /** The regression's linear baseline (no hidden layer). */
        LINEAR("linear", null),
        /** Plain backprop: the listener monitors only. */
        BACKPROP("backprop", null),
        /** Re-initialise dead units (closed on every entry for {@code deadAfterExamples}). */
        DEAD("reinit-dead", UnitSelection.DEAD),
        /** Re-initialise tau-dormant units (ReDo). */
        DORMANT("reinit-dormant", UnitSelection.DORMANT),
        /** Re-initialise gradient-dormant units (GraMa). */
        GRADIENT_DORMANT("reinit-gradient", UnitSelection.GRADIENT_DORMANT),
        /** Replace low-utility units at a rate (Continual Backprop). */
        LOW_UTILITY("reinit-utility", UnitSelection.LOW_UTILITY);

        final String label;
        final UnitSelection selection;

        Variant(String label, UnitSelection selection) {
            this.label = label;
            this.selection = selection;
        }

        static Variant parse(String label) {
            return Choices.parse(values(), v -> v.label, label, "must be one of "
                    + Choices.list(values(), v -> v.label));
        }
    }

    /**
     * The settings of one problem.
     *
     * @param batch           examples per update
     * @param learningRate    the Sgd step per update
     * @param examples        examples of the run
     * @param bin             examples per bin (MNIST: one task)
     * @param hidden          hidden layer widths
     * @param every           re-initialisation check period in iterations (DEAD, DORMANT, GRADIENT_DORMANT)
     * @param maturity        iterations a unit is protected after (re-)initialisation
     * @param replacementRate Continual Backprop's rate per iteration (LOW_UTILITY)
     * @param seed            the seed of data, network and re-draws
     */
    record Setup(int batch, double learningRate, long examples, long bin, int[] hidden, int every, int maturity,
                 double replacementRate, long seed) {
    }

    /** ReDo's threshold for the dormant share and DORMANT re-initialisation (their Ant configuration). */
    static final double DORMANT_TAU = 0.1;
    /** GraMa's threshold for GRADIENT_DORMANT re-initialisation. */
    static final double GRADIENT_TAU = 0.01;
    /** The low-utility share: units whose utility score (utility over the layer mean) is at most this. */
    static final double UTILITY_TAU = 0.1;

    /**
     * One bin of a run.
     *
     * @param examples      examples seen at the end of the bin
     * @param metric        the bin's mean squared error (regression) or accuracy (MNIST), measured before updates
     * @param deadShare     dead hidden units / hidden units, averaged over the bin's iterations
     * @param dormantShare  tau-dormant (s_j <= {@value #DORMANT_TAU}) hidden units / hidden units, averaged
     * @param lowUtilShare  hidden units with utility score <= {@value #UTILITY_TAU} / hidden units, averaged
     * @param reinitialized units re-initialised in the bin
     */
    record Bin(long examples, double metric, double deadShare, double dormantShare, double lowUtilShare,
               long reinitialized) {
    }

    /**
     * One finished run.
     *
     * @param problem the problem
     * @param variant the variant
     * @param setup   its settings
     * @param bins    the bins, in order
     * @param seconds wall time of the training loop
     * @param cpu     CPU time of the thread that trained it, in seconds
     */
    record Run(Problem problem, Variant variant, Setup setup, List<Bin> bins, double seconds, double cpu) {
        long reinitialized() {
            return bins.stream().mapToLong(Bin::reinitialized).sum();
        }
    }

    private PlasticityRunner() {
    }

    /** The data stream of a problem. */
    interface Stream {
        DataSet next(int batch);
    }

    /**
     * Trains one run.
     *
     * @param problem the problem
     * @param variant the variant
     * @param setup   the settings
     * @param data    the stream (fresh, seeded)
     * @param inputs  features per example
     * @param outputs outputs per example
     * @return the run
     */
    static Run run(Problem problem, Variant variant, Setup setup, Stream data, int inputs, int outputs) {
        long start = System.nanoTime();
        long cpuStart = cpuNanos();
        MultiLayerNetwork net = network(problem, variant, setup, inputs, outputs);
        DeadReluListener listener = variant == Variant.LINEAR ? null : listener(variant, setup);
        if (listener != null) {
            net.setListeners(listener);
        }
        List<Bin> bins = new ArrayList<>();
        Accumulator acc = new Accumulator();
        long seen = 0;
        while (seen < setup.examples()) {
            int b = (int) Math.min(setup.batch(), Math.min(setup.examples() - seen,
                    setup.bin() - seen % setup.bin()));
            DataSet ds = data.next(b);
            if (problem == Problem.MNIST) {
                INDArray out = net.output(ds.getFeatures(), false);
                acc.metric += out.argMax(1).eq(ds.getLabels().argMax(1)).castTo(DataType.INT).sumNumber()
                        .doubleValue();
            }
            net.fit(ds);
            if (problem == Problem.REGRESSION) {
                acc.metric += net.score() * b;   // MSE of the batch before the update, times its examples
            }
            acc.examples += b;
            if (listener != null) {
                acc.add(listener.snapshot());
            }
            seen += b;
            if (seen % setup.bin() == 0 || seen == setup.examples()) {
                bins.add(acc.bin(seen));
                acc = new Accumulator();
            }
        }
        if (listener != null) {
            listener.close();
        }
        return new Run(problem, variant, setup, bins, (System.nanoTime() - start) / 1e9,
                (cpuNanos() - cpuStart) / 1e9);
    }

    private static long cpuNanos() {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        return mx.isCurrentThreadCpuTimeSupported() ? mx.getCurrentThreadCpuTime() : 0;
    }

    /** Sums of one bin. */
    private static final class Accumulator {
        double metric;
        long examples;
        double dead;
        double dormant;
        double lowUtility;
        long snapshots;
        long reinitialized;

        void add(GateSnapshot s) {
            int units = 0;
            int d = 0;
            int dor = 0;
            int low = 0;
            for (LayerGates g : s.layers()) {
                units += g.units();
                d += g.deadUnits().length;
                dor += g.dormantUnits().length;
                for (double u : g.utilityScores()) {
                    if (u <= UTILITY_TAU) {
                        low++;
                    }
                }
                reinitialized += g.reinitialized();
            }
            if (units > 0) {
                dead += (double) d / units;
                dormant += (double) dor / units;
                lowUtility += (double) low / units;
                snapshots++;
            }
        }

        Bin bin(long seen) {
            double n = Math.max(snapshots, 1);
            return new Bin(seen, metric / examples, snapshots == 0 ? Double.NaN : dead / n,
                    snapshots == 0 ? Double.NaN : dormant / n, snapshots == 0 ? Double.NaN : lowUtility / n,
                    reinitialized);
        }
    }

    /**
     * The learner: ReLU hidden layers with Kaiming-uniform incoming weights and zero biases, a linear output with
     * LeCun-uniform weights (PyTorch's {@code kaiming_uniform_(nonlinearity='linear')}), as {@code lop/nets/ffnn.py};
     * plain Sgd. Regression: MSE on one output; MNIST: softmax and cross-entropy.
     */
    static MultiLayerNetwork network(Problem problem, Variant variant, Setup setup, int inputs, int outputs) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(setup.seed())
                .dataType(DataType.FLOAT).updater(new Sgd(setup.learningRate())).biasInit(0.0).list();
        int in = inputs;
        if (variant != Variant.LINEAR) {
            for (int w : setup.hidden()) {
                b.layer(new DenseLayer.Builder().nIn(in).nOut(w).activation(Activation.RELU)
                        .weightInit(WeightInit.RELU_UNIFORM).build());
                in = w;
            }
        }
        b.layer(problem == Problem.REGRESSION
                ? new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(in).nOut(outputs)
                        .activation(Activation.IDENTITY).weightInit(WeightInit.LECUN_UNIFORM).build()
                : new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(in).nOut(outputs)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.LECUN_UNIFORM).build());
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        return net;
    }

    /**
     * The listener of a variant: monitoring with the dormancy threshold and the utility tracked (for the shares), and
     * the variant's policy.
     */
    static DeadReluListener listener(Variant variant, Setup setup) {
        DeadReluListener.Builder b = DeadReluListener.builder().frequency(0).logReports(false).historySize(1)
                .dormancyThreshold(DORMANT_TAU).utilityScores(true);
        if (variant.selection == null) {
            return b.build();
        }
        ReinitPolicy.Builder p = ReinitPolicy.builder().select(variant.selection).seed(setup.seed());
        switch (variant.selection) {
            case DORMANT -> p.threshold(DORMANT_TAU).every(setup.every()).maturity(setup.maturity());
            case GRADIENT_DORMANT -> {
                p.threshold(GRADIENT_TAU).every(setup.every()).maturity(setup.maturity());
                b.gradientScores(true);
            }
            case LOW_UTILITY -> p.replacementRate(setup.replacementRate()).every(1).maturity(setup.maturity());
            default -> p.every(setup.every()).maturity(setup.maturity());
        }
        return b.reinitialize(p.build()).build();
    }

    /** @return a one-line description of a setup, for the report footer */
    static String describe(Problem problem, Setup s) {
        return String.format(Locale.ROOT, "%s: %,d examples, batch %d, Sgd %s, hidden %s, bins of %,d, checks every %d "
                        + "iterations, maturity %d, replacement rate %s, seed %d", problem.label, s.examples(), s.batch(),
                s.learningRate(), java.util.Arrays.toString(s.hidden()), s.bin(), s.every(), s.maturity(),
                s.replacementRate(), s.seed());
    }
}
