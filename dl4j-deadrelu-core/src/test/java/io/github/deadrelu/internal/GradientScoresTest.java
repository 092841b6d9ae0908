/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * {@link GradientScores} on the raw gradient of planted networks: the expected scores computed entry by entry from the
 * same gradient arrays (this test's loops are over a handful of weights), and a planted dead unit scores exactly 0.
 */
@Timeout(60)
class GradientScoresTest {

    private static final int DEAD = 2;

    private static OutputLayer out() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                .build();
    }

    private static Map<String, INDArray> gradient(Model m, INDArray x) {
        INDArray y = Nd4j.rand(DataType.FLOAT, x.size(0), 2);
        if (m instanceof MultiLayerNetwork) {
            MultiLayerNetwork n = (MultiLayerNetwork) m;
            n.setInput(x);
            n.setLabels(y);
            n.computeGradientAndScore();
        } else {
            ComputationGraph g = (ComputationGraph) m;
            g.setInputs(x);
            g.setLabels(y);
            g.computeGradientAndScore();
        }
        return m.gradient().gradientForVariable();
    }

    /** G_j = (sum over the unit's slice of |gW| + |gb_j|) / (fanIn + 1), divided by the mean of G. */
    private static double[] expectedDense(INDArray gw, INDArray gb) {
        int nIn = (int) gw.size(0);
        int units = (int) gw.size(1);
        double[] g = new double[units];
        double mean = 0;
        for (int j = 0; j < units; j++) {
            double s = Math.abs(gb.getDouble(j));
            for (int i = 0; i < nIn; i++) {
                s += Math.abs(gw.getDouble(i, j));
            }
            g[j] = s / (nIn + 1);
            mean += g[j] / units;
        }
        for (int j = 0; j < units; j++) {
            g[j] /= mean;
        }
        return g;
    }

    private static LayerSpec spec(Model m) {
        return NetworkInspector.discover(m).get(0);
    }

    @Test
    void denseMln_handComputed_deadUnitExactlyZero() {
        MultiLayerNetwork net = Nets.mln(1, InputType.feedForward(3),
                new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(), out());
        Planted.dense(net.getLayer(0), DEAD);
        Map<String, INDArray> g = gradient(net, Nd4j.rand(DataType.FLOAT, 8, 3));
        double[] s = GradientScores.of(net, g, spec(net));
        assertArrayEquals(expectedDense(g.get("0_W"), g.get("0_b")), s, 1e-5);
        assertEquals(0.0, s[DEAD]);
        for (int j = 0; j < 4; j++) {
            assertTrue(j == DEAD || s[j] > 0, "unit " + j + " scores " + s[j]);
        }
    }

    @Test
    void denseGraph_keyedByVertexName() {
        ComputationGraph cg = new ComputationGraph(Nets.base(1, new Sgd(0.0)).graphBuilder().addInputs("in")
                .addLayer("d", new DenseLayer.Builder().nIn(3).nOut(4).activation(Activation.RELU).build(), "in")
                .addLayer("o", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(2)
                        .activation(Activation.IDENTITY).build(), "d")
                .setOutputs("o").build());
        cg.init();
        Planted.dense(cg.getLayer("d"), DEAD);
        Map<String, INDArray> g = gradient(cg, Nd4j.rand(DataType.FLOAT, 8, 3));
        LayerSpec d = NetworkInspector.discover(cg).stream().filter(x -> x.name().equals("d")).findFirst()
                .orElseThrow();
        double[] s = GradientScores.of(cg, g, d);
        assertArrayEquals(expectedDense(g.get("d_W"), g.get("d_b")), s, 1e-5);
        assertEquals(0.0, s[DEAD]);
    }

    @Test
    void convNchw_kernelEntriesAndBias_deadChannelExactlyZero() {
        MultiLayerNetwork net = Nets.mln(2, InputType.convolutional(4, 4, 2, CNN2DFormat.NCHW),
                new ConvolutionLayer.Builder(2, 2).nOut(3).activation(Activation.RELU).build(), out());
        Planted.conv(net.getLayer(0), DEAD);
        Map<String, INDArray> g = gradient(net, Nd4j.rand(DataType.FLOAT, 5, 2, 4, 4));
        double[] s = GradientScores.of(net, g, spec(net));
        INDArray gw = g.get("0_W");   // [outC, inC, kH, kW]
        INDArray gb = g.get("0_b");
        double[] e = new double[3];
        double mean = 0;
        for (int c = 0; c < 3; c++) {
            double sum = Math.abs(gb.getDouble(c));
            for (int i = 0; i < 2; i++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 2; x++) {
                        sum += Math.abs(gw.getDouble(c, i, y, x));
                    }
                }
            }
            e[c] = sum / 9;
            mean += e[c] / 3;
        }
        for (int c = 0; c < 3; c++) {
            e[c] /= mean;
        }
        assertArrayEquals(e, s, 1e-5);
        assertEquals(0.0, s[DEAD]);
        assertTrue(s[0] > 0 && s[1] > 0);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"HALF", "FLOAT", "DOUBLE"})
    void plantedArrays_everyFloatingType(DataType type) {
        INDArray gw = Nd4j.createFromArray(new double[][]{{1, 0, -3}, {-2, 0, 3}}).castTo(type);
        INDArray gb = Nd4j.createFromArray(0.0, 0.0, -3.0).castTo(type);
        assertArrayEquals(new double[]{0.75, 0.0, 2.25},
                GradientScores.of(new DenseLayer.Builder().nIn(2).nOut(3).build(), gw, gb), 1e-12);
    }

    @Test
    void plantedArrays_exactValues() {
        // W [2, 3]: unit sums of |g| 3, 0, 6 plus |b| 0, 0, 3 -> G = 1, 0, 3 over 3 entries; layer mean 4/3.
        INDArray gw = Nd4j.createFromArray(new double[][]{{1, 0, -3}, {-2, 0, 3}});
        INDArray gb = Nd4j.createFromArray(0.0, 0.0, -3.0);
        double[] s = GradientScores.of(new DenseLayer.Builder().nIn(2).nOut(3).build(), gw, gb);
        assertArrayEquals(new double[]{0.75, 0.0, 2.25}, s, 1e-12);
        assertArrayEquals(new double[]{0, 0, 0}, GradientScores.of(new DenseLayer.Builder().nIn(2).nOut(3).build(),
                Nd4j.zeros(DataType.DOUBLE, 2, 3), Nd4j.zeros(DataType.DOUBLE, 3)));
        gw.putScalar(0, 0, Double.NaN);
        assertEquals(0, GradientScores.of(new DenseLayer.Builder().nIn(2).nOut(3).build(), gw, gb).length);
    }
}
