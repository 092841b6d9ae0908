/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import io.github.deadrelu.testutil.Nets;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The network and mini-batch the cost mains of this package ({@link ReinitCost}, {@link ScoresCost}) measure against:
 * the benchmark MLP 784-1024-1024-10 (Adam 1e-3, ReLU init, seed 1), one seeded random batch of 128, trained 5 steps.
 */
final class CostFixture {
    final MultiLayerNetwork net;
    final DataSet batch;

    private CostFixture(MultiLayerNetwork net, DataSet batch) {
        this.net = net;
        this.batch = batch;
    }

    /** @return the MLP after 5 steps on its batch */
    static CostFixture mlp() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU).list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(1024).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(1024).nOut(1024).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(1024).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = Nets.init(conf);
        Nd4j.getRandom().setSeed(2);
        INDArray features = Nd4j.rand(DataType.FLOAT, 128, 784);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 128, 10);
        for (int i = 0; i < 128; i++) {
            labels.putScalar(i, i % 10, 1.0);
        }
        DataSet ds = new DataSet(features, labels);
        for (int i = 0; i < 5; i++) {
            net.fit(ds);
        }
        return new CostFixture(net, ds);
    }

    /**
     * @param a values
     * @return their median
     */
    static double median(double[] a) {
        double[] s = a.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
