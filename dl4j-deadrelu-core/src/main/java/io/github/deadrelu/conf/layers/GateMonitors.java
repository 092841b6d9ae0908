/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.conf.layers;

import io.github.deadrelu.internal.Layout;
import io.github.deadrelu.internal.ModelTopology;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitLayouts;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.conf.layers.recurrent.TimeDistributed;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.util.GraphIndices;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Instruments a network configuration with {@link GateMonitorLayer}s: the activation of every gated layer moves into
 * a following monitor layer, so that {@link io.github.deadrelu.listeners.DeadReluListener} reports exact counts and the
 * blocked-gradient share.
 *
 * <p>A weight layer ({@code DenseLayer}, convolution layers 1D/2D/3D including depthwise, separable and
 * deconvolution, {@code EmbeddingLayer}, {@code EmbeddingSequenceLayer}, {@code ElementWiseMultiplicationLayer},
 * also inside {@code FrozenLayer}, {@code FrozenLayerWithBackprop} or {@code TimeDistributed}) with an accepted
 * activation (see {@link GateMonitorLayer}) keeps its parameters, dropout, constraints and preprocessor, gets the
 * IDENTITY activation, and is followed by a monitor layer named {@code <name>_gate} that applies the activation. A
 * standalone {@code ActivationLayer} with an accepted activation is replaced, under its own name, by a monitor layer
 * when the layout of its input can be read from the configuration. Output layers, recurrent layers (whose activation
 * acts inside the recurrence), {@code BatchNormalization} (which ignores its activation in DL4J) and other layers are
 * left as they are; the listener still monitors them from their activations.
 *
 * <p>What stays the same: the function the network computes, the gradients, where dropout happens (a layer's dropout
 * applies to its input, so it stays on the weight layer; the following layer's dropout now applies to the monitor's
 * output, the same values), and the flat parameter vector and updater state (monitor layers have no parameters, and
 * in a ComputationGraph the topological order of the original is kept). So a trained network can be instrumented and
 * train on exactly as before:
 * <pre>{@code
 * MultiLayerNetwork monitored = GateMonitors.instrument(trained);   // parameters and updater state copied
 * // equivalently, by hand:
 * MultiLayerNetwork m = new MultiLayerNetwork(GateMonitors.instrument(trained.getLayerWiseConfigurations()));
 * m.init(trained.params().dup(), false);
 * m.setListeners(DeadReluListener.builder().build());
 * }</pre>
 * What changes: in a MultiLayerNetwork the layer indices after an inserted layer shift by one (parameter keys such as
 * {@code "2_W"} with them; preprocessors move with their layers), and an unnamed layer gets its DL4J default name
 * {@code "layer<i>"} of the original index explicitly, so names do not shift.
 *
 * <p>Why one class of this length: the four {@code instrument} entry points (configurations and initialised networks
 * of both kinds) share one plan of where the monitors go and one copy of parameters, updater state, dropout and
 * preprocessors; split, each piece would need the whole plan.
 */
public final class GateMonitors {
    private static final Logger log = LoggerFactory.getLogger(GateMonitors.class);

    /** Suffix of an inserted monitor layer's name. */
    public static final String SUFFIX = "_gate";

    private GateMonitors() {
    }

    /** What to do with one layer: move its activation into a following monitor, or replace it by one. */
    private record Plan(IActivation activation, Layout layout, boolean replace) {
    }

    /** Looks up the layout of a layer's input, when it is not known locally. */
    private interface InputLayout {
        Optional<Layout> get();
    }

    // ------------------------------------------------------------------------------------------ MultiLayerNetwork

