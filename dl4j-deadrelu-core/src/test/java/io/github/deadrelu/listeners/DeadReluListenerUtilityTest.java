/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.reinit.UnitSelection;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Continual Backprop's utility in the snapshot ({@link LayerGates#utilityScores()}) on a planted MLP 4-6-5-3 that
 * never moves ({@code Sgd(0.0)}): layer 0 is planted by its bias alone (every weight 0, so every entry of unit j is
 * relu(b_j) and mean|a_j| = relu(b_j)); layer 1's incoming row j is the constant c_j (so sum_k |w_out[j, k]| = 5 c_j)
 * with bias 0 (so all 5 units of layer 1 see the same value Z = sum_j relu(b_j) c_j > 0); the output layer's row k is
 * the constant d_k (sum = 3 |d_k|). Two steps, the layer-0 biases changed between them, give
 * u_j = 0.01 (0.99 x1_j + x2_j) with x = mean|a| * outgoing sum, and the score u_j / mean_k u_k.
 */
@Timeout(60)
class DeadReluListenerUtilityTest {
    private static final int MB = 16;
    /** Layer-0 biases of step 1 (unit 2 dead) and step 2 (unit 3 dead). */
    private static final double[] BIAS_1 = {0.5, 0.5, -0.5, 0.05, 0.5, 0.25};
    private static final double[] BIAS_2 = {0.25, 0.5, 0.5, -0.5, 0.05, 0.5};
    /** Layer-1 incoming rows (one value per layer-0 unit). */
    private static final double[] C = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    /** Output-layer incoming rows (one value per layer-1 unit; signs do not matter, |w| is summed). */
    private static final double[] D = {0.1, -0.2, 0.3, 0.05, 1.0};

    private static void plant(Model model, boolean graph) {
        Layer l0 = layer(model, 0, graph);
        Planted.byBias(l0);
        setBias(l0, BIAS_1);
        Layer l1 = layer(model, 1, graph);
        l1.getParam("b").assign(0.0);
        for (int j = 0; j < C.length; j++) {
            l1.getParam("W").getRow(j).assign(C[j]);
        }
        for (int k = 0; k < D.length; k++) {
            layer(model, 2, graph).getParam("W").getRow(k).assign(D[k]);
        }
    }

    private static void setBias(Layer l, double[] bias) {
        for (int u = 0; u < bias.length; u++) {
            Planted.bias(l, bias[u], u);
        }
    }

    private static Layer layer(Model model, int i, boolean graph) {
        return graph ? ((ComputationGraph) model).getLayer(String.valueOf(i)) : ((MultiLayerNetwork) model).getLayer(i);
    }

    /** The expected layer-0 scores after the two steps. */
    private static double[] expectedLayer0() {
        double[] u = new double[C.length];
        double mean = 0;
        for (int j = 0; j < u.length; j++) {
            double x1 = Math.max(BIAS_1[j], 0) * 5 * C[j];
            double x2 = Math.max(BIAS_2[j], 0) * 5 * C[j];
            u[j] = 0.99 * 0.01 * x1 + 0.01 * x2;
            mean += u[j] / u.length;
        }
        for (int j = 0; j < u.length; j++) {
            u[j] /= mean;
        }
        return u;
    }

    /** The expected layer-1 scores: every unit's mean |a| is the same Z at each step, so u_k / mean = |d_k| / mean. */
    private static double[] expectedLayer1() {
        double mean = 0;
        for (double d : D) {
            mean += Math.abs(d) / D.length;
        }
        double[] s = new double[D.length];
        for (int k = 0; k < s.length; k++) {
            s[k] = Math.abs(D[k]) / mean;
        }
        return s;
    }

    private static DeadReluListener train(boolean graph, DeadReluListener l) {
        Model model = Nets.listened(Nets.mlp(1), graph, l);
        plant(model, graph);
        Nets.fit(model, Nets.mlpData(MB, 2));
        setBias(layer(model, 0, graph), BIAS_2);
        Nets.fit(model, Nets.mlpData(MB, 3));
        return l;
    }

