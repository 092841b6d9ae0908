/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.testutil.Planted;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Regression test: re-initialising units of a network that has optimizer state (Adam) writes the units and zeroes
 * exactly their state entries. (The state reshape used to bind {@code reshape(char, long)} to
 * {@code reshape(long rows, long columns)} and throw.)
 */
class ReinitializerUpdaterStateTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void reinitialize_withAdamState() {
        int nIn = 4;
        int nOut = 6;
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(1).dataType(DataType.FLOAT).updater(new Adam(0.01)).list()
                .layer(new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(nOut).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        net.fit(Planted.data(16, new long[]{nIn}, 3, 1));
        INDArray state = ((BaseMultiLayerUpdater<?>) net.getUpdater()).getStateViewArray();
        long n = net.numParams();
        INDArray before = state.dup();
        LayerSpec spec = NetworkInspector.discover(net).get(0);

        Reinitializer.reinitialize(net, spec, new int[]{0, 2}, nOut, ReinitPolicy.builder().every(1).build(), 5);

        // Adam: m = state[0, n), v = state[n, 2n); layer0 W [nIn, nOut] in 'f' order: unit u = [u*nIn, (u+1)*nIn).
        long bias = (long) nIn * nOut;
        for (long s = 0; s < 2; s++) {
            for (int u : new int[]{0, 2}) {
                for (int i = 0; i < nIn; i++) {
                    assertEquals(0.0, state.getDouble(s * n + (long) u * nIn + i), 0.0, "W state, unit " + u);
                }
                assertEquals(0.0, state.getDouble(s * n + bias + u), 0.0, "b state, unit " + u);
            }
            for (int i = 0; i < nIn; i++) {
                long e = s * n + nIn + i; // unit 1: untouched
                assertEquals(before.getDouble(e), state.getDouble(e));
                assertNotEquals(0.0, state.getDouble(e));
            }
        }
    }
}
