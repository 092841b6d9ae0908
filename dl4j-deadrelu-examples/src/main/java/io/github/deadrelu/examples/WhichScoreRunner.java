/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Trains the ResNet-style graph of {@link ReinitDefaultsModels} (dense stem + BatchNormalization + ReLU, residual
 * blocks dense-BN-ReLU-dense-BN-add-ReLU) with a {@link DeadReluListener} that reports all three scores, and records,
 * every few iterations and per gated layer, the dead, tau-dormant (ReDo) and gradient-dormant (GraMa) sets.
 */
final class WhichScoreRunner {

    /** Where a gated layer sits: after BatchNormalization, or after the residual add. */
    enum Place {
        AFTER_BN("after BN"), AFTER_ADD("after residual add");

        final String label;

        Place(String label) {
            this.label = label;
        }

        static Place of(String layer) {
            return layer.endsWith("relu2") ? AFTER_ADD : AFTER_BN;
        }
    }

    /**
     * The settings of one run.
     *
     * @param width      the graph's width
     * @param blocks     its residual blocks
     * @param batch      mini-batch size
     * @param epochs     epochs
     * @param learningRate Adam's learning rate
     * @param tau        ReDo's dormancy threshold
     * @param gradTau    the gradient-dormancy threshold on GraMa's normalised score
     * @param deadAfter  the listener's deadAfterExamples
     * @param every      record every this many iterations (and the first and last)
     * @param seed       the seed of the initial weights
     * @param plant      plant three known units into b1_relu1 (see {@link #plant})
     */
    record Settings(int width, int blocks, int batch, int epochs, double learningRate, double tau, double gradTau,
                    int deadAfter, int every, long seed, boolean plant) {
    }

    /**
     * One gated layer at one recorded iteration.
     *
     * @param iteration   the iteration
     * @param layer       the layer name
     * @param place       where it sits
     * @param units       its units
     * @param dead        dead units
     * @param dormant     tau-dormant units
     * @param gradDormant gradient-dormant units; null when the layer has no gradient score (no owner of incoming
     *                    weights: the ReLU after a residual add)
     */
    record Row(int iteration, String layer, Place place, int units, BitSet dead, BitSet dormant, BitSet gradDormant) {

        boolean hasGradient() {
            return gradDormant != null;
        }

        static int count(BitSet a) {
            return a == null ? 0 : a.cardinality();
        }

        static BitSet and(BitSet a, BitSet b) {
            BitSet r = (BitSet) a.clone();
            r.and(b);
            return r;
        }

        static BitSet minus(BitSet a, BitSet b) {
            BitSet r = (BitSet) a.clone();
            r.andNot(b);
            return r;
        }

        /** @return |a and b| / |a or b|, NaN when both are empty */
        static double jaccard(BitSet a, BitSet b) {
            BitSet union = (BitSet) a.clone();
            union.or(b);
            return union.isEmpty() ? Double.NaN : (double) and(a, b).cardinality() / union.cardinality();
        }
    }

    /**
     * The result of a run.
     *
     * @param rows       the records, in iteration order
     * @param iterations iterations trained
     * @param accuracy   accuracy on the evaluation set at the end
     */
    record Result(List<Row> rows, int iterations, double accuracy) {
    }

    private WhichScoreRunner() {
    }

    /**
     * Trains and records.
     *
     * @param s       the settings
     * @param train   training batches
     * @param eval    the evaluation set
     * @param classes classes
     * @return the records
     */
    static Result run(Settings s, List<DataSet> train, DataSet eval, int classes) {
        int features = (int) train.get(0).getFeatures().size(1);
        ComputationGraph net = (ComputationGraph) ReinitDefaultsModels.build(ReinitDefaultsModels.Arch.RESNET,
                new ReinitDefaultsModels.Sizes(new int[]{1}, new int[]{1, 1}, 1, s.width(), s.blocks()), features,
                classes, new Adam(s.learningRate()), s.seed());
        if (s.plant()) {
            plant(net);
        }
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(s.deadAfter()).frequency(0)
                .historySize(1).dormancyThreshold(s.tau()).gradientScores(true).build();
        net.setListeners(listener);
        List<Row> rows = new ArrayList<>();
        int it = 0;
        int total = s.epochs() * train.size();
        for (int e = 0; e < s.epochs(); e++) {
            for (DataSet b : train) {
                net.fit(b);
                if (it % s.every() == 0 || it == total - 1) {
                    record(listener.snapshot(), s.gradTau(), rows);
                }
                it++;
            }
        }
        Evaluation ev = net.evaluate(new org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator<>(
                List.of(eval), eval.numExamples()));
        return new Result(rows, it, ev.accuracy());
    }

    private static void record(GateSnapshot snap, double gradTau, List<Row> rows) {
        for (LayerGates l : snap.layers()) {
            double[] g = l.gradientScores();
            BitSet grad = g.length == 0 ? null : bits(IntStream.range(0, g.length).filter(u -> g[u] <= gradTau)
                    .toArray());
            rows.add(new Row(snap.iteration(), l.name(), Place.of(l.name()), l.units(), bits(l.deadUnits()),
                    bits(l.dormantUnits()), grad));
        }
    }

    private static BitSet bits(int[] units) {
        BitSet b = new BitSet();
        Arrays.stream(units).forEach(b::set);
        return b;
    }

    /**
     * Plants three units into layer b1_relu1 (after b1_bn1), whose scores are known at the first iteration: unit 0
     * has BN gamma 0 and beta 0.001 (a constant tiny activity: tau-dormant, never closed, not dead); unit 1 has zero
     * outgoing weights (row 1 of b1_dense2's W: no loss gradient reaches it, so its incoming-weight gradient is 0:
     * gradient-dormant, while BN keeps its activity normal: not tau-dormant); unit 2 has gamma 0 and beta -1 (closed
     * on every entry: dead, dormant and gradient-dormant).
     *
     * @param net the graph built by {@link ReinitDefaultsModels}
     */
    static void plant(ComputationGraph net) {
        var bn = net.getLayer("b1_bn1");
        bn.getParam("gamma").putScalar(0, 0.0);
        bn.getParam("beta").putScalar(0, 1e-3);
        bn.getParam("gamma").putScalar(2, 0.0);
        bn.getParam("beta").putScalar(2, -1.0);
        net.getLayer("b1_dense2").getParam("W").getRow(1).assign(0.0);
    }
}
