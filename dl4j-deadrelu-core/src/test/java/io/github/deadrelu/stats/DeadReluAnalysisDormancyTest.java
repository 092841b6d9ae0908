/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * ReDo's dormancy scores of {@link DeadReluAnalysis} over a whole data set, on planted weights whose means are known
 * exactly: the pass mean is not the mean of the per-batch scores, masked and non-finite entries are not entries.
 */
@Timeout(60)
class DeadReluAnalysisDormancyTest {

    private static NeuralNetConfiguration.ListBuilder base() {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.DOUBLE).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list();
    }

    /** 2 inputs, dense ReLU of 3 units: a0 = relu(x0), a1 = relu(x1), a2 = relu(0.03) (W column 2 and b planted). */
    private static MultiLayerNetwork plantedDense() {
        MultiLayerNetwork net = new MultiLayerNetwork(base()
                .layer(new DenseLayer.Builder().nIn(2).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(2)).build());
        net.init();
        net.getLayer(0).getParam("W").assign(Nd4j.create(new double[][]{{1, 0, 0}, {0, 1, 0}}));
        net.getLayer(0).getParam("b").assign(Nd4j.create(new double[][]{{0, 0, 0.03}}));
        return net;
    }

    private static DataSet ds(double[][] x) {
        double[][] y = new double[x.length][2];
        for (double[] r : y) {
            r[0] = 1;
        }
        return new DataSet(Nd4j.create(x), Nd4j.create(y));
    }

    private static LayerGates only(DeadReluAnalysis a) {
        assertEquals(1, a.layers().size(), a.toString());
        return a.layers().get(0);
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dense_scoresOverTheWholePass_dormantButNotDead(boolean graph) {
        MultiLayerNetwork mln = plantedDense();
        Model net = graph ? mln.toComputationGraph() : mln;
        // a0 = 2, 4 | 0 (mean 2); a1 = 1, 1 | 1 (mean 1); a2 = 0.03 everywhere; layer mean 3.03 / 3 = 1.01.
        // Per-batch scores averaged would give a0 (2 * 3 / 3.03 + 0) / 2 instead: the pass mean is what is reported.
        List<DataSet> data = List.of(ds(new double[][]{{2, 1}, {4, 1}}), ds(new double[][]{{0, 1}}));
        LayerGates l = only(DeadReluAnalysis.builder().dormancyThreshold(0.1)
                .of(net, new ListDataSetIterator<>(data, 1)));
        assertArrayEquals(new double[]{2 / 1.01, 1 / 1.01, 0.03 / 1.01}, l.dormancyScores(), 1e-9);
        assertArrayEquals(new int[]{2}, l.dormantUnits(), "tiny but nonzero activity: dormant");
        assertArrayEquals(new int[0], l.deadUnits(), "... but open on every entry, so not dead");
        assertArrayEquals(new double[0], l.gradientScores());

        LayerGates noTau = only(DeadReluAnalysis.of(net, new ListDataSetIterator<>(data, 1)));
        assertArrayEquals(l.dormancyScores(), noTau.dormancyScores(), 0.0, "scores are filled without a threshold");
        assertArrayEquals(new int[0], noTau.dormantUnits(), "no threshold, no dormant units");
    }

    @Test
    void layerMeanZero_allScoresZero_everyUnitDormantAtTauZero() {
        MultiLayerNetwork net = plantedDense();
        net.getLayer(0).getParam("W").assign(0);
        net.getLayer(0).getParam("b").assign(-1);
        LayerGates l = only(DeadReluAnalysis.builder().dormancyThreshold(0)
                .of(net, new ListDataSetIterator<>(List.of(ds(new double[][]{{2, 1}, {4, 1}})), 1)));
        assertArrayEquals(new double[]{0, 0, 0}, l.dormancyScores(), 0.0);
        assertArrayEquals(new int[]{0, 1, 2}, l.dormantUnits());
        assertArrayEquals(new int[]{0, 1, 2}, l.deadUnits());
    }

    @Test
    void conv_meanOverBatchAndSpatialAxes() {
        MultiLayerNetwork net = new MultiLayerNetwork(base()
                .layer(new ConvolutionLayer.Builder(1, 1).nOut(2).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(2, 2, 2)).build());
        net.init();
        // W [outC, inC, 1, 1]: channel 0 = x_c0, channel 1 = 0.5 x_c1; no bias.
        net.getLayer(0).getParam("W").assign(Nd4j.create(new double[]{1, 0, 0, 0.5}, new long[]{2, 2, 1, 1}));
        net.getLayer(0).getParam("b").assign(0);
        INDArray x1 = Nd4j.create(new double[]{1, 2, 3, 6, 2, 2, 2, 2}, new long[]{1, 2, 2, 2});
        INDArray x2 = Nd4j.create(new double[]{0, 0, 0, 0, 2, 2, 2, 2}, new long[]{1, 2, 2, 2});
        INDArray y = Nd4j.create(new double[][]{{1, 0}});
        // channel 0: 1, 2, 3, 6, 0, 0, 0, 0 (mean 1.5); channel 1: 1 on all 8 entries; layer mean 1.25
        LayerGates l = only(DeadReluAnalysis.builder().dormancyThreshold(0.9).of(net,
                new ListDataSetIterator<>(List.of(new DataSet(x1, y), new DataSet(x2, y)), 1)));
        assertArrayEquals(new double[]{1.5 / 1.25, 1 / 1.25}, l.dormancyScores(), 1e-9);
        assertArrayEquals(new int[]{1}, l.dormantUnits());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void rnnMask_maskedStepsAreNotEntriesOfTheMean(boolean graph) {
        MultiLayerNetwork mln = new MultiLayerNetwork(base()
                .layer(new SimpleRnn.Builder().nIn(2).nOut(2).activation(Activation.RELU).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.recurrent(2, 3)).build());
        mln.init();
        mln.getLayer(0).getParam("W").assign(Nd4j.create(new double[][]{{1, 0}, {0, 1}}));
        mln.getLayer(0).getParam("RW").assign(0);
        mln.getLayer(0).getParam("b").assign(0);
        // unit 0: 1, 1, [100 masked]; unit 1: 1, 1, [1 masked]: both means 1, scores 1 (100 counted: 34 and 1).
        INDArray x = Nd4j.create(new double[]{1, 1, 100, 1, 1, 1}, new long[]{1, 2, 3});
        INDArray y = Nd4j.create(new double[]{1, 1, 1, 0, 0, 0}, new long[]{1, 2, 3});
        INDArray mask = Nd4j.create(new double[][]{{1, 1, 0}});
        Model net = graph ? mln.toComputationGraph() : mln;
        LayerGates l = only(DeadReluAnalysis.of(net,
                new ListDataSetIterator<>(List.of(new DataSet(x, y, mask, mask)), 1)));
        assertArrayEquals(new double[]{1, 1}, l.dormancyScores(), 1e-9);
    }

    @Test
    void nonFiniteEntry_noScores() {
        MultiLayerNetwork net = plantedDense();
        LayerGates l = only(DeadReluAnalysis.builder().dormancyThreshold(0.5).of(net, new ListDataSetIterator<>(
                List.of(ds(new double[][]{{2, 1}, {4, 1}}), ds(new double[][]{{Double.NaN, 1}, {1, 1}})), 1)));
        assertTrue(l.nonFinite() >= 1, l.toString());
        assertArrayEquals(new double[0], l.dormancyScores(), "a layer with a non-finite entry has no scores");
        assertArrayEquals(new int[0], l.dormantUnits());
    }

    @Test
    void threshold_outOfRange_rejectedNamingTheParameter() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadReluAnalysis.builder().dormancyThreshold(1.5));
        assertEquals("dormancyThreshold must be in [0, 1], got: 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeadReluAnalysis.builder().dormancyThreshold(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> DeadReluAnalysis.builder().dormancyThreshold(-0.1));
    }
}
