/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The dormancy and gradient scores of {@link LayerGates} on planted networks: every weight of the planted layer 0, its
 * bias chosen per unit, so every entry of unit u is relu(b_u) and ReDo's score is known exactly.
 */
@Timeout(60)
class DeadReluListenerScoresTest {
    private static final int MB = 32;
    /** Layer-0 biases of the dense plant (6 units): unit 2 dead, unit 3 low (0.05), unit 5 at 0.25. */
    private static final double[] DENSE_BIAS = {0.5, 0.5, -0.5, 0.05, 0.5, 0.25};
    /** mean of relu(b) = 1.8 / 6 = 0.3. */
    private static final double[] DENSE_SCORES = {0.5 / 0.3, 0.5 / 0.3, 0, 0.05 / 0.3, 0.5 / 0.3, 0.25 / 0.3};
    /** Conv channel biases (4 channels): channel 1 dead, channel 2 low. */
    private static final double[] CONV_BIAS = {0.5, -0.5, 0.1, 0.3};
    /** mean of relu(b) = 0.9 / 4 = 0.225. */
    private static final double[] CONV_SCORES = {0.5 / 0.225, 0, 0.1 / 0.225, 0.3 / 0.225};

    private static void plant(MultiLayerNetwork net, double[] bias) {
        Planted.byBias(net.getLayer(0));
        for (int u = 0; u < bias.length; u++) {
            Planted.bias(net.getLayer(0), bias[u], u);
        }
    }

    private static Model model(MultiLayerNetwork net, boolean graph, DeadReluListener l) {
        return io.github.deadrelu.testutil.Nets.listened(net, graph, l);
    }

    private static LayerGates layer0(DeadReluListener l, boolean graph) {
        return DeadReluListenerPlantedTest.gates(l, graph ? "0" : "layer0");
    }

    private static MultiLayerNetwork conv() {
        return Nets.mln(3, InputType.convolutional(5, 5, 2),
                new ConvolutionLayer.Builder(3, 3).nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build(),
                Nets.softmaxOut());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void dense_exactDormancyScores_dormantUnits_gradientScoreOfDeadUnitIsZero(boolean graph) {
        MultiLayerNetwork net = Nets.mlp(1);
        plant(net, DENSE_BIAS);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).dormancyThreshold(0.2)
                .gradientScores(true).build();
        Nets.fit(model(net, graph, l), Nets.mlpData(MB, 2));

        LayerGates g = layer0(l, graph);
        assertArrayEquals(DENSE_SCORES, g.dormancyScores(), 1e-6);
        assertArrayEquals(new int[]{2, 3}, g.dormantUnits(), "s_j <= 0.2: the dead unit and the low one");
        assertArrayEquals(new int[]{2}, g.deadUnits());
        double[] gs = g.gradientScores();
        assertEquals(6, gs.length);
        assertEquals(0.0, gs[2], 0.0, "a dead unit passes no gradient to its weights");
        for (int u = 0; u < gs.length; u++) {
            if (u != 2) {
                assertTrue(gs[u] > 0, "unit " + u + ": " + gs[u]);
            }
        }
        double sum = 0;
        for (double v : gs) {
            sum += v;
        }
        assertEquals(gs.length, sum, 1e-9, "normalised by the layer mean");
        g.dormancyScores()[0] = 99;
        assertEquals(DENSE_SCORES[0], g.dormancyScores()[0], 1e-6, "a copy");
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void conv_exactDormancyScores_overBatchAndSpatialAxes(boolean graph) {
        MultiLayerNetwork net = conv();
        plant(net, CONV_BIAS);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).dormancyThreshold(0.5)
                .gradientScores(true).build();
        Nets.fit(model(net, graph, l), Planted.data(MB, new long[]{2, 5, 5}, 3, 4));

        LayerGates g = layer0(l, graph);
        assertArrayEquals(CONV_SCORES, g.dormancyScores(), 1e-6);
        assertArrayEquals(new int[]{1, 2}, g.dormantUnits());
        double[] gs = g.gradientScores();
        assertEquals(4, gs.length);
        assertEquals(0.0, gs[1], 0.0);
        assertTrue(gs[0] > 0 && gs[2] > 0 && gs[3] > 0);
    }

    @Test
    void withoutThreshold_scoresComputed_dormantUnitsEmpty_gradientScoresOff() {
        MultiLayerNetwork net = Nets.mlp(1);
        plant(net, DENSE_BIAS);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).build();
        Nets.fit(model(net, false, l), Nets.mlpData(MB, 2));

