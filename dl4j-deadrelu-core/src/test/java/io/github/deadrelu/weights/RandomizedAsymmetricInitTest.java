/*
 * Copyright the dl4j-deadrelu contributors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
 * the License. You may obtain a copy of the License at https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
 * an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
 * specific language governing permissions and limitations under the License.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

package io.github.deadrelu.weights;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.deadrelu.testutil.Nets;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.slf4j.LoggerFactory;
import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(120)
class RandomizedAsymmetricInitTest {

    /** Beta(2, 1): mean 2/3, variance 1/18. */
    private static final double BETA_MEAN = 2.0 / 3.0;
    private static final double BETA_STD = Math.sqrt(1.0 / 18.0);

    // ------------------------------------------------------------------------------------------------ determinism

    @Test
    void apply_sameSeed_bitIdentical() {
        MultiLayerNetwork a = mixedNet(DataType.FLOAT);
        MultiLayerNetwork b = mixedNet(DataType.FLOAT);
        RandomizedAsymmetricInit.apply(a, 7);
        RandomizedAsymmetricInit.apply(b, 7);
        assertArrayEquals(a.params().toDoubleVector(), b.params().toDoubleVector());
    }

    @Test
    void apply_differentSeed_differentParams() {
        MultiLayerNetwork a = mixedNet(DataType.FLOAT);
        MultiLayerNetwork b = mixedNet(DataType.FLOAT);
        RandomizedAsymmetricInit.apply(a, 7);
        RandomizedAsymmetricInit.apply(b, 8);
        assertFalse(Arrays.equals(a.getLayer(0).params().toDoubleVector(), b.getLayer(0).params().toDoubleVector()));
    }

    @Test
    void apply_computationGraph_sameAsMultiLayerNetwork() {
        MultiLayerNetwork mln = mixedNet(DataType.DOUBLE);
        ComputationGraph cg = mln.toComputationGraph();
        RandomizedAsymmetricInit.apply(mln, 11);
        RandomizedAsymmetricInit.apply(cg, 11);
        assertArrayEquals(mln.params().toDoubleVector(), cg.params().toDoubleVector());
    }

    // ------------------------------------------------------------------------------------------------ which layers

    @Test
    void apply_mixedNet_onlyGatedDenseLayersWritten() {
        MultiLayerNetwork net = mixedNet(DataType.FLOAT);
        double[][] before = new double[net.getnLayers()][];
        for (int i = 0; i < before.length; i++) {
            before[i] = net.getLayer(i).params().toDoubleVector();
        }
        RandomizedAsymmetricInit.apply(net, 3);
        boolean[] gated = {true, false, false, false, true, true, true, true, false};
        assertEquals(gated.length, net.getnLayers());
        for (int i = 0; i < gated.length; i++) {
            double[] after = net.getLayer(i).params().toDoubleVector();
            if (gated[i]) {
                assertFalse(Arrays.equals(before[i], after), "layer " + i + " should have been re-drawn");
                assertOnePositiveEntryPerUnit(net.getLayer(i).getParam("W"), net.getLayer(i).getParam("b"));
            } else {
                assertArrayEquals(before[i], after, "layer " + i + " should be untouched");
            }
        }
    }

    @Test
    void apply_frozenLayer_unwrappedAndWritten() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).weightInit(WeightInit.RELU)
                .list()
                .layer(new FrozenLayer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.RELU).build()))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = Nets.init(conf);
        double[] before = net.getLayer(0).params().toDoubleVector();
        double[] outputBefore = net.getLayer(1).params().toDoubleVector();
        RandomizedAsymmetricInit.apply(net, 5);
        assertFalse(Arrays.equals(before, net.getLayer(0).params().toDoubleVector()));
        assertArrayEquals(outputBefore, net.getLayer(1).params().toDoubleVector());
        assertOnePositiveEntryPerUnit(net.getLayer(0).getParam("W"), net.getLayer(0).getParam("b"));
    }

    @Test
    void isGated_reluFamily() {
        List<IActivation> gated = List.of(new ActivationReLU(), new ActivationReLU(6.0, null, null),
                new ActivationReLU(null, 0.5, null), new ActivationReLU(null, null, 0.0), new ActivationReLU6(),
                new ActivationThresholdedReLU());
        List<IActivation> notGated = List.of(new ActivationReLU(null, null, 0.1), new ActivationLReLU(),
                new ActivationTanH(), new ActivationIdentity());
        gated.forEach(a -> assertTrue(RandomizedAsymmetricInit.isGated(a), a.toString()));
        notGated.forEach(a -> assertFalse(RandomizedAsymmetricInit.isGated(a), a.toString()));
    }

    // ------------------------------------------------------------------------------------------------ distribution

    /**
     * A wide layer (fan-in 1000, 2000 units): per unit, the largest of the 1001 entries is the Beta(2, 1) draw (the
     * Gaussian entries have standard deviation 0.019), so the column maxima must have Beta(2, 1)'s mean and standard
     * deviation, and the other entries must be N(0, 0.6007^2 / 1000).
     */
    @Test
    void apply_wideLayer_gaussianPlusOneBetaPerUnit() {
        int fanIn = 1000;
        int units = 2000;
        MultiLayerNetwork net = singleLayerNet(fanIn, units, true);
        RandomizedAsymmetricInit.apply(net, 2024);
        INDArray v = Nd4j.vstack(net.getLayer(0).getParam("W"), net.getLayer(0).getParam("b").reshape(1, units));
        assertEquals(fanIn + 1, v.rows());

        INDArray max = v.max(0);
        assertTrue(max.minNumber().doubleValue() > 0.0, "every unit has a positive entry");
        assertTrue(max.maxNumber().doubleValue() <= 1.0, "no entry above Beta(2,1)'s support");
        assertEquals(BETA_MEAN, max.meanNumber().doubleValue(), 0.02, "mean of the per-unit Beta draws");
        assertEquals(BETA_STD, max.stdNumber().doubleValue(), 0.02, "std of the per-unit Beta draws");

        // The Gaussian entries never exceed 0.15 (7.9 standard deviations), Beta(2,1) does with probability 0.9775.
        INDArray above = v.gt(0.15).castTo(DataType.DOUBLE).sum(0);
        assertTrue(above.maxNumber().doubleValue() <= 1.0, "at most one large positive entry per unit");
        assertEquals(1 - 0.15 * 0.15, above.meanNumber().doubleValue(), 0.015);

        long n = v.length() - units;
        double sumRest = v.sumNumber().doubleValue() - max.sumNumber().doubleValue();
        double sumSqRest = v.mul(v).sumNumber().doubleValue() - max.mul(max).sumNumber().doubleValue();
        double mean = sumRest / n;
        double std = Math.sqrt(sumSqRest / n - mean * mean);
        double expectedStd = RandomizedAsymmetricInit.SIGMA / Math.sqrt(fanIn);
        assertEquals(0.0, mean, 1e-4, "Gaussian entries are centred");
        assertEquals(expectedStd, std, 0.02 * expectedStd, "Gaussian entries have std sigma / sqrt(fan-in)");
    }

    /**
     * With fan-in 1 each unit has two slots, weight and bias, and the Beta draw lands in each with probability 1/2, so
     * both the weights and the biases have mean (0 + 2/3) / 2 = 1/3. A scheme that left the bias out would give the
     * bias mean 0.
     */
    @Test
    void apply_fanInOne_biasIsOneOfTheSlots() {
        int units = 4000;
        MultiLayerNetwork net = singleLayerNet(1, units, true);
        RandomizedAsymmetricInit.apply(net, 99);
        INDArray w = net.getLayer(0).getParam("W");
        INDArray b = net.getLayer(0).getParam("b");
        assertEquals(1.0 / 3.0, w.meanNumber().doubleValue(), 0.04);
        assertEquals(1.0 / 3.0, b.meanNumber().doubleValue(), 0.04);
        assertOnePositiveEntryPerUnit(w, b);
    }

    @Test
    void apply_noBias_betaAlwaysInWeights() {
        int units = 4000;
        MultiLayerNetwork net = singleLayerNet(1, units, false);
        RandomizedAsymmetricInit.apply(net, 99);
        INDArray w = net.getLayer(0).getParam("W");
        assertTrue(w.minNumber().doubleValue() >= 0.0);
        assertEquals(BETA_MEAN, w.meanNumber().doubleValue(), 0.02);
    }

    // ------------------------------------------------------------------------------------------------ validation

    @Test
    void apply_null_throwsNpe() {
        var e = assertThrows(NullPointerException.class, () -> RandomizedAsymmetricInit.apply(null, 1));
        assertEquals("net", e.getMessage());
    }

    @Test
    void apply_unsupportedModel_throwsIae() {
        MultiLayerNetwork net = mixedNet(DataType.FLOAT);
        var e = assertThrows(IllegalArgumentException.class, () -> RandomizedAsymmetricInit.apply(net.getLayer(0), 1));
        assertEquals("Unsupported model type: " + net.getLayer(0).getClass().getName()
                + " (expected MultiLayerNetwork or ComputationGraph)", e.getMessage());
    }

    @Test
    void apply_notInitialised_throwsIse() {
        MultiLayerNetwork net = new MultiLayerNetwork(mixedNet(DataType.FLOAT).getLayerWiseConfigurations());
        var e = assertThrows(IllegalStateException.class, () -> RandomizedAsymmetricInit.apply(net, 1));
        assertContains(e.getMessage(), "init()");
    }

    @Test
    void apply_noGatedLayer_warnsOnceAndDoesNothing() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(1)
                        .activation(Activation.RELU).build())
                .build();
        MultiLayerNetwork net = Nets.init(conf);
        double[] before = net.params().toDoubleVector();

        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(RandomizedAsymmetricInit.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            RandomizedAsymmetricInit.apply(net, 1);
        } finally {
            logger.detachAppender(appender);
        }
        assertArrayEquals(before, net.params().toDoubleVector());
        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).getFormattedMessage().contains("no gated dense layer"));
    }

    // ------------------------------------------------------------------------------------------------ fixtures

    /**
     * Layers: 0 Dense ReLU, 1 Dense tanh, 2 Dense leaky ReLU, 3 Dense ReLU with negative slope 0.1, 4 Dense ReLU6,
     * 5 Dense ThresholdedReLU, 6 Dense capped ReLU with threshold, 7 Dense ReLU without bias, 8 Output identity.
     */
    private static MultiLayerNetwork mixedNet(DataType dataType) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(12345).dataType(dataType)
                .weightInit(WeightInit.RELU)
                .list()
                .layer(dense(3, 5, new ActivationReLU()))
                .layer(dense(5, 5, new ActivationTanH()))
                .layer(dense(5, 5, new ActivationLReLU()))
                .layer(dense(5, 5, new ActivationReLU(null, null, 0.1)))
                .layer(dense(5, 5, new ActivationReLU6()))
                .layer(dense(5, 5, new ActivationThresholdedReLU()))
                .layer(dense(5, 5, new ActivationReLU(6.0, 0.5, null)))
                .layer(new DenseLayer.Builder().nIn(5).nOut(5).activation(Activation.RELU).hasBias(false).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        return Nets.init(conf);
    }

    private static DenseLayer dense(int nIn, int nOut, IActivation activation) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(activation).build();
    }

    private static MultiLayerNetwork singleLayerNet(int nIn, int nOut, boolean hasBias) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.RELU)
                .list()
                .layer(new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(Activation.RELU).hasBias(hasBias)
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(nOut).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
        return Nets.init(conf);
    }

    /** Every unit (column of W, plus its bias if any) has at least one entry in (0, 1]. */
    private static void assertOnePositiveEntryPerUnit(INDArray w, INDArray b) {
        assertNotNull(w);
        INDArray v = b == null ? w : Nd4j.vstack(w, b.reshape(1, b.length()));
        INDArray inUnitInterval = v.gt(0.0).castTo(DataType.DOUBLE).muli(v.lte(1.0).castTo(DataType.DOUBLE)).sum(0);
        assertTrue(inUnitInterval.minNumber().doubleValue() >= 1.0, "each unit has a positive entry in (0, 1]");
    }
}
