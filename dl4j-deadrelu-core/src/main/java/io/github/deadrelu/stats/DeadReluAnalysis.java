/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.DormancyScores;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitCounts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dead units and closed shares of a trained network over a whole data set, without training.
 *
 * <p>Runs the network in inference mode (no dropout) over every mini-batch of the iterator and adds the per-unit gate
 * counts up. A unit is <em>dead on the data set</em> when it is closed on every one of its entries over the whole data
 * set: the strict definition, independent of batch size and streak length. Masks are respected.
 *
 * <pre>{@code
 * DeadReluAnalysis a = DeadReluAnalysis.of(net, evalIterator);
 * for (LayerGates l : a.layers()) {
 *     System.out.printf("%s: %d of %d units dead, closed share %.3f%n",
 *             l.name(), l.deadUnits().length, l.units(), l.closedShare());
 * }
 * }</pre>
 *
 * <p>In each {@link LayerGates}: {@code closedShare}/{@code negativeShare} are over all finite entries of the data
 * set, {@code unitClosedFractions} per unit (a unit's open fraction is {@code 1 -} its closed fraction),
 * {@code nonFinite} the non-finite entries; newly dead, revived and re-initialised are 0. {@code dormancyScores} are
 * ReDo's scores over the whole pass: m_j = mean |a_j| over the unit's finite, unmasked entries of the whole data set
 * (convolutions: batch and spatial axes), s_j = m_j / ((1/U) sum_k m_k), all 0 when that layer mean is 0, and empty
 * for a layer that had a non-finite entry anywhere in the pass (as {@link LayerGates#dormancyScores()} documents);
 * {@code dormantUnits} are the units with s_j &lt;= tau when a threshold is set
 * ({@code DeadReluAnalysis.builder().dormancyThreshold(tau).of(net, data)}), else empty; {@code gradientScores} are
 * empty (no gradient is computed). A condition that makes the
 * counts of a layer an estimate (a mask that does not fit its activations, ...) is logged once per layer and message
 * as a WARN. Immutable.
 */
public final class DeadReluAnalysis {
    private static final Logger log = LoggerFactory.getLogger(DeadReluAnalysis.class);

    private final List<LayerGates> layers;
    private final long examples;

    private DeadReluAnalysis(List<LayerGates> layers, long examples) {
        this.layers = List.copyOf(layers);
        this.examples = examples;
    }

    /**
     * Analyses a network over a data set.
     *
     * @param net  a MultiLayerNetwork, or a ComputationGraph with one input
     * @param data the data set; reset first when it supports reset, then read to its end
     * @return the analysis
     * @throws IllegalArgumentException for another model type or a graph with several inputs (use
     *                                  {@link #of(ComputationGraph, MultiDataSetIterator)} for those)
     * @throws NullPointerException     when an argument is null
     */
    public static DeadReluAnalysis of(Model net, DataSetIterator data) {
        return builder().of(net, data);
    }

    /**
     * Starts an analysis with options (the dormancy threshold); {@link #of(Model, DataSetIterator)} is
     * {@code builder().of(net, data)}.
     *
     * @return a builder with no dormancy threshold
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Options of an analysis; each {@code of} runs one analysis with them. */
    public static final class Builder {
        private double dormancyThreshold = Double.NaN;

        private Builder() {
        }

        /**
         * Reports the tau-dormant units ({@link LayerGates#dormantUnits()}): those with ReDo score s_j &lt;= tau over
         * the whole data set. Without it {@code dormantUnits()} is empty; the scores are filled either way.
         *
         * @param tau the threshold, in [0, 1]
         * @return this builder
         * @throws IllegalArgumentException when {@code tau} is not in [0, 1]
         */
        public Builder dormancyThreshold(double tau) {
            if (!(tau >= 0 && tau <= 1)) {
                throw new IllegalArgumentException("dormancyThreshold must be in [0, 1], got: " + tau);
            }
            this.dormancyThreshold = tau;
            return this;
        }

        /**
         * Analyses a network over a data set, as {@link DeadReluAnalysis#of(Model, DataSetIterator)} does.
         *
         * @param net  a MultiLayerNetwork, or a ComputationGraph with one input
         * @param data the data set; reset first when it supports reset, then read to its end
         * @return the analysis
         * @throws IllegalArgumentException for another model type or a graph with several inputs
         * @throws NullPointerException     when an argument is null
         */
        public DeadReluAnalysis of(Model net, DataSetIterator data) {
            return analyse(net, data, dormancyThreshold);
        }

        /**
         * Analyses a ComputationGraph with any number of inputs, as
         * {@link DeadReluAnalysis#of(ComputationGraph, MultiDataSetIterator)} does.
         *
         * @param net  a ComputationGraph, initialised
         * @param data the data set; reset first when it supports reset, then read to its end
         * @return the analysis
         * @throws IllegalArgumentException when a mini-batch's number of feature arrays is not the graph's number of
         *                                  inputs
         * @throws NullPointerException     when an argument is null
         */
        public DeadReluAnalysis of(ComputationGraph net, MultiDataSetIterator data) {
            return analyse(net, data, dormancyThreshold);
        }
    }

    private static DeadReluAnalysis analyse(Model net, DataSetIterator data, double tau) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(data, "data");
        if (!Models.isSupported(net)) {
            throw NetworkInspector.unsupported(net);
        }
        if (Models.isGraph(net)) {
            int inputs = ((ComputationGraph) net).getConfiguration().getNetworkInputs().size();
            if (inputs != 1) {
                throw new IllegalArgumentException("net must be a ComputationGraph with 1 input for a "
                        + "DataSetIterator, got: " + inputs + " inputs (use DeadReluAnalysis.of(ComputationGraph, "
                        + "MultiDataSetIterator))");
            }
        }
        if (data.resetSupported()) {
            data.reset();
        }
        Run run = new Run(net, tau);
        while (data.hasNext()) {
            DataSet ds = data.next();
            INDArray fm = ds.getFeaturesMaskArray();
            INDArray lm = ds.getLabelsMaskArray();
            run.batch(new INDArray[]{ds.getFeatures()}, fm == null ? null : new INDArray[]{fm},
                    lm == null ? null : new INDArray[]{lm});
        }
        return run.result();
    }

    /**
     * Analyses a ComputationGraph with any number of inputs over a multi-input data set. Features and their masks
     * are given to the graph's inputs in the order of its configuration's network inputs.
     *
     * @param net  a ComputationGraph, initialised
     * @param data the data set; reset first when it supports reset, then read to its end
     * @return the analysis
     * @throws IllegalArgumentException when a mini-batch's number of feature arrays is not the graph's number of
     *                                  inputs
     * @throws NullPointerException     when an argument is null
     */
    public static DeadReluAnalysis of(ComputationGraph net, MultiDataSetIterator data) {
        return builder().of(net, data);
    }

    private static DeadReluAnalysis analyse(ComputationGraph net, MultiDataSetIterator data, double tau) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(data, "data");
        int inputs = net.getConfiguration().getNetworkInputs().size();
        if (data.resetSupported()) {
            data.reset();
        }
        Run run = new Run(net, tau);
        while (data.hasNext()) {
            MultiDataSet ds = data.next();
            INDArray[] f = ds.getFeatures();
            if (f == null || f.length != inputs) {
                throw new IllegalArgumentException("features must be " + inputs + " arrays (one per network input "
                        + net.getConfiguration().getNetworkInputs() + "), got: " + (f == null ? 0 : f.length));
            }
            run.batch(f, ds.getFeaturesMaskArrays(), ds.getLabelsMaskArrays());
        }
        return run.result();
    }

    /** One analysis: the monitored layers, the running totals, the warnings given. */
    private static final class Run {
        private final Model net;
        private final List<LayerSpec> specs;
        /** Keyed by the layer's index: two layers of a MultiLayerNetwork may share a name. */
        private final Map<Integer, UnitCounts> totals = new LinkedHashMap<>();
        private final Set<String> warned = new HashSet<>();
        private long examples;
        /** The dormancy threshold, NaN for none. */
        private final double tau;

        Run(Model net, double tau) {
            this.net = net;
            this.tau = tau;
            this.specs = NetworkInspector.discover(net);
        }

        void batch(INDArray[] features, INDArray[] featureMasks, INDArray[] labelMasks) {
            examples += features[0].size(0);
            if (specs.isEmpty()) {
                return;
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                for (Map.Entry<Integer, UnitCounts> e : countBatch(features, featureMasks, labelMasks).entrySet()) {
                    totals.merge(e.getKey(), e.getValue(), UnitCounts::plus);
                }
            }
        }

        /** One WARN per distinct (layer, message) of this analysis. */
        private void warn(String layer, String message) {
            if (warned.add(layer + '\u0000' + message)) {
                log.warn("DeadReluAnalysis: {}", message);
            }
        }

        private Map<Integer, UnitCounts> countBatch(INDArray[] f, INDArray[] fm, INDArray[] lm) {
            Map<Integer, UnitCounts> counts = new LinkedHashMap<>();
            long mb = f[0].size(0);
            if (Models.isMultiLayer(net)) {
                MultiLayerNetwork mln = (MultiLayerNetwork) net;
                INDArray fMask = fm == null ? null : fm[0];
                INDArray lMask = lm == null ? null : lm[0];
                mln.setLayerMaskArrays(fMask, lMask);
                try {
                    List<INDArray> acts = mln.feedForward(f[0], false);
                    mln.setLayerMaskArrays(fMask, lMask);
                    for (LayerSpec s : specs) {
                        counts.put(s.index(), ActivationCounter.count(net, s, acts.get(s.mlnIndex() + 1), mb,
                                this::warn));
                    }
                } finally {
                    mln.clearLayerMaskArrays();
                }
            } else {
                ComputationGraph cg = (ComputationGraph) net;
                cg.setLayerMaskArrays(fm, lm);
                try {
                    Map<String, INDArray> acts = cg.feedForward(f, false, true);
                    cg.setLayerMaskArrays(fm, lm);
                    for (LayerSpec s : specs) {
                        INDArray a = acts.get(s.name());
                        if (a != null) {
                            counts.put(s.index(), ActivationCounter.count(net, s, a, mb, this::warn));
                        }
                    }
                } finally {
                    cg.clearLayerMaskArrays();
                }
            }
            return counts;
        }

        DeadReluAnalysis result() {
            List<LayerGates> out = new ArrayList<>();
            for (LayerSpec s : specs) {
                UnitCounts c = totals.get(s.index());
                if (c == null) {
                    continue;
                }
                List<Integer> dead = new ArrayList<>();
                double[] fractions = new double[c.units()];
                for (int u = 0; u < c.units(); u++) {
                    fractions[u] = c.unitClosedFraction(u);
                    if (c.batchDead(u)) {
                        dead.add(u);
                    }
                }
                double[] scores = c.hasAbsSums() ? DormancyScores.scores(c, c.absSums()) : new double[0];
                int[] dormant = Double.isNaN(tau) ? new int[0] : DormancyScores.dormant(scores, tau);
                out.add(new LayerGates(s.name(), s.index(), c.units(), c.closedShare(), c.negativeShare(),
                        dead.stream().mapToInt(Integer::intValue).toArray(), 0, 0, 0, 0, c.totalNonFinite(),
                        s.recoverable(), OptionalDouble.empty(), fractions, c.estimated(), scores, dormant,
                        new double[0]));
            }
            return new DeadReluAnalysis(out, examples);
        }
    }

    /** @return the monitored layers in network order; {@code deadUnits} are dead on the whole data set */
    public List<LayerGates> layers() {
        return layers;
    }

    /** @return the number of examples analysed */
    public long examples() {
        return examples;
    }

    /**
     * Finds a layer by name.
     *
     * @param name the layer name
     * @return the layer, or empty
     */
    public java.util.Optional<LayerGates> layer(String name) {
        Objects.requireNonNull(name, "name");
        return layers.stream().filter(l -> l.name().equals(name)).findFirst();
    }

    @Override
    public String toString() {
        return "DeadReluAnalysis(examples=" + examples + ", layers=" + layers + ")";
    }
}
