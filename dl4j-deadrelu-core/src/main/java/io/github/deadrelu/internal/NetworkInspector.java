/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.AbstractLSTM;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseRecurrentLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.Subsampling1DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Discovers the monitored layers of a {@link MultiLayerNetwork} or {@link ComputationGraph}: every non-output layer
 * whose activation is in the ReLU family ({@link Gate#of}), with its unit layout, the layer owning its incoming
 * weights (itself, or for a standalone activation the nearest preceding parameter layer, possibly through a
 * BatchNormalization and parameter-free layers), its consumers and whether it is recoverable.
 *
 * <p>Both network types are reduced to one graph of named nodes (an MLN is a chain), so one walk serves both.
 * Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class NetworkInspector {

    /** Name of the network input node of a MultiLayerNetwork (as DL4J's StatsListener names it). */
    public static final String MLN_INPUT = "input";

    private NetworkInspector() {
    }

    /** One node: a layer, or (in a CG) a non-layer vertex or a network input. */
    private static final class Node {
        String name;
        int index;
        int mlnIndex = -1;
        List<String> inputs = new ArrayList<>();
        boolean isInput;
        boolean isOutput;
        Layer conf;           // unwrapped layer configuration, null for non-layer vertices and inputs
        boolean frozen;
        boolean trainable;
        boolean paramLayer;   // owns weights "W"
        boolean batchNorm;
        Layout layout;        // own layout, null when it has none
        long nOut = -1;
    }

    /**
     * Discovers the monitored layers of a model.
     *
     * @param model a MultiLayerNetwork or ComputationGraph, initialised
     * @return the monitored layers in network order (MLN index order; CG topological order); empty when none
     * @throws IllegalArgumentException for another model type
     */
    public static List<LayerSpec> discover(Model model) {
        Objects.requireNonNull(model, "model");
        Map<String, Node> nodes = nodes(model);
        Map<String, List<String>> consumers = new HashMap<>();
        for (Node n : nodes.values()) {
            for (String in : n.inputs) {
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n.name);
            }
        }
        List<LayerSpec> specs = new ArrayList<>();
        for (Node n : nodes.values()) {
            if (n.isInput || n.isOutput || n.conf == null) {
                continue;
            }
            Optional<Gate> gate = gateOf(n.conf);
            if (gate.isEmpty()) {
                continue;
            }
            String owner = null;
            String bn = null;
            Set<String> owners = new HashSet<>();
            if (n.paramLayer) {
                owner = n.name;
                owners.add(n.name);
            } else {
                // Walk back along single-input layers: BatchNormalization and parameter-free layers pass through.
                Node cur = n;
                boolean chain = true;
                while (true) {
                    if (cur.inputs.size() != 1) {
                        chain = false;
                        break;
                    }
                    Node prev = nodes.get(cur.inputs.get(0));
                    if (prev == null || prev.isInput || prev.conf == null) {
                        chain = prev != null && prev.isInput;
                        break;
                    }
                    if (prev.paramLayer) {
                        owner = prev.name;
                        break;
                    }
                    if (prev.batchNorm && bn == null) {
                        bn = prev.name;
                    }
                    cur = prev;
                }
                if (owner != null) {
                    owners.add(owner);
                } else if (!chain) {
                    owners.addAll(nearestParamLayers(nodes, n));
                }
                if (owner == null) {
                    bn = null;
                }
            }
            Node ownerNode = owner == null ? null : nodes.get(owner);
            boolean recoverable = false;
            for (String o : owners) {
                for (String a : ancestors(nodes, o)) {
                    if (nodes.get(a).trainable) {
                        recoverable = true;
                        break;
                    }
                }
            }
            Layout layout = n.layout != null ? n.layout : inheritedLayout(nodes, n);
            long units = n.nOut > 0 && !(n.conf instanceof ActivationLayer) ? n.nOut : -1;
            if (units <= 0 && ownerNode != null && ownerNode.nOut > 0) {
                units = ownerNode.nOut;
            }
            boolean frozen = n.frozen || (ownerNode != null && ownerNode.frozen);
            specs.add(new LayerSpec(n.name, n.index, n.mlnIndex, n.conf.getClass().getSimpleName(), gate.get(),
                    layout == null ? Layout.FF : layout, (int) units, recoverable, frozen,
                    n.conf instanceof GatedLayerConf, owner, ownerNode == null ? -1 : ownerNode.mlnIndex, bn,
                    consumers.getOrDefault(n.name, Collections.emptyList())));
        }
        specs.sort((a, b) -> Integer.compare(a.index(), b.index()));
        return specs;
    }

    /**
     * The gate of a layer configuration (wrappers unwrapped), if it is monitored.
     *
     * @param layer a layer configuration
     * @return its gate, or empty
     */
    public static Optional<Gate> gateOf(Layer layer) {
        Layer conf = unwrap(layer);
        // BatchNormalization inherits an activation from the global configuration but DL4J never applies it.
        if (conf instanceof BaseOutputLayer || conf instanceof LossLayer || conf instanceof RnnLossLayer
                || conf instanceof CnnLossLayer || conf instanceof AbstractLSTM || conf instanceof BatchNormalization) {
            return Optional.empty();
        }
        if (conf instanceof PReLULayer) {
            return Gate.of(new org.nd4j.linalg.activations.impl.ActivationPReLU(null, null));
        }
        IActivation act = null;
        if (conf instanceof GatedLayerConf) {
            act = ((GatedLayerConf) conf).gateActivation();
        } else if (conf instanceof ActivationLayer) {
            act = ((ActivationLayer) conf).getActivationFn();
        } else if (conf instanceof BaseLayer) {
            act = ((BaseLayer) conf).getActivationFn();
        }
        return act == null ? Optional.empty() : Gate.of(act);
    }

    /** Removes FrozenLayer and other wrappers. */
    public static Layer unwrap(Layer layer) {
        Layer l = layer;
        while (true) {
            if (l instanceof FrozenLayer) {
                l = ((FrozenLayer) l).getLayer();
            } else if (l instanceof BaseWrapperLayer) {
                l = ((BaseWrapperLayer) l).getUnderlying();
            } else {
                return l;
            }
        }
    }

    private static boolean isFrozenWrapper(Layer layer) {
        Layer l = layer;
        while (true) {
            if (l instanceof FrozenLayer
                    || l instanceof org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop) {
                return true;
            }
            if (l instanceof BaseWrapperLayer) {
                l = ((BaseWrapperLayer) l).getUnderlying();
            } else {
                return false;
            }
        }
    }

    private static Layout wrapperLayout(Layer layer) {
        Layer l = layer;
        while (l instanceof BaseWrapperLayer || l instanceof FrozenLayer) {
            if (l instanceof TimeDistributed) {
                return ((TimeDistributed) l).getRnnDataFormat() == RNNFormat.NWC ? Layout.NWC : Layout.NCW;
            }
            l = l instanceof FrozenLayer ? ((FrozenLayer) l).getLayer() : ((BaseWrapperLayer) l).getUnderlying();
        }
        return null;
    }

    static Layout ownLayout(Layer conf) {
        if (conf instanceof GatedLayerConf && ((GatedLayerConf) conf).layout() != null) {
            return ((GatedLayerConf) conf).layout();
        }
        if (conf instanceof Convolution3D) {
            return ((Convolution3D) conf).getDataFormat() == Convolution3D.DataFormat.NDHWC ? Layout.NDHWC
                    : Layout.NCDHW;
        }
        if (conf instanceof Convolution1DLayer) {
            return ((Convolution1DLayer) conf).getRnnDataFormat() == RNNFormat.NWC ? Layout.NWC : Layout.NCW;
        }
        if (conf instanceof ConvolutionLayer) {
            return ((ConvolutionLayer) conf).getCnn2dDataFormat() == CNN2DFormat.NHWC ? Layout.NHWC : Layout.NCHW;
        }
        if (conf instanceof Subsampling1DLayer) {
            return Layout.NCW;
        }
        if (conf instanceof SubsamplingLayer) {
            return ((SubsamplingLayer) conf).getCnn2dDataFormat() == CNN2DFormat.NHWC ? Layout.NHWC : Layout.NCHW;
        }
        if (conf instanceof BaseRecurrentLayer) {
            return ((BaseRecurrentLayer) conf).getRnnDataFormat() == RNNFormat.NWC ? Layout.NWC : Layout.NCW;
        }
        if (conf instanceof BatchNormalization) {
            return ((BatchNormalization) conf).getCnn2DFormat() == CNN2DFormat.NHWC ? Layout.NHWC : null;
        }
        if (conf instanceof FeedForwardLayer && !(conf instanceof ActivationLayer)) {
            return Layout.FF;
        }
        return null;
    }

    private static Layout inheritedLayout(Map<String, Node> nodes, Node n) {
        Node cur = n;
        Set<String> seen = new HashSet<>();
        while (cur.inputs.size() >= 1 && seen.add(cur.name)) {
            Node prev = nodes.get(cur.inputs.get(0));
            if (prev == null) {
                return null;
            }
            if (prev.layout != null && !(prev.batchNorm && prev.layout == Layout.FF)) {
                return prev.layout;
            }
            cur = prev;
        }
        return null;
    }

    private static Set<String> ancestors(Map<String, Node> nodes, String start) {
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(nodes.get(start).inputs);
        while (!todo.isEmpty()) {
            String s = todo.pop();
            if (seen.add(s) && nodes.containsKey(s)) {
                todo.addAll(nodes.get(s).inputs);
            }
        }
        seen.retainAll(nodes.keySet());
        return seen;
    }

    private static Set<String> nearestParamLayers(Map<String, Node> nodes, Node from) {
        Set<String> found = new HashSet<>();
        Set<String> seen = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(from.inputs);
        while (!todo.isEmpty()) {
            String s = todo.pop();
            Node node = nodes.get(s);
            if (node == null || !seen.add(s) || node.isInput) {
                continue;
            }
            if (node.paramLayer) {
                found.add(s);
            } else {
                todo.addAll(node.inputs);
            }
        }
        return found;
    }

    private static Map<String, Node> nodes(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return mlnNodes((MultiLayerNetwork) model);
        }
        if (model instanceof ComputationGraph) {
            return cgNodes((ComputationGraph) model);
        }
        throw unsupported(model);
    }

    /**
     * The exception for an unsupported model type.
     *
     * @param model the model
     * @return an IllegalArgumentException naming the type
     */
    public static IllegalArgumentException unsupported(Object model) {
        return new IllegalArgumentException("Unsupported model type: "
                + (model == null ? "null" : model.getClass().getName())
                + " (expected MultiLayerNetwork or ComputationGraph)");
    }

    private static Map<String, Node> mlnNodes(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        Map<String, Node> nodes = new LinkedHashMap<>();
        Node in = new Node();
        in.name = MLN_INPUT;
        in.isInput = true;
        in.index = -1;
        nodes.put(in.name, in);
        int n = conf.getConfs().size();
        String prev = MLN_INPUT;
        for (int i = 0; i < n; i++) {
            Layer raw = conf.getConf(i).getLayer();
            Node node = layerNode(raw, mlnLayerName(net, i));
            node.index = i;
            node.mlnIndex = i;
            node.isOutput = i == n - 1;
            node.inputs.add(prev);
            node.trainable = node.trainable && net.getLayer(i).numParams() > 0;
            nodes.put(node.name, node);
            prev = node.name;
        }
        return nodes;
    }

    /**
     * The name of MLN layer i: its configured name, else DL4J's default {@code "layer<i>"}.
     *
     * @param net the network
     * @param i   layer index
     * @return the name
     */
    public static String mlnLayerName(MultiLayerNetwork net, int i) {
        String name = net.getLayerWiseConfigurations().getConf(i).getLayer().getLayerName();
        return name == null ? "layer" + i : name;
    }

    private static Map<String, Node> cgNodes(ComputationGraph cg) {
        ComputationGraphConfiguration conf = cg.getConfiguration();
        Map<String, Node> nodes = new LinkedHashMap<>();
        int[] topo = cg.topologicalSortOrder();
        GraphVertex[] vertices = cg.getVertices();
        Set<String> outputs = new HashSet<>(conf.getNetworkOutputs());
        Set<String> inputs = new HashSet<>(conf.getNetworkInputs());
        for (int pos = 0; pos < topo.length; pos++) {
            GraphVertex v = vertices[topo[pos]];
            String name = v.getVertexName();
            Node node;
            if (inputs.contains(name)) {
                node = new Node();
                node.name = name;
                node.isInput = true;
            } else if (conf.getVertices().get(name) instanceof LayerVertex) {
                Layer raw = ((LayerVertex) conf.getVertices().get(name)).getLayerConf().getLayer();
                node = layerNode(raw, name);
                node.trainable = node.trainable && v.numParams() > 0;
            } else {
                node = new Node();
                node.name = name;
            }
            node.index = pos;
            node.isOutput = outputs.contains(name);
            List<String> ins = conf.getVertexInputs().get(name);
            if (ins != null) {
                node.inputs.addAll(ins);
            }
            nodes.put(name, node);
        }
        return nodes;
    }

    private static Node layerNode(Layer raw, String name) {
        Node node = new Node();
        node.name = name;
        Layer conf = unwrap(raw);
        node.conf = conf;
        node.frozen = isFrozenWrapper(raw);
        node.batchNorm = conf instanceof BatchNormalization;
        long numParams = conf.initializer() == null ? 0 : conf.initializer().numParams(conf);
        node.paramLayer = numParams > 0 && !node.batchNorm
                && conf.initializer().paramKeys(conf).contains("W");
        IUpdater upd = conf instanceof BaseLayer ? ((BaseLayer) conf).getIUpdater() : null;
        node.trainable = numParams > 0 && !node.frozen && !(upd instanceof NoOp);
        Layout wl = wrapperLayout(raw);
        node.layout = wl != null ? wl : ownLayout(conf);
        if (conf instanceof FeedForwardLayer) {
            node.nOut = ((FeedForwardLayer) conf).getNOut();
        }
        return node;
    }
}