    private static LayerGates gates(DeadReluListener l, int i, boolean graph) {
        return DeadReluListenerPlantedTest.gates(l, Nets.layerName(i, graph));
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void utilityScores_exactRunningUtility_bothLayers(boolean graph) {
        DeadReluListener l = train(graph, DeadReluListener.builder().deadAfterExamples(MB).frequency(0)
                .utilityScores(true).build());

        assertArrayEquals(expectedLayer0(), gates(l, 0, graph).utilityScores(), 1e-6);
        assertArrayEquals(expectedLayer1(), gates(l, 1, graph).utilityScores(), 1e-6);
        double[] s = gates(l, 0, graph).utilityScores();
        s[0] = 99;
        assertEquals(expectedLayer0()[0], gates(l, 0, graph).utilityScores()[0], 1e-6, "a copy");
    }

    @Test
    void utilityScores_firstStep_unitDeadOnItHasZero() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).utilityScores(true)
                .build();
        Model model = Nets.listened(Nets.mlp(1), false, l);
        plant(model, false);
        Nets.fit(model, Nets.mlpData(MB, 2));
        double[] s = gates(l, 0, false).utilityScores();
        assertEquals(0.0, s[2], 0.0, "relu(-0.5) = 0: no contribution");
        double sum = 0;
        for (double v : s) {
            sum += v;
        }
        assertEquals(s.length, sum, 1e-9, "normalised by the layer mean");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void utilityScores_off_emptyInEveryLayer(boolean graph) {
        DeadReluListener l = train(graph, DeadReluListener.builder().deadAfterExamples(MB).frequency(0).build());
        assertArrayEquals(new double[0], gates(l, 0, graph).utilityScores());
        assertArrayEquals(new double[0], gates(l, 1, graph).utilityScores());
        assertEquals(6, gates(l, 0, graph).dormancyScores().length, "the other scores are still there");
    }

    @Test
    void utilityScores_withDeadPolicy_sameValuesAndNothingReplacedByUtility() {
        ReinitPolicy dead = ReinitPolicy.builder().every(1).maturity(0).build();
        DeadReluListener l = train(false, DeadReluListener.builder().deadAfterExamples(10 * MB).frequency(0)
                .utilityScores(true).reinitialize(dead).build());
        assertArrayEquals(expectedLayer0(), gates(l, 0, false).utilityScores(), 1e-6);
        assertEquals(0, gates(l, 0, false).reinitialized(), "no unit is dead yet, and DEAD never uses the utility");
    }

    @Test
    void lowUtilityPolicy_reportsTheUtilityWithoutTheOption() {
        ReinitPolicy cbp = ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY).replacementRate(1e-4).every(1)
                .maturity(100).build();
        DeadReluListener l = train(false, DeadReluListener.builder().deadAfterExamples(MB).frequency(0)
                .reinitialize(cbp).build());
        assertArrayEquals(expectedLayer0(), gates(l, 0, false).utilityScores(), 1e-6);
    }

    @Test
    void utilityScores_toString() {
        assertTrue(DeadReluListener.builder().utilityScores(true).build().toString().contains(", utilityScores=true"),
                DeadReluListener.builder().utilityScores(true).build().toString());
        assertTrue(!DeadReluListener.builder().utilityScores(false).build().toString().contains("utilityScores"));
    }

    @Test
    void withUtilityScores_wrongLength_message() {
        DeadReluListener l = train(false, DeadReluListener.builder().deadAfterExamples(MB).frequency(0).build());
        LayerGates g = gates(l, 0, false);
        var e = assertThrows(IllegalArgumentException.class, () -> g.withUtilityScores(new double[5]));
        assertEquals("utilityScores must be empty or have 6 entries, got: 5", e.getMessage());
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6},
                g.withUtilityScores(new double[]{1, 2, 3, 4, 5, 6}).utilityScores());
        assertTrue(!g.equals(g.withUtilityScores(new double[]{1, 2, 3, 4, 5, 6})), "part of equals");
        assertEquals(g, g.withUtilityScores(new double[0]));
    }
}
