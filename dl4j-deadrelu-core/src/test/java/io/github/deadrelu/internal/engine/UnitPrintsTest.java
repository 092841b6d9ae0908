/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.testutil.Nets;
import java.util.IdentityHashMap;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The incoming-weight fingerprints of dead units (issue 14 item 4): the unit axis per layout, exact values. */
class UnitPrintsTest {

    /** The print of a unit whose incoming weights are {@code weights}: the hash of their exact bits. */
    private static double hashOf(INDArray weights) {
        double[] v = weights.dup('c').reshape(weights.length()).toDoubleVector();
        return UnitPrints.hash(v, 0, v.length);
    }

    @Test
    void dense_hashOfTheUnitsColumnAndItsBias() {
        MultiLayerNetwork net = Nets.mlp(3);
        LayerSpec s = NetworkInspector.discover(net).get(1);
        INDArray w = net.getLayer(1).getParam("W");   // [6, 5]
        INDArray b = net.getLayer(1).getParam("b");
        double[] p = UnitPrints.incoming(net, s, 5, new int[]{1, 4});
        assertArrayEquals(new double[]{hashOf(w.getColumn(1)), b.getDouble(1), hashOf(w.getColumn(4)), b.getDouble(4)},
                p, 0.0);
        double[] one = UnitPrints.incoming(net, s, 5, new int[]{4});
        assertArrayEquals(new double[]{p[2], p[3]}, one, 0.0);
    }

    @Test
    void aUnitsPrint_isExactlyTheSameWhicheverOtherUnitsAreDead_andMovesWhenAnyOfItsWeightsDoes() {
        MultiLayerNetwork net = Nets.mlp(3);
        LayerSpec s = NetworkInspector.discover(net).get(1);
        double[] all = UnitPrints.incoming(net, s, 5, new int[]{0, 1, 2, 3, 4});
        double[] one = UnitPrints.incoming(net, s, 5, new int[]{3});
        assertArrayEquals(new double[]{all[6], all[7]}, one, 0.0, "no tolerance: prints are compared for equality");
        INDArray w = net.getLayer(1).getParam("W");
        // the smallest change of one weight, and a change that keeps the column's sum (a sum would miss it)
        w.putScalar(2, 3, Math.nextUp((float) w.getDouble(2, 3)));
        double[] moved = UnitPrints.incoming(net, s, 5, new int[]{1, 3});
        assertEquals(all[2], moved[0], 0.0, "unit 1's weights did not change");
        assertNotEquals(all[6], moved[2], "unit 3 moved by one ulp of one weight");
        double a = w.getDouble(0, 1);
        double c = w.getDouble(1, 1);
        w.putScalar(0, 1, c);
        w.putScalar(1, 1, a);
        assertNotEquals(all[2], UnitPrints.incoming(net, s, 5, new int[]{1})[0], "two weights swapped: same sum");
        assertEquals(UnitPrints.hash(new double[]{0.0}, 0, 1), UnitPrints.hash(new double[]{0.0}, 0, 1), 0.0);
        assertNotEquals(UnitPrints.hash(new double[]{0.0}, 0, 1), UnitPrints.hash(new double[]{-0.0}, 0, 1));
    }

    @Test
    void convolution_hashOverInputChannelsAndKernel() {
        MultiLayerNetwork net = Nets.mln(5, InputType.convolutional(5, 5, 2),
                new ConvolutionLayer.Builder().kernelSize(2, 2).nOut(4).activation(Activation.RELU).build(),
                new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(Activation.SOFTMAX)
                        .build());
        LayerSpec s = NetworkInspector.discover(net).get(0);
        INDArray w = net.getLayer(0).getParam("W");   // [4, 2, 2, 2]
        double[] p = UnitPrints.incoming(net, s, 4, new int[]{2});
        assertEquals(hashOf(w.get(NDArrayIndex.point(2), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all())),
                p[0], 0.0);
        assertEquals(net.getLayer(0).getParam("b").getDouble(2), p[1], 1e-7);
    }

    @Test
    void activationLayer_readsItsOwnersWeights_andAUnitCountMismatchGivesNothing() {
        MultiLayerNetwork net = Nets.duplicateActivationNames(7);
        List<LayerSpec> specs = NetworkInspector.discover(net);
        INDArray w = net.getLayer(2).getParam("W");   // the owner of the second "act": [6, 5]
        assertEquals(hashOf(w.getColumn(3)), UnitPrints.incoming(net, specs.get(1), 5, new int[]{3})[0], 0.0);
        assertNull(UnitPrints.incoming(net, specs.get(1), 7, new int[]{3}), "7 units: not this owner's layout");
    }

    @Test
    void upstream_oneSumPerTrainableLayerUpstream() {
        MultiLayerNetwork net = Nets.mlp(9);
        List<LayerSpec> specs = NetworkInspector.discover(net);
        assertEquals(0, UnitPrints.upstream(net, specs.get(0), new IdentityHashMap<>()).length,
                "nothing upstream of the first layer");
        double[] up = UnitPrints.upstream(net, specs.get(1), new IdentityHashMap<>());
        assertArrayEquals(new double[]{Transforms.abs(net.getLayer(0).params(), true).sumNumber().doubleValue()}, up,
                1e-5);
    }
}
