/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deadrelu.testutil.Planted;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The planted network of the scale-out tests: MLP 4-6(ReLU)-5(ReLU)-3 with units 0 and 2 of layer0 and unit 1 of
 * layer1 dead by construction (non-negative inputs, non-positive weights, negative bias) and every other unit open on
 * every input. Dead units get no gradient and stay dead; live units keep a pre-activation >= 0.5 under a small
 * learning rate. So, on every mini-batch: layer0 closed share 2/6, layer1 1/5, and every dead unit closed on every
 * example.
 */
final class Nets {
    static final int[] DEAD0 = {0, 2};
    static final int[] DEAD1 = {1};

    private Nets() {
    }

    static MultiLayerNetwork planted(IUpdater updater, long seed) {
        MultiLayerNetwork net = mlp(updater, seed, Activation.RELU.getActivationFunction());
        Planted.dense(net.getLayer(0), DEAD0);
        Planted.dense(net.getLayer(1), DEAD1);
        return net;
    }

    /** The unplanted MLP 4-6-5(ReLU)-3, with this activation on layer0. */
    static MultiLayerNetwork mlp(IUpdater updater, long seed, IActivation layer0) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(layer0).build())
                .layer(new DenseLayer.Builder().nIn(6).nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        return io.github.deadrelu.testutil.Nets.init(conf);
    }

    /** Non-negative features, one example per data set (as Spark's RDDs usually hold them). */
    static List<DataSet> examples(int n, long seed) {
        return Planted.data(n, new long[]{4}, 3, seed).asList();
    }

    static List<DataSet> batches(int n, int batch, long seed) {
        List<DataSet> out = new ArrayList<>();
        DataSet all = Planted.data(n, new long[]{4}, 3, seed);
        for (DataSet d : all.batchBy(batch)) {
            out.add(d);
        }
        return out;
    }

    /** Bounds of the positive weight initialisation that {@link #redrawsOpen} gives the hidden layers. */
    static final double REDRAW_MIN = 0.1;
    static final double REDRAW_MAX = 0.6;

    /**
     * Sets what the hidden layers of the planted network are re-drawn from (the parameters planted by
     * {@link #planted} are not touched): weights {@code U(REDRAW_MIN, REDRAW_MAX)}, bias {@link Planted#LIVE_BIAS}.
     *
     * @param net the planted network
     * @return {@code net}
     */
    static MultiLayerNetwork redrawsOpen(MultiLayerNetwork net) {
        for (int i = 0; i < 2; i++) {
            BaseLayer conf = (BaseLayer) net.getLayerWiseConfigurations().getConf(i).getLayer();
            conf.setWeightInitFn(new WeightInitDistribution(new UniformDistribution(REDRAW_MIN, REDRAW_MAX)));
            conf.setBiasInit(Planted.LIVE_BIAS);
        }
        return net;
    }

    /**
     * Asserts that the units' incoming weights were re-drawn from {@code U(REDRAW_MIN, REDRAW_MAX)} and their bias
     * reset to {@link Planted#LIVE_BIAS}. An entry may also be 0: in layer1, the rows that read re-drawn layer0 units
     * are their outgoing weights, which {@code OutgoingWeights.ZERO} (the default) zeroes. Either way the unit is open
     * on every non-negative input.
     */
    static void assertRedrawn(Layer layer, int[] units) {
        for (int u : units) {
            INDArray w = layer.getParam("W").getColumn(u);
            INDArray outside = Transforms.or(w.gt(REDRAW_MAX), Transforms.and(w.lt(REDRAW_MIN), w.neq(0.0)));
            assertEquals(0, outside.castTo(DataType.INT).sumNumber().intValue(),
                    "unit " + u + " re-drawn from U(" + REDRAW_MIN + ", " + REDRAW_MAX + "): " + w);
            assertEquals(Planted.LIVE_BIAS, layer.getParam("b").getDouble(u), 0.0, "unit " + u + " bias");
        }
    }
}
