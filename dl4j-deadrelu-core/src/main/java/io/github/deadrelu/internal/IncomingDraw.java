/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static io.github.deadrelu.internal.LayerKinds.paramOf;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.Deconvolution3D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInitConstant;
import org.deeplearning4j.nn.weights.WeightInitLecunUniform;
import org.deeplearning4j.nn.weights.WeightInitNormal;
import org.deeplearning4j.nn.weights.WeightInitRelu;
import org.deeplearning4j.nn.weights.WeightInitReluUniform;
import org.deeplearning4j.nn.weights.WeightInitSigmoidUniform;
import org.deeplearning4j.nn.weights.WeightInitUniform;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanAvg;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanIn;
import org.deeplearning4j.nn.weights.WeightInitVarScalingNormalFanOut;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanAvg;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanIn;
import org.deeplearning4j.nn.weights.WeightInitVarScalingUniformFanOut;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.deeplearning4j.nn.weights.WeightInitXavierLegacy;
import org.deeplearning4j.nn.weights.WeightInitXavierUniform;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Plans the incoming side of the re-initialisation of some units: their incoming weights re-drawn from the owner
 * layer's own configured {@link IWeightInit} with the fan-in and fan-out DL4J's parameter initializer uses, the bias
 * back to {@code biasInit}, a layer-norm gain to {@code gainInit}, and a BatchNormalization between the weights and the
 * gate back to its initial state for those channels.
 *
 * <p>The draw: for parameters of at least {@link #SUBSET_DRAW_MIN_ENTRIES} entries and DL4J's own weight inits that
 * draw every entry independently with a scale that depends on the fans only (Xavier, ReLU, LeCun, variance scaling,
 * normal, uniform, sigmoid-uniform and constant; exact classes), only the selected units' slices are drawn, with the
 * layer's full fans, so each entry has the distribution it had at {@code init()}. Any other init (distribution,
 * identity, a custom one) and smaller parameters get a full-shape draw, from which the selected slices are taken. A
 * draw that throws, has the wrong shape or is not finite fails the plan: nothing is written.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class IncomingDraw {

    private static final Set<Class<?>> IID_INITS = Set.of(WeightInitXavier.class, WeightInitXavierUniform.class,
            WeightInitXavierLegacy.class, WeightInitRelu.class, WeightInitReluUniform.class,
            WeightInitLecunUniform.class, WeightInitNormal.class, WeightInitUniform.class,
            WeightInitSigmoidUniform.class, WeightInitConstant.class, WeightInitVarScalingNormalFanAvg.class,
            WeightInitVarScalingNormalFanIn.class, WeightInitVarScalingNormalFanOut.class,
            WeightInitVarScalingUniformFanAvg.class, WeightInitVarScalingUniformFanIn.class,
            WeightInitVarScalingUniformFanOut.class);

    /**
     * Parameters with fewer entries get a full-shape draw even for an independent-entry init: it costs well under a
     * millisecond there, and it keeps the values a given seed drew in earlier versions.
     */
    static final long SUBSET_DRAW_MIN_ENTRIES = 1L << 16;

    private final String layerName;
    private final int[] units;
    private final int layerUnits;
    private final boolean zeroOutgoing;
    private final Writes out;

    IncomingDraw(String layerName, int[] units, int layerUnits, boolean zeroOutgoing, Writes out) {
        this.layerName = layerName;
        this.units = units;
        this.layerUnits = layerUnits;
        this.zeroOutgoing = zeroOutgoing;
        this.out = out;
    }

    /** Plans the owner's incoming weights, bias and gain. */
    void plan(ModelTopology.Node owner) {
        org.deeplearning4j.nn.conf.layers.Layer conf = owner.conf;
        Layer layer = owner.layer;
        if (conf instanceof SimpleRnn) {
            SimpleRnn rnn = (SimpleRnn) conf;
            INDArray w = param(layer, "W", owner);
            INDArray rw = param(layer, "RW", owner);
            checkUnits(owner, w.size(1));
            IWeightInit rwInit = rnn.getWeightInitFnRecurrent() != null ? rnn.getWeightInitFnRecurrent()
                    : rnn.getWeightInitFn();
            INDArray freshW = draw(rnn.getWeightInitFn(), w.size(0), w.size(1), w, 'f', null, 1);
            INDArray freshRw = draw(rwInit, rw.size(0), rw.size(1), rw, 'f', null, 1);
            if (zeroOutgoing) {
                // The unit's outgoing recurrent weights: row u of RW (its own column is re-drawn below).
                out.add(ParamPatch.fill(layer, "RW", rw, null, 0, units, 0.0, layerName));
            }
            out.add(ParamPatch.of(layer, "W", w, null, 1, units, freshW, layerName));
            out.add(ParamPatch.of(layer, "RW", rw, null, 1, units, freshRw, layerName));
            planBias(layer, owner, rnn.getBiasInit());
            INDArray g = paramOf(layer, "g");
            if (g != null) {
                // Layer norm gains [gx | gr], one of each per unit.
                int[] both = new int[2 * units.length];
                for (int i = 0; i < units.length; i++) {
                    both[i] = units[i];
                    both[units.length + i] = layerUnits + units[i];
                }
                out.add(ParamPatch.fill(layer, "g", g, ParamPatch.vectorFrame(g), 0, both, rnn.getGainInit(),
                        layerName));
            }
            return;
        }
        if (conf instanceof DenseLayer) {
            FeedForwardLayer ff = (FeedForwardLayer) conf;
            INDArray w = param(layer, "W", owner);
            checkRank(owner, w, 2);
            checkUnits(owner, w.size(1));
            INDArray fresh = draw(ff.getWeightInitFn(), w.size(0), w.size(1), w, 'f', null, 1);
            out.add(ParamPatch.of(layer, "W", w, null, 1, units, fresh, layerName));
            planBias(layer, owner, ff.getBiasInit());
            INDArray g = paramOf(layer, "g");
            if (g != null) {
                out.add(ParamPatch.fill(layer, "g", g, ParamPatch.vectorFrame(g), 0, units, ff.getGainInit(),
                        layerName));
            }
            return;
        }
        if (conf instanceof ConvolutionLayer && !(conf instanceof Deconvolution3D)) {
            planConv(owner, (ConvolutionLayer) conf, layer);
            return;
        }
        throw PlanResult.refuse("re-initialisation of " + conf.getClass().getSimpleName() + " layers ("
                + owner.name + ") is not supported; supported: DenseLayer, ConvolutionLayer, Convolution1DLayer, "
                + "Convolution3D, Deconvolution2D, DepthwiseConvolution2D, SeparableConvolution2D, SimpleRnn");
    }

    private void planConv(ModelTopology.Node owner, ConvolutionLayer cl, Layer layer) {
        double kProd = prod(cl.getKernelSize());
        double sProd = prod(cl.getStride());
        if (cl instanceof SeparableConvolution2D) {
            INDArray pw = param(layer, "pW", owner);
            checkRank(owner, pw, 4);
            checkUnits(owner, pw.size(0));
            double fan = (double) ((SeparableConvolution2D) cl).getDepthMultiplier() * cl.getNIn();
            INDArray fresh = draw(cl.getWeightInitFn(), fan, fan, pw, 'c', null, 0);
            out.add(ParamPatch.of(layer, "pW", pw, null, 0, units, fresh, layerName));
        } else if (cl instanceof DepthwiseConvolution2D) {
            INDArray w = param(layer, "W", owner);   // [kH, kW, inC, depthMultiplier]: unit i * dm + m
            checkRank(owner, w, 4);
            checkUnits(owner, w.size(2) * w.size(3));
            long[] frame = {w.size(0), w.size(1), w.size(2) * w.size(3)};
            INDArray fresh = draw(cl.getWeightInitFn(), w.size(2) * kProd, w.size(3) * kProd / sProd, w, 'c',
                    frame, 2);
            out.add(ParamPatch.of(layer, "W", w, frame, 2, units, fresh, layerName));
        } else if (cl instanceof Deconvolution2D) {
            INDArray w = param(layer, "W", owner);   // [inC, outC, kH, kW]
            checkRank(owner, w, 4);
            checkUnits(owner, w.size(1));
            INDArray fresh = draw(cl.getWeightInitFn(), w.size(0) * kProd, w.size(1) * kProd / sProd, w, 'c',
                    null, 1);
            out.add(ParamPatch.of(layer, "W", w, null, 1, units, fresh, layerName));
        } else {
            // ConvolutionLayer, Convolution1DLayer ([outC, inC, k, 1]), Convolution3D (rank 5).
            INDArray w = param(layer, "W", owner);
            checkRank(owner, w, cl instanceof Convolution3D ? 5 : 4);
            checkUnits(owner, w.size(0));
            long[][] f = UnitLayouts.weightFrame(cl, w.shape(), 0);
            long[] frame = f == null ? null : f[0];
            int axis = f == null ? 0 : (int) f[1][0];
            INDArray fresh = draw(cl.getWeightInitFn(), w.size(1) * kProd, w.size(0) * kProd / sProd, w, 'c',
                    frame, axis);
            out.add(ParamPatch.of(layer, "W", w, frame, axis, units, fresh, layerName));
        }
        planBias(layer, owner, cl.getBiasInit());
    }

    private void planBias(Layer layer, ModelTopology.Node owner, double biasInit) {
        INDArray b = paramOf(layer, "b");
        if (b == null) {
            return;
        }
        if (b.length() != layerUnits) {
            throw PlanResult.refuse("bias of layer " + owner.describe() + " must have " + layerUnits
                    + " entries, got: " + b.length());
        }
        out.add(ParamPatch.fill(layer, "b", b, ParamPatch.vectorFrame(b), 0, units, biasInit, layerName));
    }

    /** Resets the selected channels of a BatchNormalization between the weights and the gate. */
    void planBatchNorm(ModelTopology.Node bn) {
        BatchNormalization conf = (BatchNormalization) bn.conf;
        Map<String, Double> initial = new LinkedHashMap<>();
        initial.put(BatchNormalizationParamInitializer.GAMMA, conf.getGamma());
        initial.put(BatchNormalizationParamInitializer.BETA, conf.getBeta());
        initial.put(BatchNormalizationParamInitializer.GLOBAL_MEAN, 0.0);
        initial.put(BatchNormalizationParamInitializer.GLOBAL_VAR, 1.0);
        initial.put(BatchNormalizationParamInitializer.GLOBAL_LOG_STD, 0.0);
        for (Map.Entry<String, Double> e : initial.entrySet()) {
            INDArray p = paramOf(bn.layer, e.getKey());
            if (p == null) {
                continue;   // gamma/beta locked, or the other of var/log10stdev
            }
            if (p.length() != layerUnits) {
                throw PlanResult.refuse("parameter " + e.getKey() + " of BatchNormalization " + bn.name
                        + " must have " + layerUnits + " entries, got: " + p.length());
            }
            out.add(ParamPatch.fill(bn.layer, e.getKey(), p, ParamPatch.vectorFrame(p), 0, units, e.getValue(),
                    layerName));
        }
    }

    /**
     * Draws new values for the selected slices along {@code axis} of the frame {@code frame} (null: the parameter's
     * own shape) of parameter {@code like}.
     *
     * @return the values, the frame's shape with {@code units.length} along {@code axis}
     */
    private INDArray draw(IWeightInit init, double fanIn, double fanOut, INDArray like, char order, long[] frame,
                          int axis) {
        if (init == null) {
            throw PlanResult.refuse("layer " + layerName + " has no weight initialisation configured; "
                    + "re-initialisation needs one");
        }
        long[] frameShape = frame == null ? like.shape() : frame;
        long[] sub = frameShape.clone();
        sub[axis] = units.length;
        INDArray values;
        if (drawsIndependently(init) && like.length() >= SUBSET_DRAW_MIN_ENTRIES) {
            values = call(init, fanIn, fanOut, sub, order, like.dataType());
        } else {
            INDArray full = call(init, fanIn, fanOut, like.shape(), order, like.dataType());
            INDArray framed = frame == null ? full : full.reshape('c', frame);
            values = Nd4j.exec(new Gather(framed, Nd4j.createFromArray(units), axis))[0];
        }
        if (!finite(values)) {
            throw new PlanResult.Failure("the weight init " + init.getClass().getSimpleName() + " of layer "
                    + layerName + " drew non-finite values; nothing was written");
        }
        return values;
    }

    /** Calls the init and checks what it returned. */
    private INDArray call(IWeightInit init, double fanIn, double fanOut, long[] shape, char order, DataType type) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        INDArray fresh = init.init(fanIn, fanOut, shape.clone(), order, Nd4j.createUninitialized(type, n));
        if (fresh == null || fresh.length() != n) {
            throw new PlanResult.Failure("the weight init " + init.getClass().getSimpleName() + " of layer "
                    + layerName + " must return " + n + " values of shape " + Arrays.toString(shape) + ", got: "
                    + (fresh == null ? "null" : Arrays.toString(fresh.shape())));
        }
        if (!Arrays.equals(fresh.shape(), shape)) {
            fresh = fresh.reshape(order, shape);
        }
        return fresh.dataType() == type ? fresh : fresh.castTo(type);
    }

    /** @return true when every value is finite (checked in FLOAT or DOUBLE: HALF's NaN tests are unreliable) */
    static boolean finite(INDArray a) {
        INDArray x = a.dataType() == DataType.DOUBLE || a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        return Double.isFinite(x.norm1Number().doubleValue());
    }

    /** @return true for DL4J's inits that draw each entry independently, with a scale set by the fans only */
    static boolean drawsIndependently(IWeightInit init) {
        return IID_INITS.contains(init.getClass());
    }

    private void checkUnits(ModelTopology.Node owner, long ownerUnits) {
        if (ownerUnits != layerUnits) {
            throw PlanResult.refuse("units of layer " + owner.describe() + " must match the " + layerUnits
                    + " units of layer " + layerName + ", got: " + ownerUnits);
        }
    }

    static INDArray param(Layer layer, String key, ModelTopology.Node node) {
        INDArray p = paramOf(layer, key);
        if (p == null) {
            throw PlanResult.refuse("layer " + node.describe() + " must have a parameter " + key + ", got: none");
        }
        return p;
    }

    private static void checkRank(ModelTopology.Node n, INDArray w, int rank) {
        if (w.rank() != rank) {
            throw PlanResult.refuse("weights of layer " + n.describe() + " must have rank " + rank + ", got: "
                    + Arrays.toString(w.shape()));
        }
    }

    private static double prod(int[] a) {
        double p = 1;
        for (int v : a) {
            p *= v;
        }
        return p;
    }
}
