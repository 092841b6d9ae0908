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
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * A {@link MultiLayerNetwork} or {@link ComputationGraph} (or their configurations) seen as one graph of nodes with
 * their inputs, consumers, configurations, input preprocessors and layer objects: the one place that walks a model's
 * graph, for discovery (from a gate back to the weights that feed it, the layout of a node's arrays) and for
 * re-initialisation (from a gate forward to the weights that read it).
 *
 * <p>Nodes are kept by position (network order: an MLN's input, then its layers by index; a CG's topological order),
 * never by name alone, so two layers with the same name in a MultiLayerNetwork stay two nodes. Every walk is bounded
 * by the number of nodes. Built from the configuration each time it is needed (cheap: one node per layer or vertex).
 *
 * <p>Why one class of this length: it is the one graph walk of the library (issue 11), for both network kinds, with
 * the node type it walks; about a quarter of it is documentation.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class ModelTopology {

    /** One node: a layer, a non-layer graph vertex, or a network input. */
    public static final class Node {
        final String name;
        /** Names of the inputs (kept for callers that look nodes up by name). */
        final List<String> inputs = new ArrayList<>();
        /** Names of the consumers. */
        final List<String> consumers = new ArrayList<>();
        /** The input nodes, in input order. */
        final List<Node> inputNodes = new ArrayList<>();
        /** The consumer nodes. */
        final List<Node> consumerNodes = new ArrayList<>();
        /** The layer configuration as configured (wrappers included), null for a non-layer node. */
        org.deeplearning4j.nn.conf.layers.Layer rawConf;
        /** The layer configuration with wrappers removed, null for a non-layer node. */
        org.deeplearning4j.nn.conf.layers.Layer conf;
        /** The configuration of a non-layer graph vertex, null otherwise. */
        GraphVertex vertexConf;
        /** The preprocessor applied to this layer's input, or null. */
        InputPreProcessor pre;
        /** The layer object (top level, wrappers included), null for a non-layer node or a configuration. */
        Layer layer;
        boolean networkInput;
        boolean networkOutput;
        /** MLN layer index (-1 for its input) or CG topological position. */
        int index = -1;
        /** MLN layer index, -1 for its input and in a ComputationGraph. */
        int mlnIndex = -1;
        /** Position in {@link ModelTopology#nodes()}. */
        int position;

        Node(String name) {
            this.name = name;
        }

        /** @return the node name (DL4J layer or vertex name) */
        public String name() {
            return name;
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
                l = l instanceof BaseWrapperLayer ? ((BaseWrapperLayer) l).getUnderlying()
                        : l instanceof FrozenLayer ? ((FrozenLayer) l).getLayer() : null;
            }
            return false;
        }

        /** @return the number of parameters the configuration declares (0 for non-layer nodes) */
        long configuredParams() {
            return conf == null || conf.initializer() == null ? 0 : conf.initializer().numParams(conf);
        }

        /** @return true when the layer declares weights {@code "W"} (BatchNormalization excluded) */
        boolean hasWeights() {
            return configuredParams() > 0 && !(conf instanceof BatchNormalization)
                    && conf.initializer().paramKeys(conf).contains("W");
        }

        /** @return true when the layer has parameters that training changes */
        boolean trainable() {
            if (configuredParams() <= 0 || frozen()) {
                return false;
            }
            IUpdater upd = conf instanceof BaseLayer ? ((BaseLayer) conf).getIUpdater() : null;
            return !(upd instanceof NoOp) && (layer == null || layer.numParams() > 0);
        }

        /** @return the configured nOut, or -1 */
        long nOut() {
            return conf instanceof FeedForwardLayer ? ((FeedForwardLayer) conf).getNOut() : -1;
        }

        /** @return a short description for messages: {@code name (Type)} */
        String describe() {
            String type = conf != null ? conf.getClass().getSimpleName()
                    : vertexConf != null ? vertexConf.getClass().getSimpleName() : "network input";
            return name + " (" + type + ")";
        }
    }

    private final List<Node> nodes;
    private final Map<String, List<Node>> byName = new HashMap<>();

    private ModelTopology(List<Node> nodes, Map<String, Node> firstByName) {
        this.nodes = Collections.unmodifiableList(nodes);
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            n.position = i;
            byName.computeIfAbsent(n.name, k -> new ArrayList<>()).add(n);
        }
        for (Node n : nodes) {
            if (n.inputNodes.isEmpty()) { // CG: inputs by name (names are unique in a graph)
                for (String in : n.inputs) {
                    Node src = firstByName.get(in);
                    if (src != null) {
                        n.inputNodes.add(src);
                    }
                }
            }
            for (Node src : n.inputNodes) {
                src.consumers.add(n.name);
                src.consumerNodes.add(n);
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
    public static ModelTopology of(Model model) {
        if (Models.isMultiLayer(model)) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            return mln(net.getLayerWiseConfigurations(), net);
        }
        if (Models.isGraph(model)) {
            return cg((ComputationGraph) model);
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * The topology of a MultiLayerNetwork configuration (no layer objects).
     *
     * @param conf the configuration
     * @return its topology
     */
    public static ModelTopology of(MultiLayerConfiguration conf) {
        return mln(Objects.requireNonNull(conf, "conf"), null);
    }

    /**
     * The topology of a ComputationGraph configuration (no layer objects; vertices in configuration order).
     *
     * @param conf the configuration
     * @return its topology
     */
    public static ModelTopology of(ComputationGraphConfiguration conf) {
        Objects.requireNonNull(conf, "conf");
        List<String> order = new ArrayList<>(conf.getNetworkInputs());
        order.addAll(conf.getVertices().keySet());
        return cg(conf, order, null);
    }

    /** @return every node in network order (MLN: input, then layers by index; CG: topological order) */
    List<Node> nodes() {
        return nodes;
    }

    /**
     * @param name a node name
     * @return the node
     * @throws IllegalArgumentException when there is no such node, or two nodes have that name
     */
    Node node(String name) {
        List<Node> n = byName.get(name);
        if (n == null) {
            throw new IllegalArgumentException("layer must be in the network, got: " + name);
        }
        if (n.size() > 1) {
            throw new IllegalArgumentException("layer names must be unique for re-initialisation, got: " + name
                    + " " + n.size() + " times (twice or more)");
        }
        return n.get(0);
    }

    /**
     * The node of MLN layer i.
     *
     * @param mlnIndex the layer index
     * @return the node
     * @throws IllegalArgumentException when there is no such layer (or the topology is a graph's)
     */
    Node mlnNode(int mlnIndex) {
        if (nodes.isEmpty() || !nodes.get(0).name.equals(NetworkInspector.MLN_INPUT) || nodes.get(0).mlnIndex != -1
                || mlnIndex < 0 || mlnIndex + 1 >= nodes.size() || nodes.get(mlnIndex + 1).mlnIndex != mlnIndex) {
            throw new IllegalArgumentException("mlnIndex must be a layer of this MultiLayerNetwork, got: " + mlnIndex);
        }
        return nodes.get(mlnIndex + 1);
    }

    // ------------------------------------------------------------------------------------------------ walks

    /**
     * The layout of a node's output: the nearest element back along first inputs that fixes one (a layer, a
     * preprocessor, a vertex), through elements that pass their input's layout on.
     *
     * @param node a node of this topology
     * @return the layout, or empty when it cannot be read from the configuration
     */
    Optional<Layout> outputLayout(Node node) {
        Node cur = node;
        for (int steps = 0; steps <= nodes.size(); steps++) {
            UnitLayouts.Step s = cur.isLayer() ? UnitLayouts.of(cur.rawConf)
                    : cur.vertexConf != null ? UnitLayouts.of(cur.vertexConf) : UnitLayouts.Step.unknown();
            if (s.isFixed()) {
                return Optional.of(s.layout());
            }
            if (!s.isPassThrough()) {
                return Optional.empty();
            }
            if (cur.pre != null) {
                UnitLayouts.Step p = UnitLayouts.of(cur.pre);
                return p.isFixed() ? Optional.of(p.layout()) : Optional.empty();
            }
            if (cur.inputNodes.isEmpty()) {
                return Optional.empty();
            }
            cur = cur.inputNodes.get(0);
        }
        return Optional.empty(); // a cycle: cannot happen in a valid network, bounded anyway
    }

    /**
     * The layout of the arrays a node receives: its preprocessor's, else its first input's output layout.
     *
     * @param node a node of this topology
     * @return the layout, or empty when it cannot be read from the configuration
     */
    Optional<Layout> inputLayout(Node node) {
        if (node.pre != null) {
            UnitLayouts.Step p = UnitLayouts.of(node.pre);
            return p.isFixed() ? Optional.of(p.layout()) : Optional.empty();
        }
        return node.inputNodes.isEmpty() ? Optional.empty() : outputLayout(node.inputNodes.get(0));
    }

    /**
     * The layout of the input of MLN layer i, as read from the configuration.
     *
     * @param mlnIndex the layer index
     * @return the layout, or empty when unknown
     * @throws IllegalArgumentException when there is no such layer
     */
    public Optional<Layout> mlnInputLayout(int mlnIndex) {
        return inputLayout(mlnNode(mlnIndex));
    }

    /**
     * The layout of the input of a graph vertex, as read from the configuration.
     *
     * @param vertex the vertex name
     * @return the layout, or empty when unknown
     * @throws IllegalArgumentException when there is no such vertex
     */
    public Optional<Layout> inputLayout(String vertex) {
        return inputLayout(node(vertex));
    }

    /**
     * Every node upstream of a node (its inputs, their inputs, ...), each once.
     *
     * @param node a node of this topology
     * @return the ancestors, excluding {@code node}
     */
    Set<Node> ancestors(Node node) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(node.inputNodes);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n != node && seen.add(n)) {
                todo.addAll(n.inputNodes);
            }
        }
        return seen;
    }

    /**
     * The layer objects with trainable parameters upstream of a monitored layer's incoming weights: the trainable
     * ancestors of the layer that owns them (of the layer itself when it has its own weights or no single owner).
     * What a dead unit's input depends on besides its own weights; empty for a layer that is not recoverable.
     *
     * @param index     the monitored layer's index (MLN layer index; CG topological position)
     * @param ownerName the name of the layer owning its incoming weights, or null
     * @return the layers (top-level objects, wrappers included), network order; empty for a topology built from a
     *         configuration or an unknown index
     */
    public List<Layer> trainableUpstream(int index, String ownerName) {
        Node self = null;
        for (Node n : nodes) {
            if (!n.networkInput && n.index == index && n.isLayer()) {
                self = n;
                break;
            }
        }
        if (self == null) {
            return List.of();
        }
        Node from = self;
        if (ownerName != null && !ownerName.equals(self.name)) {
            for (Node a : ancestors(self)) {
                if (a.isLayer() && ownerName.equals(a.name)) {
                    from = a;
                    break;
                }
            }
        }
        List<Layer> out = new ArrayList<>();
        Set<Node> up = ancestors(from);
        for (Node n : nodes) {
            if (up.contains(n) && n.isLayer() && n.trainable() && n.layer != null) {
                out.add(n.layer);
            }
        }
        return out;
    }

    /**
     * The nearest layers with weights upstream of a node, on every path (the walk stops at each one found).
     *
     * @param node a node of this topology
     * @return those layers
     */
    Set<Node> nearestWeightLayers(Node node) {
        Set<Node> found = Collections.newSetFromMap(new IdentityHashMap<>());
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Node> todo = new ArrayDeque<>(node.inputNodes);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n == node || !seen.add(n) || n.networkInput) {
                continue;
            }
            if (n.isLayer() && n.hasWeights()) {
                found.add(n);
            } else {
                todo.addAll(n.inputNodes);
            }
        }
        return found;
    }

    // ------------------------------------------------------------------------------------------------ building

    private static ModelTopology mln(MultiLayerConfiguration conf, MultiLayerNetwork net) {
        List<Node> nodes = new ArrayList<>();
        Node in = new Node(NetworkInspector.MLN_INPUT);
        in.networkInput = true;
        nodes.add(in);
        Node prev = in;
        int n = conf.getConfs().size();
        for (int i = 0; i < n; i++) {
            org.deeplearning4j.nn.conf.layers.Layer raw = conf.getConf(i).getLayer();
            Node node = new Node(raw.getLayerName() == null ? "layer" + i : raw.getLayerName());
            node.rawConf = raw;
            node.conf = NetworkInspector.unwrap(raw);
            node.pre = conf.getInputPreProcess(i);
            node.layer = net == null ? null : net.getLayer(i);
            node.networkOutput = i == n - 1;
            node.index = i;
            node.mlnIndex = i;
            node.inputs.add(prev.name);
            node.inputNodes.add(prev);   // by position: a duplicate name never becomes its own input
            nodes.add(node);
            prev = node;
        }
        return new ModelTopology(nodes, Collections.emptyMap());
    }

    private static ModelTopology cg(ComputationGraph cg) {
        List<String> order = new ArrayList<>();
        org.deeplearning4j.nn.graph.vertex.GraphVertex[] vertices = cg.getVertices();
        for (int i : cg.topologicalSortOrder()) {
            order.add(vertices[i].getVertexName());
        }
        return cg(cg.getConfiguration(), order, cg);
    }

    private static ModelTopology cg(ComputationGraphConfiguration conf, List<String> order, ComputationGraph cg) {
        Set<String> outputs = new HashSet<>(conf.getNetworkOutputs());
        Set<String> inputs = new HashSet<>(conf.getNetworkInputs());
        List<Node> nodes = new ArrayList<>();
        Map<String, Node> byName = new LinkedHashMap<>();
        for (int pos = 0; pos < order.size(); pos++) {
            String name = order.get(pos);
            Node node = new Node(name);
            GraphVertex v = conf.getVertices().get(name);
            if (inputs.contains(name)) {
                node.networkInput = true;
            } else if (v instanceof LayerVertex) {
                LayerVertex lv = (LayerVertex) v;
                node.rawConf = lv.getLayerConf().getLayer();
                node.conf = NetworkInspector.unwrap(node.rawConf);
                node.pre = lv.getPreProcessor();
                node.layer = cg == null ? null : cg.getLayer(name);
            } else {
                node.vertexConf = v;
            }
            node.index = pos;
            node.networkOutput = outputs.contains(name);
            List<String> ins = conf.getVertexInputs().get(name);
            if (ins != null && !node.networkInput) {
                node.inputs.addAll(ins);
            }
            nodes.add(node);
            byName.putIfAbsent(name, node);
        }
        return new ModelTopology(nodes, byName);
    }
}