    /**
     * Instruments a MultiLayerNetwork configuration. The argument is not modified.
     *
     * @param conf the configuration
     * @return a new configuration with monitor layers; the same layers (a copy) when nothing is gated
     * @throws NullPointerException when {@code conf} is null
     */
    public static MultiLayerConfiguration instrument(MultiLayerConfiguration conf) {
        Objects.requireNonNull(conf, "conf");
        MultiLayerConfiguration out = conf.clone();
        List<NeuralNetConfiguration> src = out.getConfs();
        int n = src.size();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < n; i++) {
            Layer l = src.get(i).getLayer();
            if (l.getLayerName() == null) {
                l.setLayerName("layer" + i);
            }
            names.add(l.getLayerName());
        }
        ModelTopology topology = ModelTopology.of(out);
        List<NeuralNetConfiguration> confs = new ArrayList<>(n);
        Map<Integer, InputPreProcessor> pre = new HashMap<>();
        List<String> instrumented = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            NeuralNetConfiguration c = src.get(i);
            InputPreProcessor p = out.getInputPreProcess(i);
            if (p != null) {
                pre.put(confs.size(), p);
            }
            final int idx = i;
            Plan plan = i == n - 1 ? null
                    : plan(c.getLayer(), () -> topology.mlnInputLayout(idx), skipped);
            if (plan == null) {
                confs.add(c);
                continue;
            }
            String name = c.getLayer().getLayerName();
            if (plan.replace()) {
                NeuralNetConfiguration m = c.clone();
                m.setLayer(monitor(name, plan));
                m.clearVariables();
                confs.add(m);
            } else {
                moveToIdentity(c.getLayer());
                String mName = unique(name + SUFFIX, names);
                NeuralNetConfiguration m = c.clone();
                m.setLayer(monitor(mName, plan));
                m.clearVariables();
                confs.add(c);
                confs.add(m);
            }
            instrumented.add(name);
        }
        out.setConfs(confs);
        out.setInputPreProcessors(pre);
        report(instrumented, skipped);
        return out;
    }

    /**
     * Instruments an initialised MultiLayerNetwork: a new network from {@link #instrument(MultiLayerConfiguration)}
     * with a copy of the parameters and of the updater state (so training continues exactly as it would have). The
     * argument is not modified; listeners are not copied.
     *
     * @param net an initialised network
     * @return the instrumented network, initialised
     * @throws IllegalArgumentException when {@code net} is not initialised
     * @throws IllegalStateException    when the updater states do not line up (nothing is returned then)
     */
    public static MultiLayerNetwork instrument(MultiLayerNetwork net) {
        Objects.requireNonNull(net, "net");
        requireInitialised(net.getLayers() != null && net.params() != null, "MultiLayerNetwork");
        MultiLayerNetwork out = new MultiLayerNetwork(instrument(net.getLayerWiseConfigurations()));
        out.init(net.params().dup(), false);
        copyUpdaterState(net.getUpdater(false), () -> out.getUpdater(true));
        return out;
    }

    // ------------------------------------------------------------------------------------------ ComputationGraph

    /**
     * Instruments a ComputationGraph configuration. The argument is not modified. Inserted monitor vertices take the
     * consumers of their weight layer, and the topological order of the original graph is stored in the result, so
     * the parameters keep their order. Network outputs are never instrumented.
     *
     * @param conf the configuration
     * @return a new configuration with monitor layers
     * @throws NullPointerException when {@code conf} is null
     */
    public static ComputationGraphConfiguration instrument(ComputationGraphConfiguration conf) {
        Objects.requireNonNull(conf, "conf");
        List<String> order = topologicalOrder(conf);
        ComputationGraphConfiguration out = conf.clone();
        out.setIterationCount(conf.getIterationCount());
        out.setEpochCount(conf.getEpochCount());
        Set<String> names = new HashSet<>(out.getVertices().keySet());
        names.addAll(out.getNetworkInputs());
        Set<String> outputs = new HashSet<>(out.getNetworkOutputs());
        ModelTopology topology = ModelTopology.of(out);
        Map<String, GraphVertex> vertices = new LinkedHashMap<>();
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        Map<String, String> monitorOf = new HashMap<>();
        List<String> instrumented = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Map.Entry<String, GraphVertex> e : out.getVertices().entrySet()) {
            String name = e.getKey();
            GraphVertex v = e.getValue();
            List<String> ins = new ArrayList<>(out.getVertexInputs().getOrDefault(name, new ArrayList<>()));
            Plan plan = null;
            if (v instanceof LayerVertex && !outputs.contains(name)) {
                LayerVertex lv = (LayerVertex) v;
                plan = plan(lv.getLayerConf().getLayer(), () -> topology.inputLayout(name), skipped);
            }
            if (plan == null) {
                vertices.put(name, v);
                inputs.put(name, ins);
                continue;
            }
            LayerVertex lv = (LayerVertex) v;
            if (plan.replace()) {
                NeuralNetConfiguration m = lv.getLayerConf().clone();
                m.setLayer(monitor(name, plan));
                m.clearVariables();
                vertices.put(name, new LayerVertex(m, lv.getPreProcessor()));
                inputs.put(name, ins);
            } else {
                moveToIdentity(lv.getLayerConf().getLayer());
                String mName = unique(name + SUFFIX, names);
                NeuralNetConfiguration m = lv.getLayerConf().clone();
                m.setLayer(monitor(mName, plan));
                m.clearVariables();
                vertices.put(name, lv);
                inputs.put(name, ins);
                vertices.put(mName, new LayerVertex(m, null));
                List<String> mIns = new ArrayList<>();
                mIns.add(name);
                inputs.put(mName, mIns);
                monitorOf.put(name, mName);
            }
            instrumented.add(name);
        }
        // Consumers of an instrumented layer now read its monitor.
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
            if (monitorOf.containsValue(e.getKey())) {
                continue;
            }
            List<String> ins = e.getValue();
            for (int k = 0; k < ins.size(); k++) {
                String m = monitorOf.get(ins.get(k));
                if (m != null) {
                    ins.set(k, m);
                }
            }
        }
        out.setVertices(vertices);
        out.setVertexInputs(inputs);
        // Keep the original topological order (and so the parameter order), each monitor right after its layer.
        List<String> topo = new ArrayList<>(out.getNetworkInputs());
        for (String s : order) {
            if (out.getNetworkInputs().contains(s)) {
                continue;
            }
            topo.add(s);
            if (monitorOf.containsKey(s)) {
                topo.add(monitorOf.get(s));
            }
        }
        if (topo.size() != vertices.size() + out.getNetworkInputs().size()) {
            throw new IllegalStateException("topological order has " + topo.size() + " vertices, expected "
                    + (vertices.size() + out.getNetworkInputs().size()));
        }
        int[] idx = new int[topo.size()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        out.setTopologicalOrder(idx);
        out.setTopologicalOrderStr(topo);
        out.validate(false, false);
        report(instrumented, skipped);
        return out;
    }

    /**
     * Instruments an initialised ComputationGraph: a new graph from
     * {@link #instrument(ComputationGraphConfiguration)} with a copy of the parameters and of the updater state. The
     * argument is not modified; listeners are not copied.
     *
     * @param net an initialised graph
     * @return the instrumented graph, initialised
     * @throws IllegalArgumentException when {@code net} is not initialised
     * @throws IllegalStateException    when the updater states do not line up (nothing is returned then)
     */
    public static ComputationGraph instrument(ComputationGraph net) {
        Objects.requireNonNull(net, "net");
        requireInitialised(net.getVertices() != null && net.params() != null, "ComputationGraph");
        ComputationGraph out = new ComputationGraph(instrument(net.getConfiguration()));
        out.init(net.params().dup(), false);
        copyUpdaterState(net.getUpdater(false), () -> out.getUpdater(true));
        return out;
    }

    /** The names of the vertices in the order the graph uses for its parameters. */
    private static List<String> topologicalOrder(ComputationGraphConfiguration conf) {
        if (conf.getTopologicalOrderStr() != null && conf.getTopologicalOrder() != null) {
            return new ArrayList<>(conf.getTopologicalOrderStr());
        }
        // Computed by DL4J itself, on a copy (it caches the result in the configuration).
        GraphIndices gi = new ComputationGraph(conf.clone()).calculateIndices();
        List<String> names = new ArrayList<>();
        for (int i : gi.getTopologicalSortOrder()) {
            names.add(gi.getIdxToName().get(i));
        }
        return names;
    }

    // ------------------------------------------------------------------------------------------ shared

    private static Plan plan(Layer raw, InputLayout inputLayout, List<String> skipped) {
        Optional<io.github.deadrelu.internal.Gate> gate = NetworkInspector.gateOf(raw);
        if (gate.isEmpty() || !gate.get().isGated()) {
            return null;
        }
        Layer conf = NetworkInspector.unwrap(raw);
        if (conf instanceof GateMonitorLayer) {
            return null;
        }
        String name = raw.getLayerName();
        if (conf instanceof ActivationLayer) {
            IActivation a = ((ActivationLayer) conf).getActivationFn();
            if (raw != conf || GateMonitorLayer.rejection(a).isPresent()) {
                skipped.add(name + " (activation " + a + ")");
                return null;
            }
            Optional<Layout> layout = inputLayout.get();
            if (layout.isEmpty()) {
                skipped.add(name + " (layout of its input unknown)");
                return null;
            }
            return new Plan(a, layout.get(), true);
        }
        Layer inner = innermostMovable(raw);
        if (inner == null) {
            skipped.add(name + " (" + conf.getClass().getSimpleName() + ")");
            return null;
        }
        IActivation a = ((BaseLayer) inner).getActivationFn();
        if (GateMonitorLayer.rejection(a).isPresent()) {
            skipped.add(name + " (activation " + a + ")");
            return null;
        }
        UnitLayouts.Step own = UnitLayouts.of(raw);
        return new Plan(a, own.isFixed() ? own.layout() : Layout.FF, false);
    }

    /** The wrapped weight layer whose activation can move, or null (an allowed wrapper chain is required). */
    private static Layer innermostMovable(Layer raw) {
        Layer l = raw;
        while (true) {
            if (l instanceof FrozenLayer) {
                l = ((FrozenLayer) l).getLayer();
            } else if (l instanceof FrozenLayerWithBackprop || l instanceof TimeDistributed) {
                l = ((BaseWrapperLayer) l).getUnderlying();
            } else if (l instanceof BaseWrapperLayer) {
                return null;
            } else {
                break;
            }
        }
        boolean movable = l instanceof DenseLayer || l instanceof ConvolutionLayer || l instanceof Convolution3D
                || l instanceof EmbeddingLayer || l instanceof EmbeddingSequenceLayer
                || l instanceof ElementWiseMultiplicationLayer;
        return movable ? l : null;
    }

    /**
     * Sets IDENTITY on the weight layer inside {@code raw}, a layer of the output configuration; wrappers whose
     * clone is shallow get their own copy of the wrapped layer first, so the caller's configuration is untouched.
     */
    private static void moveToIdentity(Layer raw) {
        Layer l = raw;
        while (true) {
            if (l instanceof FrozenLayer) {
                l = ((FrozenLayer) l).getLayer(); // FrozenLayer.clone() is deep
            } else if (l instanceof BaseWrapperLayer) {
                BaseWrapperLayer w = (BaseWrapperLayer) l;
                w.setUnderlying(w.getUnderlying().clone());
                l = w.getUnderlying();
            } else {
                break;
            }
        }
        ((BaseLayer) l).setActivationFn(new ActivationIdentity());
    }

    private static GateMonitorLayer monitor(String name, Plan plan) {
        return new GateMonitorLayer.Builder().name(name).activation(plan.activation())
                .dataFormat(plan.layout().dataFormat()).build();
    }

    private static String unique(String base, Set<String> names) {
        String n = base;
        for (int k = 2; names.contains(n); k++) {
            n = base + k;
        }
        names.add(n);
        return n;
    }

    /** Refuses a network that is not initialised (IllegalArgumentException). */
    private static void requireInitialised(boolean initialised, String type) {
        if (!initialised) {
            throw new IllegalArgumentException("net must be initialised (call init()), got: an uninitialised " + type);
        }
    }

    /**
     * Copies a trained network's updater state into its instrumented copy's; nothing when {@code from} is null (the
     * original has not trained: both start from a fresh state).
     */
    private static void copyUpdaterState(Object from, Supplier<Object> toUpdater) {
        if (from == null) {
            return;
        }
        Object to = toUpdater.get();
        INDArray src = from instanceof BaseMultiLayerUpdater ? ((BaseMultiLayerUpdater<?>) from).getStateViewArray()
                : null;
        INDArray dst = to instanceof BaseMultiLayerUpdater ? ((BaseMultiLayerUpdater<?>) to).getStateViewArray()
                : null;
        if (src == null && dst == null) {
            return;
        }
        if (src == null || dst == null || src.length() != dst.length()) {
            throw new IllegalStateException("updater state must have the same length in both networks, got: "
                    + (src == null ? "none" : src.length()) + " and " + (dst == null ? "none" : dst.length()));
        }
        dst.assign(src);
    }

    private static void report(List<String> instrumented, List<String> skipped) {
        log.info("GateMonitors: monitoring {} layer(s) {}", instrumented.size(), instrumented);
        if (!skipped.isEmpty()) {
            log.info("GateMonitors: left {} gated layer(s) as they were (the listener still monitors them from their "
                    + "activations): {}", skipped.size(), skipped);
        }
    }
}
