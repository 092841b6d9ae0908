/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Plants dead units by choosing weights: with non-negative inputs, a unit whose incoming weights are all <= 0 and whose
 * bias is negative is closed on every input (dead by construction); one with positive weights and a positive bias is
 * open on every input. Tests then know the exact closed share and dead units.
 */
public final class Planted {
    /** Bias of a planted dead unit. */
    public static final double DEAD_BIAS = -0.5;
    /** Bias of a planted live unit. */
    public static final double LIVE_BIAS = 0.5;

    private Planted() {
    }

    /** @return true when unit u is in the sorted array dead */
    public static boolean contains(int[] dead, int u) {
        return Arrays.binarySearch(dead, u) >= 0;
    }

    /**
     * Plants a dense layer: W [nIn, nOut] column u = -|w| for dead units, +|w| for live ones.
     *
     * @param layer a dense layer (params W, b)
     * @param dead  sorted dead units
     */
    public static void dense(Layer layer, int... dead) {
        plant(layer, 1, (w, u) -> w.getColumn(u), dead);
    }

    /**
     * Plants a convolution layer: W [outC, inC, kH, kW], channel c negative for dead ones, positive else.
     *
     * @param layer a convolution layer
     * @param dead  sorted dead channels
     */
    public static void conv(Layer layer, int... dead) {
        plant(layer, 0, (w, c) -> w.get(NDArrayIndex.point(c), NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.all()), dead);
    }

    /**
     * Plants a {@code Convolution1DLayer}. DL4J 1.0.0-M2.1 stores its weights as {@code [outC, inC, k, 1]} but the
     * forward pass reads the same buffer <em>reshaped</em> (not permuted) to {@code [k, inC, outC]}
     * ({@code Convolution1DUtils.reshapeWeightArrayOrGradientForFormat}), so the incoming weights of output channel c
     * are {@code reshape(k, inC, outC)[:, :, c]}, i.e. the flat entries {@code = c (mod outC)}.
     *
     * @param layer a Convolution1DLayer
     * @param dead  sorted dead channels
     */
    public static void conv1d(Layer layer, int... dead) {
        plant(layer, 0, (w, c) -> w.reshape(w.ordering(), w.size(2), w.size(1), w.size(0))
                .get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(c)), dead);
    }

    /**
     * W gets magnitudes in [0.1, 0.6); then the incoming weights of each dead unit are negated and its bias set to
     * {@link #DEAD_BIAS}, the other units' bias to {@link #LIVE_BIAS}.
     *
     * @param layer    a layer with params W and b
     * @param unitAxis the axis of W that counts the units
     * @param incoming the view of W holding a unit's incoming weights
     * @param dead     sorted dead units
     */
    private static void plant(Layer layer, int unitAxis, java.util.function.BiFunction<INDArray, Integer, INDArray>
            incoming, int[] dead) {
        INDArray w = layer.getParam("W");
        INDArray b = layer.getParam("b");
        long units = w.size(unitAxis);
        w.assign(Nd4j.rand(DataType.DOUBLE, w.shape()).muli(0.5).addi(0.1).castTo(w.dataType()));
        for (int u = 0; u < units; u++) {
            if (contains(dead, u)) {
                incoming.apply(w, u).muli(-1.0);
                b.putScalar(u, DEAD_BIAS);
            } else {
                b.putScalar(u, LIVE_BIAS);
            }
        }
    }

    /**
     * Plants a {@code SimpleRnn} layer: input weights and bias as {@link #dense}, recurrent weights {@code RW} zero, so
     * every time step sees only its own (non-negative) input and the plant holds at every step.
     *
     * @param layer a SimpleRnn layer (params W, RW, b)
     * @param dead  sorted dead units
     */
    public static void rnn(Layer layer, int... dead) {
        dense(layer, dead);
        layer.getParam("RW").assign(0.0);
    }

    /**
     * Plants any layer with a bias {@code b} by its bias alone: every parameter 0 except the bias, which is
     * {@link #DEAD_BIAS} for dead units and {@link #LIVE_BIAS} for the others, so that z = bias everywhere (also at
     * padded positions). Works for layers whose weight layout is awkward to plant (depthwise, separable, 3D).
     *
     * @param layer a layer with a bias {@code b} holding one value per unit
     * @param dead  sorted dead units
     */
    public static void byBias(Layer layer, int... dead) {
        layer.params().assign(0.0);
        INDArray b = layer.getParam("b");
        b.assign(LIVE_BIAS);
        for (int u : dead) {
            b.putScalar(u, DEAD_BIAS);
        }
    }

    /**
     * Sets the bias of some units.
     *
     * @param layer a layer with a bias {@code b}
     * @param value the bias value
     * @param units the units
     */
    public static void bias(Layer layer, double value, int... units) {
        INDArray b = layer.getParam("b");
        for (int u : units) {
            b.putScalar(u, value);
        }
    }

    /**
     * Sets the incoming weights of some dense units (columns of {@code W}) to one value.
     *
     * @param layer a dense layer (param W [nIn, nOut])
     * @param value the weight value
     * @param units the units
     */
    public static void denseWeights(Layer layer, double value, int... units) {
        INDArray w = layer.getParam("W");
        for (int u : units) {
            w.getColumn(u).assign(value);
        }
    }

    /**
     * Non-negative random features with one-hot labels.
     *
     * @param n        examples
     * @param shape    feature shape without the example axis
     * @param classes  label classes
     * @param seed     seed
     * @return the data set
     */
    public static DataSet data(int n, long[] shape, int classes, long seed) {
        Nd4j.getRandom().setSeed(seed);
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        INDArray f = Nd4j.rand(DataType.FLOAT, full);
        INDArray l = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            l.putScalar(i, i % classes, 1.0);
        }
        return new DataSet(f, l);
    }
}
