/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

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
 * {@code nonFinite} the non-finite entries; newly dead, revived and re-initialised are 0. Immutable.
 */
public final class DeadReluAnalysis {
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
     * @throws IllegalArgumentException for another model type or a graph with several inputs
     * @throws NullPointerException     when an argument is null
     */
    public static DeadReluAnalysis of(Model net, DataSetIterator data) {
        Objects.requireNonNull(net, "net");
        Objects.requireNonNull(data, "data");
        if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
            throw NetworkInspector.unsupported(net);
        }
        if (net instanceof ComputationGraph) {
            int inputs = ((ComputationGraph) net).getConfiguration().getNetworkInputs().size();
            if (inputs != 1) {
                throw new IllegalArgumentException("net must be a ComputationGraph with 1 input, got: " + inputs
                        + " inputs");
            }
        }
        List<LayerSpec> specs = NetworkInspector.discover(net);
        Map<String, UnitCounts> totals = new LinkedHashMap<>();
        long examples = 0;
        if (data.resetSupported()) {
            data.reset();
        }
        while (data.hasNext()) {
            DataSet ds = data.next();
            examples += ds.getFeatures().size(0);
            if (specs.isEmpty()) {
                continue;
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                Map<String, UnitCounts> batch = countBatch(net, specs, ds);
                for (Map.Entry<String, UnitCounts> e : batch.entrySet()) {
                    totals.merge(e.getKey(), e.getValue(), UnitCounts::plus);
                }
            }
        }
        List<LayerGates> out = new ArrayList<>();
        for (LayerSpec s : specs) {
            UnitCounts c = totals.get(s.name());
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
            out.add(new LayerGates(s.name(), s.index(), c.units(), c.closedShare(), c.negativeShare(),
                    dead.stream().mapToInt(Integer::intValue).toArray(), 0, 0, 0, c.totalNonFinite(),
                    s.recoverable(), OptionalDouble.empty(), fractions, c.estimated()));
        }
        return new DeadReluAnalysis(out, examples);
    }

    private static Map<String, UnitCounts> countBatch(Model net, List<LayerSpec> specs, DataSet ds) {
        Map<String, UnitCounts> counts = new LinkedHashMap<>();
        INDArray f = ds.getFeatures();
        long mb = f.size(0);
        if (net instanceof MultiLayerNetwork) {
            MultiLayerNetwork mln = (MultiLayerNetwork) net;
            List<INDArray> acts;
            mln.setLayerMaskArrays(ds.getFeaturesMaskArray(), ds.getLabelsMaskArray());
            try {
                acts = mln.feedForward(f, false);
                mln.setLayerMaskArrays(ds.getFeaturesMaskArray(), ds.getLabelsMaskArray());
                for (LayerSpec s : specs) {
                    counts.put(s.name(), ActivationCounter.count(net, s, acts.get(s.mlnIndex() + 1), mb,
                            (k, m) -> { }));
                }
            } finally {
                mln.clearLayerMaskArrays();
            }
        } else {
            ComputationGraph cg = (ComputationGraph) net;
            INDArray[] fm = ds.getFeaturesMaskArray() == null ? null : new INDArray[]{ds.getFeaturesMaskArray()};
            INDArray[] lm = ds.getLabelsMaskArray() == null ? null : new INDArray[]{ds.getLabelsMaskArray()};
            cg.setLayerMaskArrays(fm, lm);
            try {
                Map<String, INDArray> acts = cg.feedForward(new INDArray[]{f}, false, true);
                cg.setLayerMaskArrays(fm, lm);
                for (LayerSpec s : specs) {
                    INDArray a = acts.get(s.name());
                    if (a != null) {
                        counts.put(s.name(), ActivationCounter.count(net, s, a, mb, (k, m) -> { }));
                    }
                }
            } finally {
                cg.clearLayerMaskArrays();
            }
        }
        return counts;
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
