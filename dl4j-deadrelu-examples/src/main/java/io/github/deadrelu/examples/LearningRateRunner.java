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

import io.github.deadrelu.examples.support.Choices;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.StudyData;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.DeadReluAnalysis;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The runner of {@link LearningRateStudy}: its configurations and results, and the training and measuring of each run
 * (the study's protocol is in the {@link LearningRateStudy} Javadoc).
 */
final class LearningRateRunner {

    private LearningRateRunner() {
    }

    /** The optimizers. */
    enum Optimizer implements Choices.Named {
        SGD("Sgd"), ADAM("Adam");

        final String label;

        Optimizer(String label) {
            this.label = label;
        }

        IUpdater updater(double lr) {
            return this == SGD ? new Sgd(lr) : new Adam(lr);
        }
    }

    /** The variants compared at each rate. */
    enum Variant implements Choices.Named {
        RELU("ReLU"),
        LEAKY("Leaky ReLU"),
        REINIT_ZERO("ReLU + re-init (ZERO)"),
        REINIT_KEEP("ReLU + re-init (KEEP)");

        final String label;

        Variant(String label) {
            this.label = label;
        }

        static Variant parse(String s) {
            return Choices.parse(values(), Variant::csvName, s, "variant must be one of "
                    + Choices.list(values(), Variant::csvName));
        }
    }

    /**
     * One training run's configuration.
     *
     * @param optimizer the optimizer
     * @param lr        the learning rate
     * @param variant   the variant
     * @param seed      the seed (weights and re-initialisation)
     */
    record Config(Optimizer optimizer, double lr, Variant variant, long seed) {
    }

    /**
     * One layer's result in one run.
     *
     * @param name               the layer name
     * @param units              its units
     * @param deadUnits          units dead on the evaluation split
     * @param evalClosedShare    closed share over the evaluation split
     * @param evalNegativeShare  negative share over the evaluation split
     * @param trainClosedShare   mean closed share per mini-batch over the last epoch trained (listener; only
     *                           mini-batches without non-finite entries, so up to the divergence for a diverged run;
     *                           NaN when there is none)
     * @param reinitialized      units re-initialised during training
     * @param curve              closed share per bin of iterations (listener)
     * @param negativeCurve      negative share per bin
     * @param deadCurve          listener dead units at the end of each bin
     */
    record LayerResult(String name, int units, int deadUnits, double evalClosedShare, double evalNegativeShare,
            double trainClosedShare, long reinitialized, double[] curve, double[] negativeCurve, int[] deadCurve) {

        double deadFraction() {
            return (double) deadUnits / units;
        }
    }

    /**
     * One run's result.
     *
     * @param config   the configuration
     * @param layers   per hidden layer
     * @param accuracy the evaluation accuracy, NaN when diverged
     * @param bin      iterations per curve bin
     * @param seconds  the run time
     */
    record Run(Config config, List<LayerResult> layers, double accuracy, int bin, double seconds) {

        boolean diverged() {
            return Double.isNaN(accuracy);
        }
    }

    /**
     * Trains every configuration.
     *
     * @param configs     the runs
     * @param data        the data
     * @param hidden      hidden widths
     * @param epochs      epochs
     * @param batch       mini-batch size
     * @param reinitEvery re-initialisation period and maturity of the re-init variants
     * @param bin         iterations per curve bin
     * @param threads     runs at the same time
     * @return the results in the order of {@code configs}
     */
    static List<Run> run(List<Config> configs, StudyData data, int[] hidden, int epochs, int batch, int reinitEvery,
            int bin, int threads) {
        List<Callable<Run>> tasks = new ArrayList<>();
        for (Config c : configs) {
            tasks.add(() -> runOne(c, data, hidden, epochs, batch, reinitEvery, bin));
        }
        return Mlp.runAll(tasks, threads, "learning-rate");
    }

    /** Trains and measures one configuration. */
    static Run runOne(Config c, StudyData data, int[] hidden, int epochs, int batch, int reinitEvery, int bin) {
        long start = System.nanoTime();
        Activation act = c.variant() == Variant.LEAKY ? Activation.LEAKYRELU : Activation.RELU;
        MultiLayerNetwork net = Mlp.build(data.features(), hidden, data.classes(), act, c.optimizer().updater(c.lr()),
                c.seed());
        List<DataSet> batches = data.trainBatches(batch);
        int iterations = epochs * batches.size();
        DeadReluListener.Builder lb = DeadReluListener.builder().frequency(0).logReports(false)
                .historySize(iterations);
        if (c.variant() == Variant.REINIT_ZERO || c.variant() == Variant.REINIT_KEEP) {
            lb.reinitialize(ReinitPolicy.builder().every(reinitEvery).maturity(reinitEvery).seed(c.seed())
                    .outgoing(c.variant() == Variant.REINIT_ZERO ? OutgoingWeights.ZERO : OutgoingWeights.KEEP)
                    .build());
        }
        DeadReluListener listener = lb.build();
        net.setListeners(listener);
        boolean diverged = false;
        for (int e = 0; e < epochs && !diverged; e++) {
            diverged = !Mlp.fitEpoch(net, batches);
        }
        List<GateSnapshot> history = listener.history();
        double accuracy = diverged ? Double.NaN : Mlp.accuracy(net, data.eval());
        DeadReluAnalysis analysis = DeadReluAnalysis.of(net, Mlp.iterator(data.evalBatches()));
        List<LayerResult> layers = new ArrayList<>();
        int lastEpochFrom = Math.max(0, history.size() - batches.size());
        for (LayerGates g : analysis.layers()) {
            String name = g.name();
            List<LayerGates> h = history.stream().map(s -> s.layer(name).orElseThrow()).toList();
            // Mini-batches with non-finite entries (a diverging run) have no meaningful closed share: left out.
            double trainClosed = h.subList(lastEpochFrom, h.size()).stream().filter(x -> x.nonFinite() == 0)
                    .mapToDouble(LayerGates::closedShare).average().orElse(Double.NaN);
            long reinit = h.stream().mapToLong(LayerGates::reinitialized).sum();
            int bins = (h.size() + bin - 1) / bin;
            double[] curve = new double[bins];
            double[] negCurve = new double[bins];
            int[] deadCurve = new int[bins];
            for (int k = 0; k < bins; k++) {
                List<LayerGates> part = h.subList(k * bin, Math.min(h.size(), (k + 1) * bin));
                curve[k] = part.stream().filter(x -> x.nonFinite() == 0).mapToDouble(LayerGates::closedShare)
                        .average().orElse(Double.NaN);
                negCurve[k] = part.stream().filter(x -> x.nonFinite() == 0).mapToDouble(LayerGates::negativeShare)
                        .average().orElse(Double.NaN);
                deadCurve[k] = part.get(part.size() - 1).deadUnits().length;
            }
            // A diverged network has only non-finite entries: no unit is closed on all of them, none is dead.
            layers.add(new LayerResult(name, g.units(), g.deadUnits().length, g.closedShare(), g.negativeShare(),
                    trainClosed, reinit, curve, negCurve, deadCurve));
        }
        return new Run(c, layers, accuracy, bin, (System.nanoTime() - start) / 1e9);
    }
}
