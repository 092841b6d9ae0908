/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.GravesLSTM;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.PReLULayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.Subsampling3DLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling1D;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.Upsampling3D;
import org.deeplearning4j.nn.conf.layers.ZeroPadding1DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPadding3DLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping2D;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping3D;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.conf.layers.util.MaskLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastCopyOp;
import org.nd4j.linalg.api.ops.impl.transforms.comparison.CompareAndReplace;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Re-initialises selected units of monitored layers: the incoming weights are re-drawn from the owner layer's own
 * configured {@link IWeightInit} (a full-shape draw with the fan-in and fan-out DL4J's parameter initializer uses,
 * then the selected units copied), the bias goes back to {@code biasInit} (a layer-norm gain to {@code gainInit}), a
 * BatchNormalization between the weights and the gate goes back to its initial state for those channels (gamma,
 * beta, running mean and variance), the outgoing weights are zeroed in every consumer ({@link OutgoingWeights#ZERO})
 * or kept, and the optimizer state of every parameter entry written is set to zero, in whatever updater block
 * layout the network has.
 *
 * <p>One {@link Event} collects the re-initialisation of several layers in one iteration. {@link Event#add} plans a
 * layer completely (it walks the network, checks every layer and vertex it would touch, draws the new values and
 * builds the write patches) without writing anything; a layer that cannot be re-initialised throws
 * {@link IllegalArgumentException} there and adds nothing. {@link Event#commit} then maps every patch onto the
 * updater state (a mapping failure still writes nothing) and only then writes, with in-place kernels on arrays whose
 * shapes and types were checked, so a model is never left half-written. Writes are exact: every planned write is
 * a <em>patch</em> of the parameter's shape holding the new value where an entry is written and NaN where it is
 * kept, applied with one legacy
 * {@code CompareAndReplace} pass ({@code param = isNaN(patch) ? param : patch}); kept entries keep their bits (even
 * -0.0 and NaN), written ones get exactly the new value (even over NaN or infinity). The optimizer state is patched
 * the same way with zeros. All work is ND4J ops over whole arrays (no Java loop over weight elements, no slow
 * gather/scatter or select kernels), so the same code runs on nd4j-cuda.
 *
 * <p>Supported owners of incoming weights: {@code DenseLayer}, {@code ConvolutionLayer}/{@code Convolution2D}
 * (NCHW and NHWC), {@code Convolution1DLayer}, {@code Convolution3D}, {@code Deconvolution2D},
 * {@code DepthwiseConvolution2D} (output channel {@code i * depthMultiplier + m}), {@code SeparableConvolution2D}
 * (the unit's pointwise weights; the depthwise weights are shared by all output channels and are kept) and
 * {@code SimpleRnn} (input weights W and recurrent weights RW of the unit; with ZERO also the unit's outgoing
 * recurrent weights). Supported consumers for ZERO: dense, output, LSTM, SimpleRnn and the convolution family,
 * through unit-preserving parameter-free layers (activation, dropout, BatchNormalization, PReLU, pooling, global
 * pooling, up-sampling, padding, cropping, mask, gate monitor), DL4J's CNN-to-dense flattening (NCHW and NHWC),
 * RNN/feed-forward reshapes and ComputationGraph merge, scale, shift and time-step vertices.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class Reinitializer {

    private Reinitializer() {
    }

    /**
     * Re-initialises units of one layer in place (an {@link Event} with one layer).
     *
     * @param model      the model (MLN or CG)
     * @param spec       the monitored layer
     * @param units      the units to re-initialise (distinct, in range)
     * @param layerUnits the number of units of the layer as monitored
     * @param policy     the policy (seed, outgoing weights)
     * @param iteration  the iteration (part of the deterministic seed)
     * @throws IllegalArgumentException when the layer cannot be re-initialised; nothing was written then
     */
    public static void reinitialize(Model model, LayerSpec spec, int[] units, int layerUnits, ReinitPolicy policy,
                                    long iteration) {
        Event e = new Event(model, policy, iteration);
        e.add(spec, units, layerUnits);
        e.commit();
    }

    /**
     * Starts an event.
     *
     * @param model     the model (MLN or CG)
     * @param policy    the policy
     * @param iteration the iteration
     * @return an empty event
     */
    public static Event event(Model model, ReinitPolicy policy, long iteration) {
        return new Event(model, policy, iteration);
    }

    /**
     * The re-initialisation of some units of some layers in one iteration: plan with {@link #add}, write with
     * {@link #commit}. Not thread-safe.
     */
    public static final class Event {
        private final Model model;
        private final ReinitPolicy policy;
        private final long iteration;
        private final ModelTopology topo;
        private final Writes writes = new Writes();
        private boolean committed;

        private Event(Model model, ReinitPolicy policy, long iteration) {
            this.model = Objects.requireNonNull(model, "model");
            this.policy = Objects.requireNonNull(policy, "policy");
            this.iteration = iteration;
            this.topo = ModelTopology.of(model);
        }

        /**
         * Plans the re-initialisation of units of a layer; writes nothing.
         *
         * @param spec       the monitored layer
         * @param units      the units (distinct, in range)
         * @param layerUnits the number of units of the layer as monitored
         * @throws IllegalArgumentException when the layer cannot be re-initialised (unsupported layer, consumer or
         *                                  vertex, frozen weights, unit out of range, ...); the event is unchanged
         * @throws IllegalStateException    when the event was committed already
         */
        public void add(LayerSpec spec, int[] units, int layerUnits) {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(units, "units");
            if (committed) {
                throw new IllegalStateException("Cannot add to a committed re-initialisation event");
            }
            if (units.length == 0) {
                return;
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                Writes local = new Writes();
                new LayerPlan(this, spec, units, layerUnits, local).plan();
                writes.mergeFrom(local);
            }
        }

        /** @return true when nothing was planned */
        public boolean isEmpty() {
            return writes.isEmpty();
        }

        /**
         * Writes everything planned: new parameter values and zeroed updater state. The updater-state mapping is
         * validated and every patch computed before the first write; the writes themselves are one in-place
         * {@code CompareAndReplace} kernel per array, on arrays whose shapes and types were checked.
         *
         * @throws IllegalArgumentException when the updater state cannot be mapped (nothing was written)
         * @throws IllegalStateException    when the event was committed already
         */
        public void commit() {
            if (committed) {
                throw new IllegalStateException("Cannot commit a re-initialisation event twice");
            }
            committed = true;
            if (writes.isEmpty()) {
                return;
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                List<INDArray[]> targets = new ArrayList<>();   // {view, patch}
                BaseMultiLayerUpdater<?> updater = updaterOf(model);
                for (ParamWrite w : writes.all()) {
                    targets.add(new INDArray[]{w.view, w.patch});
                    if (updater != null) {
                        planState(updater, w, targets);
                    }
                }
                // Every check, draw and allocation is done; what is left are in-place kernels on validated arrays.
                for (INDArray[] t : targets) {
                    applyPatch(t[1], t[0]);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------- planned writes

    /**
     * A planned write of one parameter: {@code patch} holds the new value of each written entry and NaN elsewhere;
     * {@code sel} holds 0 at each written entry and NaN elsewhere (it is also the patch of the optimizer state).
     */
    static final class ParamWrite {
        final Layer layer;
        final String param;
        final INDArray view;
        INDArray patch;
        INDArray sel;

        ParamWrite(Layer layer, String param, INDArray view, INDArray patch, INDArray sel) {
            this.layer = layer;
            this.param = param;
            this.view = view;
            this.patch = patch;
            this.sel = sel;
        }
    }

    /** Planned writes keyed by (layer object, parameter); a later write wins where two overlap. */
    static final class Writes {
        private final List<ParamWrite> list = new ArrayList<>();

        /**
         * Plans {@code param[e] = values[e]} for every entry e where {@code sel[e] == 0} ({@code sel} is NaN
         * elsewhere).
         */
        void put(Layer layer, String param, INDArray view, INDArray sel, INDArray values) {
            if (!Arrays.equals(values.shape(), view.shape())) {
                throw new IllegalArgumentException("values of parameter " + param + " must have its shape "
                        + Arrays.toString(view.shape()) + ", got: " + Arrays.toString(values.shape()));
            }
            INDArray s = checked(param, view, sel);
            INDArray v = values.dataType() == view.dataType() ? values : values.castTo(view.dataType());
            add(layer, param, view, v.addi(s), s);   // values are the planner's own fresh draws: patched in place
        }

        /** Plans {@code param[e] = value} for every entry e where {@code sel[e] == 0}. */
        void put(Layer layer, String param, INDArray view, INDArray sel, double value) {
            INDArray s = checked(param, view, sel);
            add(layer, param, view, value == 0.0 ? s : s.add(value), s);
        }

        /** The selection checked against the parameter, as a new array of the parameter's type if it is not. */
        private static INDArray checked(String param, INDArray view, INDArray sel) {
            if (!Arrays.equals(sel.shape(), view.shape())) {
                throw new IllegalArgumentException("a write of parameter " + param + " must have its shape "
                        + Arrays.toString(view.shape()) + ", got: " + Arrays.toString(sel.shape()));
            }
            return sel.dataType() == view.dataType() ? sel : sel.castTo(view.dataType());
        }

        /** Adds a write; {@code patch} and {@code sel} belong to it from now on (merges write into them). */
        private void add(Layer layer, String param, INDArray view, INDArray patch, INDArray sel) {
            for (ParamWrite w : list) {
                if (w.layer == layer && w.param.equals(param)) {
                    // The new write wins where it writes; merged in place into the new write's own arrays.
                    w.patch = patch == sel ? over(patch, w.patch) : overInPlace(patch, w.patch);
                    w.sel = overInPlace(sel, w.sel);
                    return;
                }
            }
            list.add(new ParamWrite(layer, param, view, patch, sel));
        }

        void mergeFrom(Writes other) {
            for (ParamWrite w : other.list) {
                add(w.layer, w.param, w.view, w.patch, w.sel);
            }
        }

        boolean isEmpty() {
            return list.isEmpty();
        }

        List<ParamWrite> all() {
            return list;
        }
    }

    /** {@code top} where it is not NaN, else {@code bottom} (a new array). */
    static INDArray over(INDArray top, INDArray bottom) {
        INDArray out = Nd4j.createUninitialized(bottom.dataType(), bottom.shape(), bottom.ordering());
        Nd4j.getExecutioner().exec(new CompareAndReplace(top, bottom, out, Conditions.isNan()));
        return out;
    }

    /** In place into {@code top}: {@code top} where it is not NaN, else {@code bottom}; returns {@code top}. */
    static INDArray overInPlace(INDArray top, INDArray bottom) {
        Nd4j.getExecutioner().exec(new CompareAndReplace(top, bottom, top, Conditions.isNan()));
        return top;
    }

    /** In place: {@code target[e] = isNaN(patch[e]) ? target[e] : patch[e]}. */
    static void applyPatch(INDArray patch, INDArray target) {
        Nd4j.getExecutioner().exec(new CompareAndReplace(patch, target, target, Conditions.isNan()));
    }

    // ----------------------------------------------------------------------------------------- one layer's plan

    /** Plans one layer: validation, walks, draws, masks. Writes only into its own {@link Writes}. */
    private static final class LayerPlan {
        private final Event event;
        private final LayerSpec spec;
        private final int[] units;
        private final int layerUnits;
        private final Writes out;
        private final boolean zeroOutgoing;

        LayerPlan(Event event, LayerSpec spec, int[] units, int layerUnits, Writes out) {
            this.event = event;
            this.spec = spec;
            this.units = units.clone();
            this.layerUnits = layerUnits;
            this.out = out;
            this.zeroOutgoing = event.policy.outgoing() == OutgoingWeights.ZERO;
        }

        void plan() {
            Arrays.sort(units);
            for (int i = 0; i < units.length; i++) {
                if (units[i] < 0 || units[i] >= layerUnits) {
                    throw new IllegalArgumentException("unit must be in [0, " + layerUnits + ") for layer "
                            + spec.name() + ", got: " + units[i]);
                }
                if (i > 0 && units[i] == units[i - 1]) {
                    throw new IllegalArgumentException("units must be distinct for layer " + spec.name()
                            + ", got: " + units[i] + " twice");
                }
            }
            if (spec.frozen()) {
                throw new IllegalArgumentException("layer " + spec.name() + " is frozen; frozen layers are never "
                        + "re-initialised");
            }
            ModelTopology topo = event.topo;
            ModelTopology.Node gate = topo.node(spec.name());
            // 1. Back from the gate to the layer owning the incoming weights, through unit-preserving layers only.
            List<ModelTopology.Node> between = new ArrayList<>();   // gate-side layers without weights, gate first
            ModelTopology.Node cur = gate;
            while (!ownsWeights(cur)) {
                if (!passThrough(cur.conf)) {
                    throw new IllegalArgumentException("layer " + cur.describe() + " between the weights and the "
                            + "gate of layer " + spec.name() + " does not keep units apart; re-initialisation is "
                            + "not supported there");
                }
                checkIdentityPreprocessor(cur, "between the weights and the gate of layer " + spec.name());
                between.add(cur);
                if (cur.inputs.size() != 1 || !topo.node(cur.inputs.get(0)).isLayer()) {
                    throw new IllegalArgumentException("layer " + spec.name() + " has no single layer owning its "
                            + "incoming weights (its input comes from " + (cur.inputs.size() == 1
                            ? topo.node(cur.inputs.get(0)).describe() : cur.inputs.size() + " vertices")
                            + "); re-initialisation is not supported there");
                }
                cur = topo.node(cur.inputs.get(0));
            }
            ModelTopology.Node owner = cur;
            if (owner.conf instanceof FeedForwardLayer && ((FeedForwardLayer) owner.conf).getNOut() > 0) {
                checkUnits(owner, ((FeedForwardLayer) owner.conf).getNOut());
            }
            if (owner.networkOutput || owner.conf instanceof BaseOutputLayer) {
                throw new IllegalArgumentException("layer " + owner.describe() + " is an output layer; output "
                        + "layers are never re-initialised");
            }
            if (owner.frozen()) {
                throw new IllegalArgumentException("layer " + owner.describe() + " owning the incoming weights of "
                        + "layer " + spec.name() + " is frozen; frozen layers are never re-initialised");
            }
            for (ModelTopology.Node n : between) {
                if (n.frozen() && n.conf instanceof BatchNormalization) {
                    throw new IllegalArgumentException("BatchNormalization " + n.name + " between the weights and "
                            + "the gate of layer " + spec.name() + " is frozen; it cannot be reset");
                }
            }
            if (zeroOutgoing) {
                // The pre-gate values must reach nothing but the gate, or re-drawing changes the function.
                List<ModelTopology.Node> chain = new ArrayList<>(between);
                chain.remove(gate);
                chain.add(owner);
                for (ModelTopology.Node n : chain) {
                    if (n.consumers.size() != 1 || n.networkOutput) {
                        throw new IllegalArgumentException("the output of layer " + n.describe() + " is also read "
                                + "by " + n.consumers + " without passing the gate of layer " + spec.name()
                                + "; zeroing outgoing weights cannot keep the function; use OutgoingWeights.KEEP");
                    }
                }
            }
            INDArray ind = indicator(paramOf(owner.layer, firstWeightKey(owner)).dataType());
            // 2. Outgoing weights (planned first: incoming writes win where both touch one entry).
            if (zeroOutgoing) {
                forward(gate, ind, spec.layout());
            }
            // 3. Incoming weights, bias, gain, and BatchNormalization between weights and gate.
            planIncoming(owner, ind);
            for (ModelTopology.Node n : between) {
                if (n.conf instanceof BatchNormalization) {
                    planBatchNorm(n, ind);
                }
            }
        }

        /** The selection over the layer's units: 0 for a selected unit, NaN for the others. */
        private INDArray indicator(DataType type) {
            INDArray ind = Nd4j.valueArrayOf(new long[]{layerUnits}, Double.NaN, type);
            for (int u : units) {
                ind.putScalar(u, 0.0);
            }
            return ind;
        }

        // ---------------------------------------------------------------------------------------- incoming

        private void planIncoming(ModelTopology.Node owner, INDArray ind) {
            org.deeplearning4j.nn.conf.layers.Layer conf = owner.conf;
            Layer layer = owner.layer;
            FeedForwardLayer ff = (FeedForwardLayer) conf;
            long seed = mix(mix(mix(event.policy.seed()) + event.iteration) + spec.index());
            long restore = Nd4j.getRandom().nextLong();
            Nd4j.getRandom().setSeed(seed);
            try {
                if (conf instanceof SimpleRnn) {
                    SimpleRnn rnn = (SimpleRnn) conf;
                    INDArray w = param(layer, "W", owner);
                    INDArray rw = param(layer, "RW", owner);
                    checkUnits(owner, w.size(1));
                    long nIn = w.size(0);
                    long nOut = w.size(1);
                    IWeightInit rwInit = rnn.getWeightInitFnRecurrent() != null ? rnn.getWeightInitFnRecurrent()
                            : rnn.getWeightInitFn();
                    INDArray freshW = draw(rnn.getWeightInitFn(), nIn, nOut, w, 'f');
                    INDArray freshRw = draw(rwInit, nOut, nOut, rw, 'f');
                    if (zeroOutgoing) {
                        // The unit's outgoing recurrent weights: row u of RW (its own column is re-drawn below).
                        out.put(layer, "RW", rw, axisMask(ind, rw.shape(), 0, rw.ordering()), 0.0);
                    }
                    out.put(layer, "W", w, axisMask(ind, w.shape(), 1, w.ordering()), freshW);
                    out.put(layer, "RW", rw, axisMask(ind, rw.shape(), 1, rw.ordering()), freshRw);
                    planBias(layer, owner, ind, rnn.getBiasInit());
                    INDArray g = paramOf(layer, "g");
                    if (g != null) {
                        // Layer norm gains [gx | gr], one of each per unit.
                        INDArray gm = Nd4j.concat(0, ind, ind).reshape(g.shape());
                        out.put(layer, "g", g, gm, rnn.getGainInit());
                    }
                    return;
                }
                if (conf instanceof DenseLayer) {
                    INDArray w = param(layer, "W", owner);
                    checkRank(owner, w, 2);
                    checkUnits(owner, w.size(1));
                    INDArray fresh = draw(ff.getWeightInitFn(), w.size(0), w.size(1), w, 'f');
                    out.put(layer, "W", w, axisMask(ind, w.shape(), 1, w.ordering()), fresh);
                    planBias(layer, owner, ind, ff.getBiasInit());
                    INDArray g = paramOf(layer, "g");
                    if (g != null) {
                        out.put(layer, "g", g, ind.reshape(g.shape()).dup(), ff.getGainInit());
                    }
                    return;
                }
                if (conf instanceof Deconvolution3D) {
                    throw unsupportedOwner(owner);
                }
                if (conf instanceof ConvolutionLayer) {
                    ConvolutionLayer cl = (ConvolutionLayer) conf;
                    int[] k = cl.getKernelSize();
                    int[] s = cl.getStride();
                    double kProd = prod(k);
                    double sProd = prod(s);
                    if (conf instanceof SeparableConvolution2D) {
                        INDArray pw = param(layer, "pW", owner);
                        checkRank(owner, pw, 4);
                        checkUnits(owner, pw.size(0));
                        double fan = (double) ((SeparableConvolution2D) conf).getDepthMultiplier() * cl.getNIn();
                        INDArray fresh = draw(cl.getWeightInitFn(), fan, fan, pw, 'c');
                        out.put(layer, "pW", pw, axisMask(ind, pw.shape(), 0), fresh);
                    } else if (conf instanceof DepthwiseConvolution2D) {
                        INDArray w = param(layer, "W", owner);   // [kH, kW, inC, depthMultiplier]
                        checkRank(owner, w, 4);
                        checkUnits(owner, w.size(2) * w.size(3));
                        INDArray fresh = draw(cl.getWeightInitFn(), w.size(2) * kProd,
                                w.size(3) * kProd / sProd, w, 'c');
                        INDArray m = Nd4j.createUninitialized(w.dataType(), w.shape(), 'c');
                        Nd4j.getExecutioner().exec(new BroadcastCopyOp(m, ind.reshape(w.size(2), w.size(3)), m, 2, 3));
                        out.put(layer, "W", w, m, fresh);
                    } else if (conf instanceof Deconvolution2D) {
                        INDArray w = param(layer, "W", owner);   // [inC, outC, kH, kW]
                        checkRank(owner, w, 4);
                        checkUnits(owner, w.size(1));
                        INDArray fresh = draw(cl.getWeightInitFn(), w.size(0) * kProd, w.size(1) * kProd / sProd,
                                w, 'c');
                        out.put(layer, "W", w, axisMask(ind, w.shape(), 1), fresh);
                    } else {
                        // ConvolutionLayer, Convolution1DLayer ([outC, inC, k, 1]), Convolution3D (rank 5).
                        INDArray w = param(layer, "W", owner);
                        checkRank(owner, w, conf instanceof Convolution3D ? 5 : 4);
                        checkUnits(owner, w.size(0));
                        INDArray fresh = draw(cl.getWeightInitFn(), w.size(1) * kProd, w.size(0) * kProd / sProd,
                                w, 'c');
                        out.put(layer, "W", w, convMask(conf, ind, w.shape(), 0), fresh);
                    }
                    planBias(layer, owner, ind, cl.getBiasInit());
                    return;
                }
                throw unsupportedOwner(owner);
            } finally {
                Nd4j.getRandom().setSeed(restore);
            }
        }

        private void planBias(Layer layer, ModelTopology.Node owner, INDArray ind, double biasInit) {
            INDArray b = paramOf(layer, "b");
            if (b == null) {
                return;
            }
            if (b.length() != layerUnits) {
                throw new IllegalArgumentException("bias of layer " + owner.describe() + " must have " + layerUnits
                        + " entries, got: " + b.length());
            }
            out.put(layer, "b", b, ind.reshape(b.shape()).dup(), biasInit);
        }

        private void planBatchNorm(ModelTopology.Node bn, INDArray ind) {
            BatchNormalization conf = (BatchNormalization) bn.conf;
            Layer layer = bn.layer;
            Map<String, Double> initial = new LinkedHashMap<>();
            initial.put(BatchNormalizationParamInitializer.GAMMA, conf.getGamma());
            initial.put(BatchNormalizationParamInitializer.BETA, conf.getBeta());
            initial.put(BatchNormalizationParamInitializer.GLOBAL_MEAN, 0.0);
            initial.put(BatchNormalizationParamInitializer.GLOBAL_VAR, 1.0);
            initial.put(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, 0.0);
            for (Map.Entry<String, Double> e : initial.entrySet()) {
                INDArray p = paramOf(layer, e.getKey());
                if (p == null) {
                    continue;   // gamma/beta locked, or the other of var/log10stdev
                }
                if (p.length() != layerUnits) {
                    throw new IllegalArgumentException("parameter " + e.getKey() + " of BatchNormalization "
                            + bn.name + " must have " + layerUnits + " entries, got: " + p.length());
                }
                out.put(layer, e.getKey(), p, ind.reshape(p.shape()).dup(), e.getValue());
            }
        }

        private INDArray draw(IWeightInit init, double fanIn, double fanOut, INDArray like, char order) {
            if (init == null) {
                throw new IllegalArgumentException("layer " + spec.ownerName() + " has no weight initialisation "
                        + "configured; re-initialisation needs one");
            }
            INDArray flat = Nd4j.createUninitialized(like.dataType(), like.length());
            INDArray fresh = init.init(fanIn, fanOut, like.shape(), order, flat);
            if (!Arrays.equals(fresh.shape(), like.shape())) {
                fresh = fresh.reshape(order, like.shape());
            }
            return fresh;
        }

        private void checkUnits(ModelTopology.Node owner, long ownerUnits) {
            if (ownerUnits != layerUnits) {
                throw new IllegalArgumentException("units of layer " + owner.describe() + " must match the "
                        + layerUnits + " units of layer " + spec.name() + ", got: " + ownerUnits);
            }
        }

        private IllegalArgumentException unsupportedOwner(ModelTopology.Node owner) {
            return new IllegalArgumentException("re-initialisation of " + owner.conf.getClass().getSimpleName()
                    + " layers (" + owner.name + ") is not supported; supported: DenseLayer, ConvolutionLayer, "
                    + "Convolution1DLayer, Convolution3D, Deconvolution2D, DepthwiseConvolution2D, "
                    + "SeparableConvolution2D, SimpleRnn");
        }

        // ---------------------------------------------------------------------------------------- outgoing

        /**
         * Zeroes, in every consumer of {@code node}, the weights that read the selected units.
         *
         * @param node   the node whose output carries the units
         * @param sel    selection over the node's output units (features for FF, channels for CNN/RNN): 0 for a
         *               selected unit, NaN for the others
         * @param layout the node's output layout
         */
        private void forward(ModelTopology.Node node, INDArray sel, Layout layout) {
            if (node.networkOutput) {
                throw new IllegalArgumentException("the output of " + node.describe() + " is a network output, "
                        + "which has no outgoing weights to zero; use OutgoingWeights.KEEP");
            }
            if (node.consumers.isEmpty()) {
                throw new IllegalArgumentException(node.describe() + " has no consumer; use OutgoingWeights.KEEP");
            }
            ModelTopology topo = event.topo;
            for (String cName : new java.util.LinkedHashSet<>(node.consumers)) {
                ModelTopology.Node c = topo.node(cName);
                if (c.isLayer()) {
                    INDArray s = sel;
                    Layout l = layout;
                    if (c.pre != null) {
                        s = mapPreprocessor(c.pre, sel, layout, c);
                        l = layoutAfter(c.pre, layout);
                    }
                    if (c.frozen()) {
                        throw new IllegalArgumentException("layer " + c.describe() + " reading layer " + spec.name()
                                + " is frozen; its weights cannot be zeroed; use OutgoingWeights.KEEP");
                    }
                    int axis = inputAxis(c.conf);
                    if (axis >= 0) {
                        zeroInputs(c, s, axis);
                    } else if (passThrough(c.conf)) {
                        forward(c, s, layoutAfter(c.conf, l));
                    } else {
                        throw new IllegalArgumentException("zeroing the outgoing weights of layer " + spec.name()
                                + " in " + c.describe() + " is not supported; use OutgoingWeights.KEEP");
                    }
                } else if (c.vertexConf instanceof MergeVertex) {
                    int axis = ((MergeVertex) c.vertexConf).getMergeAxis();
                    if (axis != channelAxis(layout)) {
                        throw new IllegalArgumentException("merge vertex " + c.name + " merges along axis " + axis
                                + ", not the unit axis " + channelAxis(layout) + " of layer " + spec.name()
                                + "; use OutgoingWeights.KEEP");
                    }
                    List<INDArray> parts = new ArrayList<>();
                    for (String in : c.inputs) {
                        if (in.equals(node.name)) {
                            parts.add(sel);
                        } else {
                            long width = width(topo, topo.node(in), new java.util.HashSet<>());
                            if (width <= 0) {
                                throw new IllegalArgumentException("the width of input " + in + " of merge vertex "
                                        + c.name + " is unknown, so the position of layer " + spec.name()
                                        + "'s units in it is unknown; use OutgoingWeights.KEEP");
                            }
                            parts.add(Nd4j.valueArrayOf(new long[]{width}, Double.NaN, sel.dataType()));
                        }
                    }
                    INDArray merged = parts.size() == 1 ? parts.get(0)
                            : Nd4j.concat(0, parts.toArray(new INDArray[0]));
                    forward(c, merged, layout);
                } else if (c.vertexConf instanceof PreprocessorVertex) {
                    InputPreProcessor p = ((PreprocessorVertex) c.vertexConf).getPreProcessor();
                    forward(c, mapPreprocessor(p, sel, layout, c), layoutAfter(p, layout));
                } else if (c.vertexConf instanceof ScaleVertex || c.vertexConf instanceof ShiftVertex) {
                    forward(c, sel, layout);
                } else if (c.vertexConf instanceof LastTimeStepVertex) {
                    forward(c, sel, Layout.FF);
                } else if (c.vertexConf instanceof DuplicateToTimeSeriesVertex) {
                    forward(c, sel, Layout.NCW);
                } else {
                    throw new IllegalArgumentException("zeroing the outgoing weights of layer " + spec.name()
                            + " through " + c.describe() + " is not supported (it mixes or reorders units); use "
                            + "OutgoingWeights.KEEP");
                }
            }
        }

        private void zeroInputs(ModelTopology.Node c, INDArray sel, int axis) {
            Layer layer = c.layer;
            INDArray w = param(layer, "W", c);
            if (axis >= w.rank() || w.size(axis) != sel.length()) {
                throw new IllegalArgumentException("weights of layer " + c.describe() + " (shape "
                        + Arrays.toString(w.shape()) + ") must read " + sel.length() + " inputs along axis " + axis
                        + " to zero the outgoing weights of layer " + spec.name() + "; use OutgoingWeights.KEEP");
            }
            out.put(layer, "W", w, convMask(c.conf, sel, w.shape(), axis), 0.0);
        }

        private INDArray mapPreprocessor(InputPreProcessor p, INDArray sel, Layout layout, ModelTopology.Node at) {
            if (p instanceof RnnToFeedForwardPreProcessor || p instanceof FeedForwardToRnnPreProcessor) {
                return sel;
            }
            if (p instanceof CnnToFeedForwardPreProcessor) {
                CnnToFeedForwardPreProcessor c = (CnnToFeedForwardPreProcessor) p;
                long h = c.getInputHeight();
                long w = c.getInputWidth();
                long ch = c.getNumChannels();
                if (ch != sel.length() || h <= 0 || w <= 0) {
                    throw new IllegalArgumentException("flattening preprocessor of " + at.describe() + " must have "
                            + sel.length() + " channels and a known height and width, got: " + ch + "x" + h + "x"
                            + w + "; use OutgoingWeights.KEEP");
                }
                // DL4J flattens with a c-order reshape in both formats:
                // NCHW rows c*H*W + y*W + x, NHWC rows y*W*C + x*C + c.
                INDArray grid = c.getFormat() == CNN2DFormat.NHWC
                        ? sel.reshape(1, 1, ch).broadcast(h, w, ch)
                        : sel.reshape(ch, 1, 1).broadcast(ch, h, w);
                return grid.dup('c').reshape('c', new long[]{ch * h * w});
            }
            throw new IllegalArgumentException("zeroing the outgoing weights of layer " + spec.name() + " through "
                    + "the preprocessor " + p.getClass().getSimpleName() + " of " + at.describe() + " is not "
                    + "supported; use OutgoingWeights.KEEP");
        }

        private void checkIdentityPreprocessor(ModelTopology.Node n, String where) {
            if (n.pre != null && !(n.pre instanceof RnnToFeedForwardPreProcessor)
                    && !(n.pre instanceof FeedForwardToRnnPreProcessor)) {
                throw new IllegalArgumentException("the preprocessor " + n.pre.getClass().getSimpleName() + " of "
                        + n.describe() + " " + where + " changes the unit layout; re-initialisation is not "
                        + "supported there");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    /** SplitMix64 finaliser: decorrelates (seed, iteration, layer) into one RNG seed. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static double prod(int[] a) {
        double p = 1;
        for (int v : a) {
            p *= v;
        }
        return p;
    }

    /**
     * The selection of {@code shape} (0 where selected, NaN elsewhere) that is {@code ind} (a selection over units)
     * along {@code axis}: one allocation and one broadcast op.
     */
    static INDArray axisMask(INDArray ind, long[] shape, int axis) {
        return axisMask(ind, shape, axis, 'c');
    }

    /** {@link #axisMask(INDArray, long[], int)} allocated in {@code order} (that of the parameter it selects in). */
    static INDArray axisMask(INDArray ind, long[] shape, int axis, char order) {
        INDArray m = Nd4j.createUninitialized(ind.dataType(), shape, order);
        Nd4j.getExecutioner().exec(new BroadcastCopyOp(m, ind, m, axis));
        return m;
    }

    /** A parameter of a layer, or null (also for layers without parameters, whose getParam throws). */
    static INDArray paramOf(Layer layer, String key) {
        Map<String, INDArray> table = layer.paramTable();
        return table == null ? null : table.get(key);
    }

    /**
     * {@link #axisMask} for weights of nominal shape {@code shape}, except for a {@code Convolution1DLayer} in NCW
     * format: DL4J M2.1 declares its W as {@code [outC, inC, k, 1]} but its forward pass <em>reshapes</em> (does not
     * permute) that 'c'-order buffer to {@code [k, inC, outC]} ({@code Convolution1DUtils
     * .reshapeWeightArrayOrGradientForFormat}), so output channel o and input channel i are the last and middle
     * axes of that real layout. The mask is built there and reshaped back to the nominal shape.
     */
    static INDArray convMask(org.deeplearning4j.nn.conf.layers.Layer conf, INDArray ind, long[] shape, int axis) {
        if (conf instanceof Convolution1DLayer && !(conf instanceof Convolution3D)
                && ((Convolution1DLayer) conf).getRnnDataFormat() != RNNFormat.NWC && shape.length == 4
                && (axis == 0 || axis == 1)) {
            long[] real = {shape[2], shape[1], shape[0]};
            return axisMask(ind, real, axis == 0 ? 2 : 1).reshape('c', shape);
        }
        return axisMask(ind, shape, axis, conf instanceof ConvolutionLayer ? 'c' : 'f');
    }

    private static INDArray param(Layer layer, String key, ModelTopology.Node node) {
        INDArray p = paramOf(layer, key);
        if (p == null) {
            throw new IllegalArgumentException("layer " + node.describe() + " must have a parameter " + key
                    + ", got: none");
        }
        return p;
    }

    private static void checkRank(ModelTopology.Node n, INDArray w, int rank) {
        if (w.rank() != rank) {
            throw new IllegalArgumentException("weights of layer " + n.describe() + " must have rank " + rank
                    + ", got: " + Arrays.toString(w.shape()));
        }
    }

    private static String firstWeightKey(ModelTopology.Node owner) {
        return owner.conf instanceof SeparableConvolution2D ? "pW" : "W";
    }

    /** @return true when the node is a layer that owns incoming weights (stops the backward walk) */
    private static boolean ownsWeights(ModelTopology.Node n) {
        if (!n.isLayer() || n.layer == null || passThrough(n.conf)) {
            return false;
        }
        return paramOf(n.layer, "W") != null;
    }

    /**
     * Layers that keep each unit on its own index and have no weights reading several units: safe to walk through
     * between weights and gate, and after a gate when zeroing outgoing weights.
     */
    static boolean passThrough(org.deeplearning4j.nn.conf.layers.Layer conf) {
        return conf instanceof ActivationLayer || conf instanceof DropoutLayer || conf instanceof BatchNormalization
                || conf instanceof PReLULayer || conf instanceof SubsamplingLayer
                || conf instanceof Subsampling3DLayer || conf instanceof GlobalPoolingLayer
                || conf instanceof Upsampling1D || conf instanceof Upsampling2D || conf instanceof Upsampling3D
                || conf instanceof ZeroPaddingLayer || conf instanceof ZeroPadding1DLayer
                || conf instanceof ZeroPadding3DLayer || conf instanceof Cropping1D || conf instanceof Cropping2D
                || conf instanceof Cropping3D || conf instanceof MaskLayer
                || (conf instanceof GatedLayerConf && conf.initializer() != null
                && conf.initializer().numParams(conf) == 0);
    }

    /** The axis of a consumer's W along which it reads its input units, or -1 when unsupported. */
    @SuppressWarnings("deprecation") // GravesLSTM: deprecated in DL4J, still a layer users have
    static int inputAxis(org.deeplearning4j.nn.conf.layers.Layer conf) {
        if (conf instanceof DenseLayer || conf instanceof BaseOutputLayer || conf instanceof LSTM
                || conf instanceof GravesLSTM || conf instanceof SimpleRnn) {
            return 0;
        }
        if (conf instanceof Deconvolution3D) {
            return -1;
        }
        if (conf instanceof Deconvolution2D) {
            return 0;   // [inC, outC, kH, kW]
        }
        if (conf instanceof DepthwiseConvolution2D) {
            return 2;   // [kH, kW, inC, depthMultiplier]
        }
        if (conf instanceof ConvolutionLayer) {
            return 1;   // [outC, inC, ...]; SeparableConvolution2D's depthwise W is [depthMultiplier, inC, kH, kW]
        }
        return -1;
    }

    private static int channelAxis(Layout layout) {
        switch (layout) {
            case NHWC:
                return 3;
            case NWC:
                return 2;
            case NDHWC:
                return 4;
            default:
                return 1;
        }
    }

    private static Layout layoutAfter(org.deeplearning4j.nn.conf.layers.Layer conf, Layout in) {
        if (conf instanceof GlobalPoolingLayer && ((GlobalPoolingLayer) conf).isCollapseDimensions()) {
            return Layout.FF;
        }
        return in;
    }

    private static Layout layoutAfter(InputPreProcessor p, Layout in) {
        if (p instanceof CnnToFeedForwardPreProcessor || p instanceof RnnToFeedForwardPreProcessor) {
            return Layout.FF;
        }
        if (p instanceof FeedForwardToRnnPreProcessor) {
            return Layout.NCW;
        }
        return in;
    }

    /** Output units of a node (features or channels), or -1 when unknown. */
    private static long width(ModelTopology topo, ModelTopology.Node n, java.util.Set<String> seen) {
        if (!seen.add(n.name) || n.networkInput) {
            return -1;
        }
        if (n.isLayer()) {
            if (n.conf instanceof FeedForwardLayer && !passThrough(n.conf)
                    && ((FeedForwardLayer) n.conf).getNOut() > 0) {
                return ((FeedForwardLayer) n.conf).getNOut();
            }
            if (passThrough(n.conf) && n.inputs.size() == 1 && n.pre == null) {
                // (the seen set is per width call, the topology is a DAG)
                return n.inputs.size() == 1 ? width(topo, topo.node(n.inputs.get(0)), seen) : -1;
            }
            return -1;
        }
        if (n.vertexConf instanceof MergeVertex) {
            long sum = 0;
            for (String in : n.inputs) {
                long wd = width(topo, topo.node(in), new java.util.HashSet<>(seen));
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

    // ------------------------------------------------------------------------------------------- updater state

    private static BaseMultiLayerUpdater<?> updaterOf(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return (BaseMultiLayerUpdater<?>) ((MultiLayerNetwork) model).getUpdater(false);
        }
        if (model instanceof ComputationGraph) {
            return ((ComputationGraph) model).getUpdater(false);
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * Plans the zeroing of the updater state of every written entry of {@code w}: in each updater block holding the
     * parameter, the block view is k consecutive segments (Adam m and v, AMSGrad m, v and vHat, ...) of the block's
     * parameter count, each in the block's flat parameter order.
     */
    private static void planState(BaseMultiLayerUpdater<?> updater, ParamWrite w, List<INDArray[]> targets) {
        INDArray flatMask = null;
        for (UpdaterBlock ub : updater.getUpdaterBlocks()) {
            INDArray view = ub.getUpdaterView();
            if (view == null) {
                continue;
            }
            long n = ub.getParamOffsetEnd() - ub.getParamOffsetStart();
            long total = ub.getUpdaterViewOffsetEnd() - ub.getUpdaterViewOffsetStart();
            for (UpdaterBlock.ParamState ps : ub.getLayersAndVariablesInBlock()) {
                if (!ps.getParamName().equals(w.param) || !sameLayer(ps.getLayer(), w.layer)) {
                    continue;
                }
                long len = ps.getParamOffsetEnd() - ps.getParamOffsetStart();
                if (n <= 0 || total % n != 0 || len != w.view.length() || view.length() != total) {
                    throw new IllegalArgumentException("updater state of parameter " + w.param + " must be whole "
                            + "segments of its block, got: block of " + n + " parameters with " + total
                            + " state entries, parameter of " + len + " entries");
                }
                if (flatMask == null) {
                    flatMask = flatInParamOrder(w);
                }
                if (view.dataType() != w.view.dataType()) {
                    throw new IllegalArgumentException("updater state of parameter " + w.param + " must have the "
                            + "parameter's type " + w.view.dataType() + ", got: " + view.dataType());
                }
                INDArray flat = view.rank() == 1 ? view : view.reshape(view.length());
                long o = ps.getParamOffsetStart() - ub.getParamOffsetStart();
                long k = total / n;
                for (long s = 0; s < k; s++) {
                    INDArray seg = flat.get(NDArrayIndex.interval(s * n + o, s * n + o + len));
                    targets.add(new INDArray[]{seg, flatMask});
                }
            }
        }
    }

    /** The selection of a parameter flattened in the order its entries have in the flat parameter array. */
    private static INDArray flatInParamOrder(ParamWrite w) {
        char order = w.view.ordering();
        long[] shape = w.view.shape();
        long[] expected = Nd4j.getStrides(shape, order);
        long[] actual = w.view.stride();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > 1 && expected[i] != actual[i]) {
                throw new IllegalArgumentException("parameter " + w.param + " must be a contiguous view of the flat "
                        + "parameters, got: strides " + Arrays.toString(actual) + " for shape "
                        + Arrays.toString(shape));
            }
        }
        return w.sel.reshape(order, new long[]{w.view.length()});
    }

    private static boolean sameLayer(Trainable t, Layer layer) {
        return t == layer || (t instanceof GraphVertex && ((GraphVertex) t).getLayer() == layer);
    }
}