        LayerGates g = layer0(l, false);
        assertArrayEquals(DENSE_SCORES, g.dormancyScores(), 1e-6);
        assertArrayEquals(new int[0], g.dormantUnits());
        assertArrayEquals(new double[0], g.gradientScores());
    }

    @Test
    void allUnitsClosed_scoresAllZero() {
        MultiLayerNetwork net = Nets.mlp(1);
        plant(net, new double[]{-0.5, -0.5, -0.5, -0.5, -0.5, -0.5});
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).dormancyThreshold(0.0)
                .build();
        Nets.fit(model(net, false, l), Nets.mlpData(MB, 2));

        LayerGates g = layer0(l, false);
        assertArrayEquals(new double[6], g.dormancyScores(), 0.0, "the layer mean is 0");
        assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5}, g.dormantUnits());
    }

    @Test
    void nonFiniteInput_emptyScores() {
        MultiLayerNetwork net = Nets.mlp(1);
        plant(net, DENSE_BIAS);
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).dormancyThreshold(0.2)
                .gradientScores(true).build();
        DataSet ds = Nets.mlpData(MB, 2);
        ds.getFeatures().putScalar(3, 1, Double.NaN);
        Nets.fit(model(net, false, l), ds);

        LayerGates g = layer0(l, false);
        assertTrue(g.nonFinite() > 0);
        assertArrayEquals(new double[0], g.dormancyScores());
        assertArrayEquals(new int[0], g.dormantUnits());
        assertArrayEquals(new double[0], g.gradientScores());
    }

    @Test
    void dormancyThreshold_validated_andShownInToString() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeadReluListener.builder().dormancyThreshold(1.5));
        assertEquals("dormancyThreshold must be in [0, 1], got: 1.5", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeadReluListener.builder().dormancyThreshold(-0.1));
        assertThrows(IllegalArgumentException.class, () -> DeadReluListener.builder().dormancyThreshold(Double.NaN));
        String s = DeadReluListener.builder().dormancyThreshold(0.025).gradientScores(true).build().toString();
        assertContains(s, "dormancyThreshold=0.025", "gradientScores=true");
        String d = DeadReluListener.builder().build().toString();
        assertTrue(!d.contains("dormancyThreshold") && !d.contains("gradientScores"), d);
    }

    @Test
    void csvCells_andSummaryLine_withThreshold(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = Nets.mlp(1);
        // relu(b) sums to 1.9, layer mean 1.9 / 6; lowest s_j = 0.05 / (1.9 / 6) = 0.157895: only unit 3 <= 0.2
        plant(net, new double[]{0.5, 0.5, 0.1, 0.05, 0.5, 0.25});
        Path file = dir.resolve("g.csv");
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(1).dormancyThreshold(0.2)
                .gradientScores(true).csv(file).build();
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 2));
            List<String> infos = logs.messages(Level.INFO).stream()
                    .filter(m -> m.startsWith("dead ReLUs at iteration")).collect(Collectors.toList());
            assertEquals(1, infos.size(), infos.toString());
            assertTrue(infos.get(0).startsWith("dead ReLUs at iteration 0: layer0 0/6 dead (0.0%) closed 0.0% "
                    + "dormant 1; layer1 "), infos.get(0));
        }
        l.close();
        LayerGates g = layer0(l, false);
        double[] gs = g.gradientScores();
        long gradientDormant = java.util.Arrays.stream(gs).filter(v -> v <= 0.2).count();
        double minG = java.util.Arrays.stream(gs).min().getAsDouble();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertTrue(lines.get(1).startsWith("0,0,layer0,"), lines.get(1));
        assertTrue(lines.get(1).endsWith(String.format(Locale.ROOT, ",false,false,1,%d,0.157895,%.6f",
                gradientDormant, minG)), lines.get(1));
    }

    @Test
    void csvCells_emptyWithoutThresholdAndGradientScores(@TempDir Path dir) throws IOException {
        MultiLayerNetwork net = Nets.mlp(1);
        plant(net, new double[]{0.5, 0.5, 0.1, 0.05, 0.5, 0.25});
        Path file = dir.resolve("g.csv");
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).csv(file).build();
        net.setListeners(l);
        net.fit(Nets.mlpData(MB, 2));
        l.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertTrue(lines.get(1).endsWith(",false,false,,,0.157895,"), lines.get(1));
    }
}
