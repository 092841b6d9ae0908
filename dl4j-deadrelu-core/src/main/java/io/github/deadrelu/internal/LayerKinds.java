/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What the re-initialiser needs to know about layer kinds beyond their unit layout: a layer's parameters, which
 * layers own incoming weights and which weights carry the output units, and a node's output width (through
 * pass-through layers and merges). Every layout question (which layers keep units apart, the axis a consumer's
 * weights read, the layout after a layer, preprocessor or vertex, the real frame of a weight array) is answered by
 * the layout authority, {@link UnitLayouts} and {@link Layout}.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class LayerKinds {

    private LayerKinds() {
    }

    /** A parameter of a layer, or null (also for layers without parameters, whose getParam throws). */
    static INDArray paramOf(Layer layer, String key) {
        Map<String, INDArray> table = layer.paramTable();
        return table == null ? null : table.get(key);
    }

    /** The key of an owner's weights that carry its output units: {@code pW} for separable, else {@code W}. */
    static String firstWeightKey(ModelTopology.Node owner) {
        return owner.conf instanceof SeparableConvolution2D ? "pW" : "W";
    }

    /** @return true when the node is a layer that owns incoming weights (stops the backward walk) */
    static boolean ownsWeights(ModelTopology.Node n) {
        if (!n.isLayer() || n.layer == null || UnitLayouts.keepsUnits(n.conf)) {
            return false;
        }
        return paramOf(n.layer, "W") != null;
    }

    /** Output units of a node (features or channels), or -1 when unknown. */
    static long width(ModelTopology topo, ModelTopology.Node n) {
        return width(topo, n, new HashSet<>());
    }

    private static long width(ModelTopology topo, ModelTopology.Node n, Set<String> seen) {
        if (!seen.add(n.name) || n.networkInput) {
            return -1;
        }
        if (n.isLayer()) {
            if (n.conf instanceof FeedForwardLayer && !UnitLayouts.keepsUnits(n.conf)
                    && ((FeedForwardLayer) n.conf).getNOut() > 0) {
                return ((FeedForwardLayer) n.conf).getNOut();
            }
            if (UnitLayouts.keepsUnits(n.conf) && n.inputs.size() == 1 && n.pre == null) {
                return width(topo, topo.node(n.inputs.get(0)), seen);
            }
            return -1;
        }
        if (n.vertexConf instanceof MergeVertex) {
            long sum = 0;
            for (String in : n.inputs) {
                long wd = width(topo, topo.node(in), new HashSet<>(seen));
                if (wd <= 0) {
                    return -1;
                }
                sum += wd;
            }
            return sum;
        }
        if (n.vertexConf instanceof ScaleVertex || n.vertexConf instanceof ShiftVertex) {
            return n.inputs.size() == 1 ? width(topo, topo.node(n.inputs.get(0)), seen) : -1;
        }
        return -1;
    }
}
