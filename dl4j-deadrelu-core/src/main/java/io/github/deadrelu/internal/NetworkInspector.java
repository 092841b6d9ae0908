/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.AbstractLSTM;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.GravesBidirectionalLSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers the monitored layers of a {@link MultiLayerNetwork} or {@link ComputationGraph}: every non-output layer
 * whose activation is in the ReLU family ({@link Gate#of}), with its unit layout ({@link UnitLayouts} through
 * {@link ModelTopology}), the layer owning its incoming weights (itself, or for a standalone activation the nearest
 * preceding parameter layer, possibly through a BatchNormalization and parameter-free layers), its consumers and
 * whether it is recoverable; and the layers with a ReLU-family activation that are not monitored, with the reason
 * ({@link #discoverAll(Model)}).
 *
 * <p>What is not monitored, and why:
 * <ul>
 *   <li>output and loss layers: their activation is the prediction, not a hidden gate;</li>
 *   <li>LSTM and GravesLSTM with any activation but a plain ReLU. What the listener sees is
 *       {@code h = o * act(c)} with {@code c(t) = f * c(t-1) + i * act(z(t))}: with a plain ReLU {@code c >= 0}, and
 *       an entry is <em>closed</em> iff {@code h <= 0}, i.e. {@code c(t) = 0} (the block input {@code relu(z)} was
 *       closed at every step so far, from a zero state) or {@code o(t) = 0}. Then no gradient flows from {@code h(t)}
 *       into the unit's cell or gates, and a unit closed on every entry of a mini-batch gets zero gradient for all its
 *       weights (input, recurrent and bias of the four blocks) from it: batch-dead exactly as a dense unit. Such an
 *       LSTM is monitored; re-initialisation does not re-draw LSTM gate blocks (one WARN from the re-initialiser).
 *       With a cap, a threshold, a slope, ReLU6 or ThresholdedReLU the output gate hides whether {@code act(c)} is
 *       closed, so those are listed;</li>
 *   <li>GravesBidirectionalLSTM: its output is the sum of both directions' {@code h};</li>
 *   <li>{@code Bidirectional}: its output combines both directions' activations (sum, product, mean or
 *       concatenation), and the wrapped layer is reported with the reason above when it is an LSTM;</li>
 *   <li>a ReLU whose settings DL4J cannot train with ({@link Gate#invalidSetting}): one WARN per layer and
 *       discovery.</li>
 * </ul>
 * BatchNormalization inherits an activation from the global configuration but DL4J never applies it: it is neither
 * monitored nor listed.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class NetworkInspector {
    private static final Logger log = LoggerFactory.getLogger(NetworkInspector.class);

    /** Name of the network input node of a MultiLayerNetwork (as DL4J's StatsListener names it). */
    public static final String MLN_INPUT = "input";

    /** Why an LSTM-type layer's ReLU-family activation other than a plain ReLU is not monitored. */
    static final String RECURRENT_REASON = "the output h = o * act(c) shows a closed act(c) (h = 0) only for a "
            + "plain ReLU; with this activation the output gate o hides it";

    private NetworkInspector() {
    }

    /**
     * Discovers the monitored layers of a model.
     *
     * @param model a MultiLayerNetwork or ComputationGraph, initialised
     * @return the monitored layers in network order (MLN index order; CG topological order); empty when none
     * @throws IllegalArgumentException for another model type
     */
    public static List<LayerSpec> discover(Model model) {
        return discoverAll(model).monitored();
    }

    /**
     * Discovers the monitored layers of a model and the layers with a ReLU-family activation that are not monitored,
     * each with one reason. Never throws for a layer it cannot monitor: that layer is listed instead (one WARN for a
     * ReLU setting DL4J cannot train with).
     *
     * @param model a MultiLayerNetwork or ComputationGraph, initialised
     * @return the discovery
     * @throws IllegalArgumentException for another model type
     */
    public static Discovery discoverAll(Model model) {
        Objects.requireNonNull(model, "model");
        ModelTopology topo = ModelTopology.of(model);
        List<LayerSpec> specs = new ArrayList<>();
        List<Discovery.NotMonitored> skipped = new ArrayList<>();
        for (ModelTopology.Node n : topo.nodes()) {
            if (n.networkInput || !n.isLayer()) {
                continue;
            }
            Optional<String> why = notMonitoredReason(n);
            if (why.isPresent()) {
                skipped.add(new Discovery.NotMonitored(n.name, n.index, n.conf.getClass().getSimpleName(),
                        why.get()));
                continue;
            }
            if (n.networkOutput) {
                continue;
            }
            Optional<Gate> gate = gateOf(n.conf);
            if (gate.isPresent()) {
                specs.add(spec(topo, n, gate.get()));
            }
        }
        return new Discovery(specs, skipped);
    }

    /** The reason a layer with a ReLU-family activation is not monitored, or empty (monitored, or not ReLU). */
    private static Optional<String> notMonitoredReason(ModelTopology.Node n) {
        Layer conf = n.conf;
        if (conf instanceof BatchNormalization) {
            return Optional.empty();
        }
        Layer inner = conf instanceof Bidirectional ? unwrap(((Bidirectional) conf).getFwd()) : conf;
        IActivation act = activationOf(inner);
        if (act == null || !reluFamily(act)) {
            return Optional.empty();
        }
        Optional<String> invalid = Gate.invalidSetting(act);
        if (invalid.isPresent()) {
            log.warn("Dead-ReLU monitoring: layer {} ({}) is not monitored: its activation {} has an invalid setting "
                    + "({}); DL4J cannot train it either", n.name, conf.getClass().getSimpleName(), act,
                    invalid.get());
            return Optional.of("activation " + act + ": " + invalid.get());
        }
        if (inner instanceof GravesBidirectionalLSTM) {
            return Optional.of("its output is the sum of both directions' h, so no gate can be read from it");
        }
        if (conf instanceof Bidirectional) {
            return Optional.of("Bidirectional: its output combines both directions' activations ("
                    + ((Bidirectional) conf).getMode() + "), so no gate can be read from it");
        }
        if (n.networkOutput || isOutputLayer(conf)) {
            return Optional.of("output layer: its activation is the prediction, not a hidden gate");
        }
        if (conf instanceof AbstractLSTM && !plainRelu(act)) {
            return Optional.of(RECURRENT_REASON);
        }
        return Optional.empty();
    }

    /** A ReLU without threshold, cap or slope: the one activation whose closed gate an LSTM's h shows. */
    private static boolean plainRelu(IActivation act) {
        if (!(act instanceof org.nd4j.linalg.activations.impl.ActivationReLU)) {
            return false;
        }
        org.nd4j.linalg.activations.impl.ActivationReLU r = (org.nd4j.linalg.activations.impl.ActivationReLU) act;
        return r.getMax() == null && (r.getThreshold() == null || r.getThreshold() == 0.0)
                && (r.getNegativeSlope() == null || r.getNegativeSlope() == 0.0);
    }

    /** True when the activation is in the ReLU family, valid settings or not. */
    private static boolean reluFamily(IActivation act) {
        return act instanceof org.nd4j.linalg.activations.impl.ActivationReLU || Gate.of(act).isPresent();
    }

    private static boolean isOutputLayer(Layer conf) {
        return conf instanceof BaseOutputLayer || conf instanceof LossLayer || conf instanceof RnnLossLayer
                || conf instanceof CnnLossLayer;
    }

    private static IActivation activationOf(Layer conf) {
        if (conf instanceof PReLULayer) {
            return new org.nd4j.linalg.activations.impl.ActivationPReLU(null, null);
        }
        if (GatedLayers.isGated(conf)) {
            return GatedLayers.gateActivation(conf);
        }
        if (conf instanceof ActivationLayer) {
            return ((ActivationLayer) conf).getActivationFn();
        }
        if (conf instanceof BaseLayer) {
            return ((BaseLayer) conf).getActivationFn();
        }
        return null;
    }

    private static LayerSpec spec(ModelTopology topo, ModelTopology.Node n, Gate gate) {
        ModelTopology.Node owner = null;
        ModelTopology.Node bn = null;
        Set<ModelTopology.Node> owners = Collections.newSetFromMap(new IdentityHashMap<>());
        if (n.hasWeights()) {
            owner = n;
            owners.add(n);
        } else {
            // Walk back along single-input layers: BatchNormalization and parameter-free layers pass through.
            ModelTopology.Node cur = n;
            boolean chain = false;
            for (int steps = 0; steps < topo.nodes().size(); steps++) {
                if (cur.inputNodes.size() != 1) {
                    break;
                }
                ModelTopology.Node prev = cur.inputNodes.get(0);
                if (prev.networkInput || !prev.isLayer()) {
                    chain = prev.networkInput;
                    break;
                }
                if (prev.hasWeights()) {
                    owner = prev;
                    break;
                }
                if (prev.conf instanceof BatchNormalization && bn == null) {
                    bn = prev;
                }
                cur = prev;
            }
            if (owner != null) {
                owners.add(owner);
            } else {
                bn = null;
                if (!chain) {
                    owners.addAll(topo.nearestWeightLayers(n));
                }
            }
        }
        boolean recoverable = false;
        for (ModelTopology.Node o : owners) {
            for (ModelTopology.Node a : topo.ancestors(o)) {
                if (a.isLayer() && a.trainable()) {
                    recoverable = true;
                    break;
                }
            }
        }
        Layout layout = topo.outputLayout(n).orElse(Layout.FF);
        long units = n.nOut() > 0 && !(n.conf instanceof ActivationLayer) ? n.nOut() : -1;
        if (units <= 0 && owner != null && owner.nOut() > 0) {
            units = owner.nOut();
        }
        boolean frozen = n.frozen() || (owner != null && owner.frozen());
        List<String> consumers = new ArrayList<>();
        for (ModelTopology.Node c : n.consumerNodes) {
            consumers.add(c.name);
        }
        return new LayerSpec(n.name, n.index, n.mlnIndex, n.conf.getClass().getSimpleName(), gate, layout,
                (int) units, recoverable, frozen, GatedLayers.isGated(n.conf), owner == null ? null : owner.name,
                owner == null ? -1 : owner.mlnIndex, bn == null ? null : bn.name, consumers);
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
        if (isOutputLayer(conf) || conf instanceof GravesBidirectionalLSTM || conf instanceof BatchNormalization) {
            return Optional.empty();
        }
        IActivation act = activationOf(conf);
        if (conf instanceof AbstractLSTM && !plainRelu(act)) {
            return Optional.empty();   // h = o * act(c) shows a closed act(c) only for a plain ReLU
        }
        return act == null ? Optional.empty() : Gate.of(act);
    }

    /**
     * Removes FrozenLayer and other wrappers.
     *
     * @param layer a layer configuration as configured
     * @return the innermost wrapped layer configuration ({@code layer} itself when it wraps nothing)
     */
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
}
