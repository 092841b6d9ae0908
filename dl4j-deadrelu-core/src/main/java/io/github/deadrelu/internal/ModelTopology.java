/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A {@link MultiLayerNetwork} or {@link ComputationGraph} seen as one graph of named nodes with their inputs,
 * consumers, configurations, input preprocessors and layer objects, for the walks that re-initialisation makes
 * (from a gate back to the weights that feed it, and from a gate forward to the weights that read it).
 *
 * <p>Built from the model's configuration each time it is needed (cheap: one node per layer or vertex). Used by
 * dl4j-deadrelu internals, and should not be called by external code.
 */
final class ModelTopology {

    /** One node: a layer, a non-layer graph vertex, or a network input. */
    static final class Node {
        final String name;
        final List<String> inputs = new ArrayList<>();
        final List<String> consumers = new ArrayList<>();
        /** The layer configuration as configured (wrappers included), null for a non-layer node. */
        org.deeplearning4j.nn.conf.layers.Layer rawConf;
        /** The layer configuration with wrappers removed, null for a non-layer node. */
        org.deeplearning4j.nn.conf.layers.Layer conf;
        /** The configuration of a non-layer graph vertex, null otherwise. */
        GraphVertex vertexConf;
        /** The preprocessor applied to this layer's input, or null. */
        InputPreProcessor pre;
        /** The layer object (top level, wrappers included), null for a non-layer node. */
        Layer layer;
        boolean networkInput;
        boolean networkOutput;

        Node(String name) {
            this.name = name;
        }

        boolean isLayer() {
            return conf != null;
        }

        /** @return true when the layer is wrapped in FrozenLayer or FrozenLayerWithBackprop */
        boolean frozen() {
            org.deeplearning4j.nn.conf.layers.Layer l = rawConf;
            while (l != null) {
                if (l instanceof FrozenLayer || l instanceof FrozenLayerWithBackprop) {
                    return true;
                }
                l = l instanceof BaseWrapperLayer ? ((BaseWrapperLayer) l).getUnderlying() : null;
            }
            return false;
        }

        /** @return a short description for messages: {@code name (Type)} */
        String describe() {
            String type = conf != null ? conf.getClass().getSimpleName()
                    : vertexConf != null ? vertexConf.getClass().getSimpleName() : "network input";
            return name + " (" + type + ")";
        }
    }

    private final Map<String, Node> nodes;

    private ModelTopology(Map<String, Node> nodes) {
        this.nodes = nodes;
        for (Node n : nodes.values()) {
            for (String in : n.inputs) {
                Node src = nodes.get(in);
                if (src != null) {
                    src.consumers.add(n.name);
                }
            }
        }
    }

    /**
     * The topology of a model.
     *
     * @param model a MultiLayerNetwork or ComputationGraph
     * @return its topology
     * @throws IllegalArgumentException for another model type
     */
    static ModelTopology of(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return new ModelTopology(mln((MultiLayerNetwork) model));
        }
        if (model instanceof ComputationGraph) {
            return new ModelTopology(cg((ComputationGraph) model));
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * @param name a node name
     * @return the node
     * @throws IllegalArgumentException when there is no such node
     */
    Node node(String name) {
        Node n = nodes.get(name);
        if (n == null) {
            throw new IllegalArgumentException("layer must be in the network, got: " + name);
        }
        return n;
    }

    private static Map<String, Node> mln(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        Map<String, Node> nodes = new LinkedHashMap<>();
        Node in = new Node(NetworkInspector.MLN_INPUT);
        in.networkInput = true;
        nodes.put(in.name, in);
        String prev = in.name;
        int n = conf.getConfs().size();
        for (int i = 0; i < n; i++) {
            Node node = new Node(NetworkInspector.mlnLayerName(net, i));
            node.rawConf = conf.getConf(i).getLayer();
            node.conf = NetworkInspector.unwrap(node.rawConf);
            node.pre = conf.getInputPreProcess(i);
            node.layer = net.getLayer(i);
            node.networkOutput = i == n - 1;
            node.inputs.add(prev);
            if (nodes.put(node.name, node) != null) {
                throw new IllegalArgumentException("layer names must be unique for re-initialisation, got: "
                        + node.name + " twice");
            }
            prev = node.name;
        }
        return nodes;
    }

    private static Map<String, Node> cg(ComputationGraph cg) {
        ComputationGraphConfiguration conf = cg.getConfiguration();
        Map<String, Node> nodes = new LinkedHashMap<>();
        Set<String> outputs = new HashSet<>(conf.getNetworkOutputs());
        for (String in : conf.getNetworkInputs()) {
            Node node = new Node(in);
            node.networkInput = true;
            node.networkOutput = outputs.contains(in);
            nodes.put(in, node);
        }
        for (Map.Entry<String, GraphVertex> e : conf.getVertices().entrySet()) {
            Node node = new Node(e.getKey());
            GraphVertex v = e.getValue();
            if (v instanceof LayerVertex) {
                LayerVertex lv = (LayerVertex) v;
                node.rawConf = lv.getLayerConf().getLayer();
                node.conf = NetworkInspector.unwrap(node.rawConf);
                node.pre = lv.getPreProcessor();
                node.layer = cg.getLayer(e.getKey());
            } else {
                node.vertexConf = v;
            }
            node.networkOutput = outputs.contains(e.getKey());
            List<String> ins = conf.getVertexInputs().get(e.getKey());
            node.inputs.addAll(ins == null ? Collections.emptyList() : ins);
            nodes.put(node.name, node);
        }
        return nodes;
    }
}
