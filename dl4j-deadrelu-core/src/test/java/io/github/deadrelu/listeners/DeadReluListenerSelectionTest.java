/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.misc.FrozenLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Re-initialisation by criterion through the listener: layer 0 planted by its bias alone (all weights 0), so every
 * entry of unit u is relu(b_u); unit 3 is low-activity (b = 0.02: s_3 = 0.02 / 0.42 = 0.048), none is dead.
 */
@Timeout(60)
class DeadReluListenerSelectionTest {
    private static final int MB = 32;
    private static final double[] BIAS = {0.5, 0.5, 0.5, 0.02, 0.5, 0.5};

    private static void plant(Layer l) {
        Planted.byBias(l);
        for (int u = 0; u < BIAS.length; u++) {
            Planted.bias(l, BIAS[u], u);
        }
    }

    private static DeadReluListener listener(ReinitPolicy p) {
        return DeadReluListener.builder().deadAfterExamples(MB).frequency(0).reinitialize(p).build();
    }

    private static Model model(MultiLayerNetwork net, boolean graph, DeadReluListener l) {
        plant(net.getLayer(0));
        return io.github.deadrelu.testutil.Nets.listened(net, graph, l);
    }

    private static INDArray w0(Model m, boolean graph) {
        return graph ? ((ComputationGraph) m).getLayer("0").getParam("W")
                : ((MultiLayerNetwork) m).getLayer(0).getParam("W");
    }

    private static LayerGates layer(DeadReluListener l, String name) {
        return DeadReluListenerPlantedTest.gates(l, name);
    }

    /** The columns of W that are not all zero. */
    private static String nonZeroColumns(INDArray w) {
        StringBuilder sb = new StringBuilder();
        for (int u = 0; u < w.columns(); u++) {
            if (w.getColumn(u).amaxNumber().doubleValue() > 0) {
                sb.append(sb.length() == 0 ? "" : ",").append(u);
            }
        }
        return sb.toString();
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dormant_redrawsExactlyTheLowActivityUnit(boolean graph) {
        DeadReluListener l = listener(ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.1).every(1)
                .maturity(0).seed(1).build());
        Model m = model(Nets.mlp(1), graph, l);
        Nets.fit(m, Nets.mlpData(MB, 2));

        LayerGates g = layer(l, graph ? "0" : "layer0");
        assertEquals(0, g.deadUnits().length);
        assertEquals(1, g.reinitialized());
        assertEquals("3", nonZeroColumns(w0(m, graph)), "only unit 3's incoming weights were re-drawn");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dead_leavesTheLowActivityUnit(boolean graph) {
        DeadReluListener l = listener(ReinitPolicy.builder().every(1).maturity(0).seed(1).build());
        Model m = model(Nets.mlp(1), graph, l);
        Nets.fit(m, Nets.mlpData(MB, 2));

        assertEquals(0, layer(l, graph ? "0" : "layer0").reinitialized());
        assertEquals("", nonZeroColumns(w0(m, graph)));
    }

    @Test
    void lowUtility_replacesAtTheRate() {
        // rho = 0.1, 6 mature units: 0.6 due after step 0 (none replaced), 1.2 after step 1 (one replaced: the
        // lowest utility, unit 3 with mean |a| 0.02 against 0.5)
        DeadReluListener l = listener(ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY).replacementRate(0.1)
                .every(1).maturity(0).seed(1).build());
        MultiLayerNetwork net = Nets.mlp(1);
        Model m = model(net, false, l);
        Nets.fit(m, Nets.mlpData(MB, 2));
        assertEquals(0, layer(l, "layer0").reinitialized());
        assertEquals(0, layer(l, "layer1").reinitialized(), "5 units: 0.5 due");
        Nets.fit(m, Nets.mlpData(MB, 3));
        assertEquals(1, layer(l, "layer0").reinitialized());
        assertEquals(1, layer(l, "layer1").reinitialized(), "5 units: 1.0 due");
        assertEquals("3", nonZeroColumns(net.getLayer(0).getParam("W")));
        assertEquals(2, l.snapshot().layers().size(), "the output layer is never a candidate");
    }

    @Test
    void lowUtility_neverReplacesAFrozenLayer() {
        MultiLayerNetwork net = Nets.mln(1, InputType.feedForward(Nets.N_IN),
                new FrozenLayer(new DenseLayer.Builder().nIn(Nets.N_IN).nOut(6).activation(Activation.RELU).build()),
                new DenseLayer.Builder().nOut(5).activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(Nets.CLASSES)
                        .activation(Activation.SOFTMAX).build());
        DeadReluListener l = listener(ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY).replacementRate(0.5)
                .every(1).maturity(0).seed(1).build());
        Model m = model(net, false, l);
        Nets.fit(m, Nets.mlpData(MB, 2));
        assertEquals(0, layer(l, "layer0").reinitialized());
        assertEquals("", nonZeroColumns(net.getLayer(0).getParam("W")));
        assertTrue(layer(l, "layer1").reinitialized() > 0, "the trainable layer is replaced: 2.5 due");
    }
}
