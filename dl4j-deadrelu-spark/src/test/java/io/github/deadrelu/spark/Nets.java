/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.testutil.Planted;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

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
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
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
}
