/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.testutil.Nets;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
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

/** {@link OutgoingSums}: sum_k |w_out[j, k]| through a dense consumer, CNN flattening and a merge vertex. */
@Timeout(60)
class OutgoingSumsTest {

    private static LayerSpec spec(Model m, String name) {
        return NetworkInspector.discover(m).stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static OutputLayer out() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(2).activation(Activation.IDENTITY)
                .build();
    }

    /** Sum of |w| over rows {@code rows} of a rank-2 array. */
    private static double rowSum(INDArray w, int... rows) {
        double s = 0;
        for (int r : rows) {
            for (int k = 0; k < w.size(1); k++) {
                s += Math.abs(w.getDouble(r, k));
            }
        }
        return s;
    }

    @Test
    void dense_rowOfTheConsumer() {
        MultiLayerNetwork net = Nets.mln(3, InputType.feedForward(3),
                new DenseLayer.Builder().nOut(4).activation(Activation.RELU).build(),
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(), out());
        LayerSpec s = NetworkInspector.discover(net).get(0);
        INDArray w1 = net.getLayer(1).getParam("W");
        double[] e = new double[4];
        for (int j = 0; j < 4; j++) {
            e[j] = rowSum(w1, j);
        }
        assertArrayEquals(e, OutgoingSums.of(net, s, 4), 1e-5);
    }

    @ParameterizedTest
    @EnumSource(CNN2DFormat.class)
    void convFlattenedIntoDense_everyPositionOfTheChannel(CNN2DFormat format) {
        MultiLayerNetwork net = Nets.mln(4, InputType.convolutional(3, 3, 2, format),
                new ConvolutionLayer.Builder(2, 2).nOut(3).dataFormat(format).activation(Activation.RELU).build(),
                out());
        LayerSpec s = NetworkInspector.discover(net).get(0);
        INDArray w = net.getLayer(1).getParam("W");   // [3 * 2 * 2, 2]
        double[] e = new double[3];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 2; y++) {
                for (int x = 0; x < 2; x++) {
                    int row = format == CNN2DFormat.NCHW ? c * 4 + y * 2 + x : y * 2 * 3 + x * 3 + c;
                    e[c] += rowSum(w, row);
                }
            }
        }
        assertArrayEquals(e, OutgoingSums.of(net, s, 3), 1e-5);
    }

    private static ComputationGraph graph(boolean add) {
        var b = Nets.base(5, new Sgd(0.0)).graphBuilder().addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.RELU).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.RELU).build(), "in");
        if (add) {
            b.addVertex("m", new ElementWiseVertex(ElementWiseVertex.Op.Add), "a", "b")
                    .addLayer("o", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(2).nOut(2)
                            .activation(Activation.IDENTITY).build(), "m");
        } else {
            b.addVertex("m", new MergeVertex(), "a", "b", "a")
                    .addLayer("o", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(2)
                            .activation(Activation.IDENTITY).build(), "m");
        }
        ComputationGraph cg = new ComputationGraph(b.setOutputs("o").build());
        cg.init();
        return cg;
    }

    @Test
    void mergeVertex_readTwice_bothPositionsCount() {
        ComputationGraph cg = graph(false);
        INDArray w = cg.getLayer("o").getParam("W");   // rows: a0 a1 b0 b1 a0 a1
        assertArrayEquals(new double[]{rowSum(w, 0, 4), rowSum(w, 1, 5)}, OutgoingSums.of(cg, spec(cg, "a"), 2),
                1e-5);
        assertArrayEquals(new double[]{rowSum(w, 2), rowSum(w, 3)}, OutgoingSums.of(cg, spec(cg, "b"), 2), 1e-5);
    }

    @Test
    void elementWiseAdd_mixesUnits_null() {
        ComputationGraph cg = graph(true);
        assertNull(OutgoingSums.of(cg, spec(cg, "a"), 2));
    }

    /**
     * The streamed path of {@link OutgoingSums#unitAbsSums} (an 'f' matrix's rows, the row stride a multiple of 512,
     * at least 2^19 entries; 1536 x 1000 takes blocks of 682 and 318 rows) against a DOUBLE reference, with a NaN
     * and an infinity planted: they show up in their rows only.
     */
    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"HALF", "FLOAT", "DOUBLE"})
    void unitAbsSums_rowsOfLargeMatrices_matchTheReference_nonFiniteRowsOnly(DataType type) {
        for (long[] shape : new long[][]{{1024, 1024}, {2048, 512}, {1536, 1000}}) {
            long n = shape[0] * shape[1];
            // Entries (k mod 7 - 3) / 4: exact in HALF, sums of at most 2048 such entries exact in FLOAT.
            INDArray w = Nd4j.arange(n).castTo(DataType.DOUBLE).fmodi(7).subi(3).divi(4).castTo(type)
                    .reshape('f', shape);
            w.putScalar(5, 7, Double.NaN);
            w.putScalar(9, 3, Double.POSITIVE_INFINITY);
            double[] expected = w.castTo(DataType.DOUBLE).norm1(1).toDoubleVector();
            double[] actual = OutgoingSums.unitAbsSums(w, null, 0);
            assertEquals(shape[0], actual.length);
            for (int r = 0; r < shape[0]; r++) {
                if (r == 5) {
                    assertTrue(Double.isNaN(actual[r]), type + " row 5 holds the NaN, got: " + actual[r]);
                } else if (r == 9) {
                    assertEquals(Double.POSITIVE_INFINITY, actual[r], type + " row 9 holds the infinity");
                } else {
                    assertEquals(expected[r], actual[r], 0.0, type + " " + shape[0] + "x" + shape[1] + " row " + r);
                }
            }
        }
    }
}
