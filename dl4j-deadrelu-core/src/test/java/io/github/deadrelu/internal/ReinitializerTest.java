/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.testutil.SameClassEquality;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DepthwiseConvolution2D;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LocalResponseNormalization;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SeparableConvolution2D;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitXavier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link Reinitializer} called directly on every layer type it supports: the re-draw calls the layer's own
 * {@link IWeightInit} with exactly the fan-in, fan-out, shape and order DL4J's parameter initializer used, and the
 * layer's output changes in the selected unit only (which also checks the unit-to-weights mapping, e.g. depthwise
 * channel {@code i * depthMultiplier + m}).
 */
@Timeout(30)
class ReinitializerTest {

    /** Records every call, then draws as Xavier does. Public with a no-arg constructor for DL4J's JSON cloning. */
    public static final class RecordingInit extends SameClassEquality implements IWeightInit {
        private static final long serialVersionUID = 1L;
        static final List<String> CALLS = Collections.synchronizedList(new ArrayList<>());

        @Override
        public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
            CALLS.add(fanIn + "/" + fanOut + "/" + java.util.Arrays.toString(shape) + "/" + order);
            return new WeightInitXavier().init(fanIn, fanOut, shape, order, paramView);
        }
    }

    enum Kind { DENSE, CONV2D, CONV1D, CONV3D, DECONV2D, DEPTHWISE, SEPARABLE, SIMPLE_RNN }

    private static final int UNIT = 3;
    private static final double BIAS = 0.25;

    private static MultiLayerNetwork net(Kind k) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list();
        IWeightInit rec = new RecordingInit();
        Layer l;
        InputType in;
        Layer out = new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                .build();
        switch (k) {
            case DENSE:
                l = new DenseLayer.Builder().nOut(5).build();
                in = InputType.feedForward(4);
                break;
            case CONV2D:
                l = new ConvolutionLayer.Builder(2, 2).stride(1, 2).nOut(5).build();
                in = InputType.convolutional(5, 5, 2);
                break;
            case CONV1D:
                l = new Convolution1DLayer.Builder(2).nOut(5).build();
                in = InputType.recurrent(3, 6);
                out = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build();
                break;
            case CONV3D:
                l = new Convolution3D.Builder(2, 2, 2).dataFormat(Convolution3D.DataFormat.NCDHW).nOut(5).build();
                in = InputType.convolutional3D(Convolution3D.DataFormat.NCDHW, 4, 4, 4, 2);
                break;
            case DECONV2D:
                l = new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(5).build();
                in = InputType.convolutional(3, 3, 2);
                break;
            case DEPTHWISE:
                l = new DepthwiseConvolution2D.Builder(2, 2).depthMultiplier(3).nOut(6).build();
                in = InputType.convolutional(5, 5, 2);
                break;
            case SEPARABLE:
                l = new SeparableConvolution2D.Builder(2, 2).depthMultiplier(2).nOut(5).build();
                in = InputType.convolutional(5, 5, 2);
                break;
            default:
                l = new SimpleRnn.Builder().nOut(5).build();
                in = InputType.recurrent(3, 4);
                out = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).build();
        }
        org.deeplearning4j.nn.conf.layers.BaseLayer bl = (org.deeplearning4j.nn.conf.layers.BaseLayer) l;
        bl.setLayerName("L");
        bl.setWeightInitFn(rec);
        bl.setActivationFn(Activation.RELU.getActivationFunction());
        bl.setBiasInit(BIAS);
        b.layer(l);
        if (k == Kind.CONV3D) {
            // (DL4J's Cnn3DToFeedForwardPreProcessor rejects this NCDHW output in M2.1; pool it instead.)
            b.layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                    org.deeplearning4j.nn.conf.layers.PoolingType.AVG).build());
        }
        MultiLayerConfiguration conf = b.layer(out).setInputType(in).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        RecordingInit.CALLS.clear();
        net.init();
        return net;
    }

    private static INDArray input(MultiLayerNetwork net, Kind k) {
        Nd4j.getRandom().setSeed(17);
        switch (k) {
            case DENSE:
                return Nd4j.rand(DataType.FLOAT, 8, 4);
            case CONV2D:
            case DEPTHWISE:
            case SEPARABLE:
                return Nd4j.rand(DataType.FLOAT, 8, 2, 5, 5);
            case DECONV2D:
                return Nd4j.rand(DataType.FLOAT, 8, 2, 3, 3);
            case CONV3D:
                return Nd4j.rand(DataType.FLOAT, 8, 2, 4, 4, 4);
            case CONV1D:
                return Nd4j.rand(DataType.FLOAT, 8, 3, 6);
            default:
                return Nd4j.rand(DataType.FLOAT, 8, 3, 4);
        }
    }

    private static LayerSpec spec(MultiLayerNetwork net) {
        return NetworkInspector.discover(net).stream().filter(s -> s.name().equals("L")).findFirst().orElseThrow();
    }

    private static ReinitPolicy policy(OutgoingWeights o) {
        return ReinitPolicy.builder().outgoing(o).seed(5).build();
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void incoming_drawsWithTheLayersOwnInitAndFans(Kind k) {
        MultiLayerNetwork net = net(k);
        List<String> initCalls = new ArrayList<>(RecordingInit.CALLS);
        assertFalse(initCalls.isEmpty());
        LayerSpec s = spec(net);
        int units = (int) net.getLayer(0).getParam("b").length();
        RecordingInit.CALLS.clear();
        Reinitializer.reinitialize(net, s, new int[]{UNIT}, units, policy(OutgoingWeights.KEEP), 0);
        if (k == Kind.SEPARABLE) {
            // Only the pointwise weights belong to one output channel; the depthwise ones are shared and kept.
            assertEquals(1, RecordingInit.CALLS.size());
            assertEquals(initCalls.get(1), RecordingInit.CALLS.get(0));
        } else {
            assertEquals(initCalls, RecordingInit.CALLS);
        }
    }

    @ParameterizedTest
    @EnumSource(Kind.class)
    void incoming_changesTheSelectedUnitOnly(Kind k) {
        MultiLayerNetwork net = net(k);
        INDArray x = input(net, k);
        INDArray before = net.feedForward(x, false).get(1).dup();
        int units = (int) net.getLayer(0).getParam("b").length();
        Reinitializer.reinitialize(net, spec(net), new int[]{UNIT}, units, policy(OutgoingWeights.KEEP), 0);
        INDArray after = net.feedForward(x, false).get(1);
        assertEquals(BIAS, net.getLayer(0).getParam("b").getDouble(UNIT), 1e-7);
        for (int u = 0; u < units; u++) {
            INDArray b = unitSlice(before, u, k);
            INDArray a = unitSlice(after, u, k);
            if (u == UNIT) {
                assertNotEquals(b, a, "unit " + u + " did not change");
            } else {
                assertEquals(b, a, "unit " + u + " changed");
            }
        }
    }

    /** Unit u's activations (channel axis 1 in every default format); RNN: time step 0 only. */
    private static INDArray unitSlice(INDArray act, int u, Kind k) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[act.rank()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        idx[1] = NDArrayIndex.point(u);
        if (k == Kind.SIMPLE_RNN) {
            idx[2] = NDArrayIndex.point(0);
        }
        return act.get(idx).dup();
    }

    @Test
    void simpleRnnZero_zeroesTheUnitsOutgoingRecurrentWeights() {
        MultiLayerNetwork net = net(Kind.SIMPLE_RNN);
        INDArray rwBefore = net.getLayer(0).getParam("RW").dup();
        INDArray outBefore = net.getLayer(1).getParam("W").dup();
        Reinitializer.reinitialize(net, spec(net), new int[]{UNIT}, 5, policy(OutgoingWeights.ZERO), 0);
        INDArray rw = net.getLayer(0).getParam("RW");
        for (int j = 0; j < 5; j++) {
            for (int i = 0; i < 5; i++) {
                double v = rw.getDouble(i, j);
                if (j == UNIT) {
                    assertNotEquals(rwBefore.getDouble(i, j), v, "incoming recurrent " + i + "," + j);
                } else if (i == UNIT) {
                    assertEquals(0.0, v, "outgoing recurrent " + i + "," + j);
                } else {
                    assertEquals(rwBefore.getDouble(i, j), v, "untouched " + i + "," + j);
                }
            }
        }
        INDArray w = net.getLayer(1).getParam("W");
        assertEquals(Nd4j.zeros(DataType.FLOAT, 2), w.getRow(UNIT));
        outBefore.putRow(UNIT, Nd4j.zeros(DataType.FLOAT, 2));
        assertEquals(outBefore, w);
    }

    @Test
    void units_outOfRangeOrRepeated_rejectedAndNothingWritten() {
        MultiLayerNetwork net = net(Kind.DENSE);
        INDArray before = net.params().dup();
        LayerSpec s = spec(net);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Reinitializer.reinitialize(net, s, new int[]{1, 5}, 5, policy(OutgoingWeights.ZERO), 0));
        assertTrue(e.getMessage().contains("unit must be in [0, 5)") && e.getMessage().contains("got: 5"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Reinitializer.reinitialize(net, s, new int[]{2, 2}, 5, policy(OutgoingWeights.ZERO), 0));
        assertTrue(e.getMessage().contains("distinct"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Reinitializer.reinitialize(net, s, new int[]{2}, 7, policy(OutgoingWeights.ZERO), 0));
        assertTrue(e.getMessage().contains("must match the 7 units"), e.getMessage());
        assertEquals(before, net.params());
    }

    @Test
    void channelMixingLayerAfterGate_refusedForZeroAndNothingWritten() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(2, 2).name("c0").nOut(4).activation(Activation.RELU).build())
                .layer(new LocalResponseNormalization.Builder().name("lrn").build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).build())
                .setInputType(InputType.convolutional(4, 4, 2)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        INDArray before = net.params().dup();
        LayerSpec s = NetworkInspector.discover(net).get(0);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Reinitializer.reinitialize(net, s, new int[]{1}, 4, policy(OutgoingWeights.ZERO), 0));
        assertTrue(e.getMessage().contains("lrn (LocalResponseNormalization)")
                && e.getMessage().contains("OutgoingWeights.KEEP"), e.getMessage());
        assertEquals(before, net.params());
        // KEEP does not touch the consumer, so it works.
        Reinitializer.reinitialize(net, s, new int[]{1}, 4, policy(OutgoingWeights.KEEP), 0);
        assertNotEquals(before, net.params());
    }

    @Test
    void event_commitTwice_rejected() {
        MultiLayerNetwork net = net(Kind.DENSE);
        Reinitializer.Event ev = Reinitializer.event(net, policy(OutgoingWeights.ZERO), 0);
        ev.add(spec(net), new int[]{0}, 5);
        ev.commit();
        var e = assertThrows(IllegalStateException.class, ev::commit);
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void seed_mixesIterationAndLayer() {
        assertNotEquals(Reinitializer.mix(Reinitializer.mix(7) + 1), Reinitializer.mix(Reinitializer.mix(7) + 2));
        assertArrayEquals(new long[]{Reinitializer.mix(3)}, new long[]{Reinitializer.mix(3)});
    }

    enum Route {
        CONV_CONV, CONV_NHWC_CONV_FLATTEN, CONV_DEPTHWISE, CONV_SEPARABLE, CONV_DECONV, CONV_POOL_FLATTEN_DENSE,
        CONV_BN_DENSE, CONV_GLOBALPOOL_DENSE, CONV1D_CONV1D, RNN_RNN, DENSE_DROPOUT_DENSE
    }

    private static final int DEAD = 1;

    /** A gate layer "g" with unit {@value #DEAD} dead (bias -100, inputs in [0, 1)), then a consumer route. */
    private static MultiLayerNetwork routeNet(Route r) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(4).updater(new Adam(1e-3))
                .weightInit(WeightInit.XAVIER).list();
        Activation relu = Activation.RELU;
        org.deeplearning4j.nn.conf.layers.Layer out = new OutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .nOut(2).activation(Activation.IDENTITY).build();
        org.deeplearning4j.nn.conf.layers.Layer rnnOut = new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                .nOut(2).activation(Activation.IDENTITY).build();
        InputType cnn = InputType.convolutional(6, 6, 2);
        switch (r) {
            case CONV_CONV:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new ConvolutionLayer.Builder(2, 2).nOut(3).activation(relu).build()).layer(out)
                        .setInputType(cnn);
                break;
            case CONV_NHWC_CONV_FLATTEN:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(out).setInputType(InputType.convolutional(6, 6, 2,
                                org.deeplearning4j.nn.conf.CNN2DFormat.NHWC));
                break;
            case CONV_DEPTHWISE:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new DepthwiseConvolution2D.Builder(2, 2).depthMultiplier(2).activation(relu).build())
                        .layer(out).setInputType(cnn);
                break;
            case CONV_SEPARABLE:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new SeparableConvolution2D.Builder(2, 2).depthMultiplier(2).nOut(3).activation(relu)
                                .build())
                        .layer(out).setInputType(cnn);
                break;
            case CONV_DECONV:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new Deconvolution2D.Builder(2, 2).stride(2, 2).nOut(3).activation(relu).build())
                        .layer(out).setInputType(cnn);
                break;
            case CONV_POOL_FLATTEN_DENSE:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                                org.deeplearning4j.nn.conf.layers.PoolingType.MAX).kernelSize(2, 2).stride(1, 1)
                                .build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(relu).build()).layer(out)
                        .setInputType(cnn);
                break;
            case CONV_BN_DENSE:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(relu).build()).layer(out)
                        .setInputType(cnn);
                break;
            case CONV_GLOBALPOOL_DENSE:
                b.layer(new ConvolutionLayer.Builder(2, 2).name("g").nOut(4).activation(relu).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer.Builder(
                                org.deeplearning4j.nn.conf.layers.PoolingType.MAX).build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(relu).build()).layer(out)
                        .setInputType(cnn);
                break;
            case CONV1D_CONV1D:
                b.layer(new Convolution1DLayer.Builder(2).name("g").nOut(4).activation(relu).build())
                        .layer(new Convolution1DLayer.Builder(2).nOut(3).activation(relu).build()).layer(rnnOut)
                        .setInputType(InputType.recurrent(3, 6));
                break;
            case RNN_RNN:
                b.layer(new SimpleRnn.Builder().name("g").nOut(4).activation(relu).build())
                        .layer(new SimpleRnn.Builder().nOut(3).activation(relu).build()).layer(rnnOut)
                        .setInputType(InputType.recurrent(8, 5));
                break;
            default:
                b.layer(new DenseLayer.Builder().name("g").nOut(4).activation(relu).build())
                        .layer(new org.deeplearning4j.nn.conf.layers.DropoutLayer.Builder(0.5).build())
                        .layer(new DenseLayer.Builder().nOut(5).activation(relu).build()).layer(out)
                        .setInputType(InputType.feedForward(8));
        }
        MultiLayerNetwork net = new MultiLayerNetwork(b.build());
        net.init();
        net.getLayer(0).getParam("b").putScalar(DEAD, -100.0);
        return net;
    }

    private static INDArray routeInput(Route r) {
        Nd4j.getRandom().setSeed(23);
        switch (r) {
            case CONV_NHWC_CONV_FLATTEN:
                return Nd4j.rand(DataType.FLOAT, 8, 6, 6, 2);
            case CONV1D_CONV1D:
                return Nd4j.rand(DataType.FLOAT, 8, 3, 6);
            case RNN_RNN:
                return Nd4j.rand(DataType.FLOAT, 8, 8, 5);
            case DENSE_DROPOUT_DENSE:
                return Nd4j.rand(DataType.FLOAT, 8, 8);
            default:
                return Nd4j.rand(DataType.FLOAT, 8, 2, 6, 6);
        }
    }

    private static double unitMax(INDArray act, int unit, boolean channelsLast) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[act.rank()];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        idx[channelsLast ? act.rank() - 1 : 1] = NDArrayIndex.point(unit);
        return act.get(idx).maxNumber().doubleValue();
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void zeroOutgoing_preservesTheFunctionThroughEveryConsumerRoute(Route r) {
        MultiLayerNetwork net = routeNet(r);
        MultiLayerNetwork keep = net.clone();
        INDArray x = routeInput(r);
        boolean last = r == Route.CONV_NHWC_CONV_FLATTEN;
        assertEquals(0.0, unitMax(net.feedForward(x, false).get(1), DEAD, last), "unit not dead before");
        INDArray before = net.output(x).dup();
        LayerSpec s = spec(net, "g");
        Reinitializer.reinitialize(net, s, new int[]{DEAD}, 4, policy(OutgoingWeights.ZERO), 0);
        assertTrue(unitMax(net.feedForward(x, false).get(1), DEAD, last) > 0, "re-drawn unit still closed");
        assertArrayEquals(before.dup().reshape(before.length()).toDoubleVector(),
                net.output(x).dup().reshape(before.length()).toDoubleVector(), 1e-5);
        // The same re-draw with KEEP changes the output: the check above can fail.
        Reinitializer.reinitialize(keep, s, new int[]{DEAD}, 4, policy(OutgoingWeights.KEEP), 0);
        assertFalse(before.equalsWithEps(keep.output(x), 1e-5), "KEEP did not change the output");
    }

    private static LayerSpec spec(MultiLayerNetwork net, String name) {
        return NetworkInspector.discover(net).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void convBatchNormActivationNhwc_resetsTheChannelsBatchNormAndConvOnly() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).weightInit(WeightInit.XAVIER)
                .biasInit(BIAS).updater(new Adam(1e-3)).list()
                .layer(new ConvolutionLayer.Builder(2, 2).name("c0").nOut(4).activation(Activation.IDENTITY).build())
                .layer(new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().name("bn").build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder().name("a0")
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nOut(2).build())
                .setInputType(InputType.convolutional(5, 5, 2, org.deeplearning4j.nn.conf.CNN2DFormat.NHWC)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        org.deeplearning4j.nn.api.Layer bn = net.getLayer(1);
        for (String p : new String[]{"gamma", "beta", "mean", "log10stdev"}) {
            bn.getParam(p).assign(Nd4j.linspace(1, 4, 4).castTo(DataType.FLOAT).reshape(bn.getParam(p).shape()));
        }
        INDArray before = net.params().dup();
        INDArray w0 = net.getLayer(0).getParam("W").dup();
        INDArray out0 = net.getLayer(3).getParam("W").dup();
        LayerSpec s = spec(net, "a0");
        assertEquals("bn", s.batchNormName());
        Reinitializer.reinitialize(net, s, new int[]{2}, 4, policy(OutgoingWeights.ZERO), 0);
        float[][] expected = {{1, 2, 1, 4}, {1, 2, 0, 4}, {1, 2, 0, 4}, {1, 2, 0, 4}};
        String[] names = {"gamma", "beta", "mean", "log10stdev"};
        for (int k = 0; k < names.length; k++) {
            assertArrayEquals(expected[k], bn.getParam(names[k]).dup().reshape(4).toFloatVector(), names[k]);
        }
        INDArray w = net.getLayer(0).getParam("W");
        for (int c = 0; c < 4; c++) {
            INDArray now = w.get(NDArrayIndex.point(c)).dup();
            INDArray was = w0.get(NDArrayIndex.point(c)).dup();
            if (c == 2) {
                assertNotEquals(was, now);
            } else {
                assertEquals(was, now, "channel " + c);
            }
        }
        assertEquals(BIAS, net.getLayer(0).getParam("b").getDouble(2), 1e-7);
        // Outgoing: the output layer reads the 4x4x4 NHWC map flattened: rows y*16 + x*4 + 2 are zero, others kept.
        INDArray ow = net.getLayer(3).getParam("W");
        for (int r = 0; r < 64; r++) {
            if (r % 4 == 2) {
                assertEquals(0.0, ow.getRow(r).amaxNumber().doubleValue(), "row " + r);
            } else {
                assertEquals(out0.getRow(r), ow.getRow(r), "row " + r);
            }
        }
        assertNotEquals(before, net.params());
    }

    /**
     * A layer of at least {@link IncomingDraw#SUBSET_DRAW_MIN_ENTRIES} weights with DL4J's ReLU init: only the
     * selected units are drawn, with the layer's fan-in (std sqrt(2 / 300) = 0.0816), the other units keep every
     * bit, and the same seed draws the same values.
     */
    @Test
    void largeLayer_drawsOnlyTheSelectedUnits_withTheLayersOwnScale() {
        int[] units = {3, 50, 51, 200};
        INDArray[] drawn = new INDArray[2];
        for (int r = 0; r < 2; r++) {
            MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3))
                    .weightInit(WeightInit.RELU).list()
                    .layer(new DenseLayer.Builder().name("L").nIn(300).nOut(256).activation(Activation.RELU)
                            .build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(256).nOut(2)
                            .activation(Activation.IDENTITY).build())
                    .build();
            MultiLayerNetwork net = new MultiLayerNetwork(conf);
            net.init();
            INDArray w = net.getLayer(0).getParam("W");
            assertTrue(w.length() >= IncomingDraw.SUBSET_DRAW_MIN_ENTRIES);
            INDArray before = w.dup();
            Reinitializer.reinitialize(net, spec(net), units, 256, policy(OutgoingWeights.KEEP), 0);
            for (int u = 0; u < 256; u++) {
                boolean selected = java.util.Arrays.binarySearch(units, u) >= 0;
                double[] was = before.getColumn(u).toDoubleVector();
                double[] now = w.getColumn(u).toDoubleVector();
                if (selected) {
                    assertFalse(java.util.Arrays.equals(was, now), "unit " + u + " kept its weights");
                } else {
                    assertArrayEquals(was, now, "unit " + u + " changed");
                }
            }
            drawn[r] = Nd4j.concat(0, w.getColumn(3).reshape(300), w.getColumn(50).reshape(300),
                    w.getColumn(51).reshape(300), w.getColumn(200).reshape(300)).dup();
        }
        assertArrayEquals(drawn[0].toDoubleVector(), drawn[1].toDoubleVector(), "same seed, other values");
        double std = drawn[0].stdNumber().doubleValue();
        assertEquals(Math.sqrt(2.0 / 300), std, 0.1 * Math.sqrt(2.0 / 300), "std of the re-drawn weights");
        assertEquals(0.0, drawn[0].meanNumber().doubleValue(), 0.01);
    }

    /**
     * The layout after a preprocessor comes from the layout authority: a dense gate "g" (unit {@value #DEAD} dead)
     * is turned back into an NWC sequence by a {@code FeedForwardToRnnPreProcessor(NWC)} in front of an activation
     * layer, merged along axis 2 (the channel axis of NWC, as DL4J sets it) with a 2-unit SimpleRnn and read by an
     * NWC RnnOutputLayer. ZERO zeroes exactly row {@value #DEAD} of the output layer's W (rows 0-3 read "g", rows 4-5
     * the SimpleRnn), leaves every other weight bit-identical and keeps the network's output. (The re-initialiser's
     * former own rule read that preprocessor's output as NCW, axis 1, and refused the layer.)
     */
    @Test
    void zeroOutgoing_throughFeedForwardToRnnNwcAndMerge_zeroesExactlyTheUnitsRow() {
        org.deeplearning4j.nn.conf.RNNFormat nwc = org.deeplearning4j.nn.conf.RNNFormat.NWC;
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(4).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("x")
                .addLayer("g", new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), "x")
                .addLayer("act", new org.deeplearning4j.nn.conf.layers.ActivationLayer.Builder()
                        .activation(Activation.IDENTITY).build(),
                        new org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor(nwc), "g")
                .addLayer("r", new SimpleRnn.Builder().nOut(2).activation(Activation.TANH).dataFormat(nwc).build(),
                        "x")
                .addVertex("m", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "act", "r")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2)
                        .activation(Activation.IDENTITY).dataFormat(nwc).build(), "m")
                .setOutputs("out")
                .setInputTypes(InputType.recurrent(3, 5, nwc))
                .build();
        assertEquals(2, ((org.deeplearning4j.nn.conf.graph.MergeVertex) conf.getVertices().get("m")).getMergeAxis());
        org.deeplearning4j.nn.graph.ComputationGraph net = new org.deeplearning4j.nn.graph.ComputationGraph(conf);
        net.init();
        net.getLayer("g").getParam("b").putScalar(DEAD, -100.0);
        Nd4j.getRandom().setSeed(23);
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 5, 3);   // [mb, T, C], entries in [0, 1)
        INDArray before = net.outputSingle(x).dup();
        INDArray w = net.getLayer("out").getParam("W");
        INDArray wBefore = w.dup();
        LayerSpec s = NetworkInspector.discover(net).stream().filter(l -> l.name().equals("g")).findFirst()
                .orElseThrow();
        Reinitializer.reinitialize(net, s, new int[]{DEAD}, 4, policy(OutgoingWeights.ZERO), 0);
        assertEquals(6, w.rows());
        for (int row = 0; row < 6; row++) {
            double[] now = w.getRow(row).toDoubleVector();
            if (row == DEAD) {
                assertArrayEquals(new double[]{0.0, 0.0}, now, "row of the re-drawn unit not zeroed");
            } else {
                assertArrayEquals(wBefore.getRow(row).toDoubleVector(), now, "row " + row + " changed");
            }
        }
        assertArrayEquals(before.dup().reshape(before.length()).toDoubleVector(),
                net.outputSingle(x).dup().reshape(before.length()).toDoubleVector(), 1e-5);
    }
}
