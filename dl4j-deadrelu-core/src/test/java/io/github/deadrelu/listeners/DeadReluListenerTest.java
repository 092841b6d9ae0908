/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static io.github.deadrelu.listeners.DeadReluListenerPlantedTest.assertPlanted;
import static io.github.deadrelu.listeners.DeadReluListenerPlantedTest.gates;
import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import io.github.deadrelu.testutil.Serial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Builder, lifecycle, history, serialisation, logging and CSV of {@link DeadReluListener}.
 */
@Timeout(60)
class DeadReluListenerTest {
    private static final int MB = 32;

    /** The INFO lines that are summary lines (the attach line of issue 14 item 1 is the other INFO). */
    private static List<String> summaries(LogCapture logs) {
        return logs.messages(Level.INFO).stream().filter(m -> m.startsWith("dead ReLUs at iteration"))
                .collect(java.util.stream.Collectors.toList());
    }

    private static DeadReluListener.Builder planted() {
        return DeadReluListener.builder().deadAfterExamples(MB).frequency(0);
    }

    // ------------------------------------------------------------------------------------------- builder

    /** Bad builder and constructor input: the exact message. */
    static Stream<Arguments> badInput() {
        return Stream.of(
                refused("deadAfterExamples must be >= 1, got: 0",
                        () -> DeadReluListener.builder().deadAfterExamples(0)),
                refused("deadAfterExamples must be >= 1, got: -3",
                        () -> DeadReluListener.builder().deadAfterExamples(-3)),
                refused("frequency must be >= 0, got: -1", () -> DeadReluListener.builder().frequency(-1)),
                refused("frequency must be >= 0, got: -2", () -> new DeadReluListener(-2)),
                refused("historySize must be >= 1, got: 0", () -> DeadReluListener.builder().historySize(0)));
    }

    private static Arguments refused(String message, Executable call) {
        return Arguments.of(message, call);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInput")
    void badInput_illegalArgumentWithTheConstraint(String message, Executable call) {
        assertEquals(message, assertThrows(IllegalArgumentException.class, call).getMessage());
    }

    @Test
    void reinitialize_twice() {
        DeadReluListener.Builder b = DeadReluListener.builder().reinitialize(ReinitPolicy.builder().build());
        var e = assertThrows(IllegalStateException.class, () -> b.reinitialize(ReinitPolicy.builder().build()));
        assertContains(e.getMessage(), "reinitialize was already set");
    }

    @Test
    void nullArguments_namedInTheMessage() {
        var e = assertThrows(NullPointerException.class, () -> DeadReluListener.builder().reinitialize(null));
        assertContains(e.getMessage(), "policy");
        e = assertThrows(NullPointerException.class, () -> DeadReluListener.builder().csv(null));
        assertContains(e.getMessage(), "file");
    }

    @Test
    void build_twiceGivesIndependentListeners() {
        DeadReluListener.Builder b = DeadReluListener.builder().frequency(7).historySize(3);
        DeadReluListener a = b.build();
        DeadReluListener c = b.build();
        assertNotSame(a, c);
        assertEquals(a.toString(), c.toString());
        assertTrue(a.toString().startsWith("DeadReluListener(deadAfterExamples=1024, frequency=7"), a.toString());
        assertContains(a.toString(), "historySize=3");
    }

    @Test
    void builder_defaults() {
        assertEquals("DeadReluListener(deadAfterExamples=1024, frequency=100, reinitialize=none, csv=null, "
                + "historySize=1000, logReports=true)", DeadReluListener.builder().build().toString());
        assertEquals(DeadReluListener.builder().frequency(5).build().toString(), new DeadReluListener(5).toString());
    }

    // ------------------------------------------------------------------------------------------- snapshots

    @Test
    void snapshot_emptyBeforeFirstStep() {
        DeadReluListener l = planted().build();
        GateSnapshot s = l.snapshot();
        assertEquals(-1, s.iteration());
        assertTrue(s.layers().isEmpty());
        assertTrue(s.isEmpty());
        assertTrue(l.history().isEmpty());
        MultiLayerNetwork net = Nets.plantedMlp(51);
        net.setListeners(l);
        net.output(Nets.mlpData(8, 1).getFeatures());
        assertTrue(l.snapshot().isEmpty(), "inference is not a step");
    }

    @Test
    void history_boundedByHistorySizeOldestFirst() {
        DeadReluListener l = planted().historySize(3).build();
        MultiLayerNetwork net = Nets.plantedMlp(53);
        net.setListeners(l);
        for (int k = 0; k < 5; k++) {
            net.fit(Nets.mlpData(MB, k));
        }
        List<GateSnapshot> h = l.history();
        assertEquals(List.of(2, 3, 4), h.stream().map(GateSnapshot::iteration).collect(Collectors.toList()));
        assertSame(l.snapshot(), h.get(2));
        assertThrows(UnsupportedOperationException.class, () -> h.remove(0));
        assertEquals(3, l.history().size(), "history() is a copy");
    }

    @Test
    void snapshot_layersUnmodifiableAndDeadUnitsCopied() {
        DeadReluListener l = planted().build();
        MultiLayerNetwork net = Nets.plantedMlp(55);
        net.setListeners(l);
        net.fit(Nets.mlpData(MB, 1));
        GateSnapshot s = l.snapshot();
        assertThrows(UnsupportedOperationException.class, () -> s.layers().clear());
        LayerGates g = s.layers().get(0);
        g.deadUnits()[0] = 99;
        assertArrayEquals(new int[]{0, 2}, g.deadUnits());
        assertTrue(s.layer("nope").isEmpty());
    }

    @Test
    void fitDataSetIterator_graphEpochsAndIterations() {
        DeadReluListener l = planted().build();
        ComputationGraph cg = Nets.plantedMlp(57).toComputationGraph();
        cg.setListeners(l);
        List<DataSet> batches = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
            batches.add(Nets.mlpData(MB, 60 + k));
        }
        cg.fit(new ListDataSetIterator<>(batches, 1), 2);

        List<GateSnapshot> h = l.history();
        assertEquals(List.of(0, 1, 2, 3, 4, 5), h.stream().map(GateSnapshot::iteration).collect(Collectors.toList()));
        assertEquals(List.of(0, 0, 0, 1, 1, 1), h.stream().map(GateSnapshot::epoch).collect(Collectors.toList()));
        assertPlanted(h.get(0).layer("0").orElseThrow(), 6, 0, 2);
        LayerGates last = gates(l, "0");
        assertArrayEquals(new int[]{0, 2}, last.deadUnits());
        assertEquals(2.0 / 6, last.closedShare(), 1e-12);
        assertEquals(0, last.newlyDead());
    }

    @Test
    void fitDataSetIterator_mlnEpochs() {
        DeadReluListener l = planted().build();
        MultiLayerNetwork net = Nets.plantedMlp(59);
        net.setListeners(l);
        List<DataSet> batches = List.of(Nets.mlpData(MB, 1), Nets.mlpData(MB, 2));
        net.fit(new ListDataSetIterator<>(batches, 1), 2);
        assertEquals(3, l.snapshot().iteration());
        assertEquals(1, l.snapshot().epoch());
        assertPlanted(l.history().get(0).layer("layer1").orElseThrow(), 5, 1);
    }

    @Test
    void fitMultiDataSet_graph() {
        DeadReluListener l = planted().build();
        ComputationGraph cg = Nets.plantedMlp(61).toComputationGraph();
        cg.setListeners(l);
        DataSet ds = Nets.mlpData(MB, 1);
        cg.fit(new MultiDataSet(ds.getFeatures(), ds.getLabels()));
        assertPlanted(gates(l, "0"), 6, 0, 2);
        assertPlanted(gates(l, "1"), 5, 1);
    }

    @Test
    void noGatedLayer_oneWarnThenNothing() {
        MultiLayerNetwork net = Nets.mlp(63, Activation.TANH, 0);
        DeadReluListener l = DeadReluListener.builder().frequency(1).build();
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            for (int k = 0; k < 3; k++) {
                net.fit(Nets.mlpData(MB, k));
            }
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(1, warns.size(), warns.toString());
            assertContains(warns.get(0), "no layer with a ReLU-family activation");
            assertTrue(summaries(logs).isEmpty(), logs.messages(Level.INFO).toString());
        }
        assertTrue(l.snapshot().isEmpty());
        assertTrue(l.history().isEmpty());
    }

    @Test
    void countingFailure_layerDroppedWithOneWarnTrainingGoesOn() {
        MultiLayerNetwork net = Nets.plantedMlp(64);
        DeadReluListener l = planted().build();
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            // an activation list whose layer0 entry has a rank the counter cannot read
            INDArray x = Nets.mlpData(MB, 1).getFeatures();
            l.onForwardPass(net, List.of(x, Nd4j.zeros(MB * 6L), Nd4j.zeros(MB, 5)));
            l.onForwardPass(net, List.of(x, Nd4j.zeros(MB * 6L), Nd4j.zeros(MB, 5)));
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).startsWith("DeadReluListener: cannot count the gates of layer layer0"),
                    warns.get(0));
        }
        l.iterationDone(net, 0, 0);
        assertEquals(List.of("layer1"), l.snapshot().layers().stream().map(LayerGates::name)
                .collect(Collectors.toList()));
        net.fit(Nets.mlpData(MB, 2));
        assertTrue(l.snapshot().layer("layer0").isEmpty(), "layer0 stays unmonitored");
        assertArrayEquals(new int[]{1}, gates(l, "layer1").deadUnits());
    }

    @Test
    void singleLayerModel_skippedWithOneInfoNeverThrows() {
        // Layer-wise pretraining passes the layer itself to iterationDone (issue 10 item 8): skipped, not thrown.
        MultiLayerNetwork net = Nets.plantedMlp(65);
        DeadReluListener l = planted().build();
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            l.iterationDone(net.getLayer(0), 0, 0);
            l.iterationDone(net.getLayer(0), 1, 0);
            List<String> infos = logs.messages(Level.INFO);
            assertEquals(1, infos.size(), infos.toString());
            assertTrue(infos.get(0).contains(net.getLayer(0).getClass().getName()), infos.get(0));
            assertTrue(logs.messages(Level.WARN).isEmpty() && logs.messages(Level.ERROR).isEmpty());
        }
        assertTrue(l.snapshot().isEmpty());
    }

    @Test
    void otherNetwork_trackingStartsAfresh() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(2 * MB).frequency(0).build();
        MultiLayerNetwork a = Nets.plantedMlp(67);
        a.setListeners(l);
        a.fit(Nets.mlpData(MB, 1));
        MultiLayerNetwork b = Nets.denseSoftmax(68, 4, 7, Activation.RELU);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(b.getLayer(0), 0, 2);
        b.setListeners(l);
        b.fit(Nets.mlpData(MB, 2));
        LayerGates g = gates(l, "layer0");
        assertEquals(7, g.units());
        assertArrayEquals(new int[0], g.deadUnits(), "the streak of network a does not carry over");
        b.fit(Nets.mlpData(MB, 3));
        assertArrayEquals(new int[]{0, 2}, gates(l, "layer0").deadUnits());
    }

    // ------------------------------------------------------------------------------------------- serialisation

    @Test
    void serialization_roundTripThenTrainFreshNetwork() throws Exception {
        DeadReluListener original = planted().historySize(5).build();
        MultiLayerNetwork a = Nets.plantedMlp(71);
        a.setListeners(original);
        a.fit(Nets.mlpData(MB, 1));

        DeadReluListener copy = Serial.roundTrip(original);
        assertEquals(original.toString(), copy.toString());
        assertTrue(copy.snapshot().isEmpty(), "runtime state is not serialised");
        assertTrue(copy.history().isEmpty());

        MultiLayerNetwork b = Nets.mlp(72);
        Nd4j.getRandom().setSeed(8);
        Planted.dense(b.getLayer(0), 5);
        Planted.dense(b.getLayer(1), 0, 3, 4);
        b.setListeners(copy);
        b.fit(Nets.mlpData(MB, 2));
        assertPlanted(gates(copy, "layer0"), 6, 5);
        assertPlanted(gates(copy, "layer1"), 5, 0, 3, 4);
        assertEquals(0, copy.snapshot().iteration());

        a.fit(Nets.mlpData(MB, 3));
        assertArrayEquals(new int[]{0, 2}, gates(original, "layer0").deadUnits(), "the original goes on");
    }

    @Test
    void serialization_graph() throws Exception {
        DeadReluListener copy = Serial.roundTrip(planted().build());
        ComputationGraph cg = Nets.plantedMlp(73).toComputationGraph();
        cg.setListeners(copy);
        cg.fit(Nets.mlpData(MB, 1));
        assertPlanted(gates(copy, "0"), 6, 0, 2);
    }

    // ------------------------------------------------------------------------------------------- logging

    @Test
    void summaryLine_everyFrequencyIterations() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(2).build();
        MultiLayerNetwork net = Nets.plantedMlp(75);
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            for (int k = 0; k < 4; k++) {
                net.fit(Nets.mlpData(MB, k));
            }
            List<String> infos = summaries(logs);
            assertEquals(List.of(
                    "dead ReLUs at iteration 0: layer0 2/6 dead (33.3%) closed 33.3%; "
                            + "layer1 1/5 dead (20.0%) closed 20.0%",
                    "dead ReLUs at iteration 2: layer0 2/6 dead (33.3%) closed 33.3%; "
                            + "layer1 1/5 dead (20.0%) closed 20.0%"), infos);
        }
    }

    @Test
    void summaryLine_notWhenFrequencyZeroOrLogReportsFalse() {
        for (DeadReluListener l : List.of(DeadReluListener.builder().deadAfterExamples(MB).frequency(0).build(),
                DeadReluListener.builder().deadAfterExamples(MB).frequency(1).logReports(false).build())) {
            MultiLayerNetwork net = Nets.plantedMlp(77);
            net.setListeners(l);
            try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
                net.fit(Nets.mlpData(MB, 1));
                net.fit(Nets.mlpData(MB, 2));
                assertTrue(summaries(logs).isEmpty(), logs.messages(Level.INFO).toString());
                assertEquals(2, logs.messages(Level.WARN).size(), "warnings are always logged");
            }
        }
    }

    @Test
    void summaryLine_markedWhenEstimated() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(1).build();
        MultiLayerNetwork net = Nets.mlp(79, Activation.RELU, 0.5);
        Nets.plantMlp(net);
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            String line = summaries(logs).get(0);
            assertTrue(line.matches("dead ReLUs at iteration 0: layer0 2/6 dead \\(33\\.3%\\) closed \\d+\\.\\d% "
                    + "\\(estimated\\); layer1 1/5 dead \\(20\\.0%\\) closed 20\\.0%"), line);
        }
    }

    @Test
    void deadWarning_oncePerLayerWhenDeadFractionFirstExceedsTenPercent() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(2 * MB).frequency(0).build();
        MultiLayerNetwork net = Nets.plantedMlp(81);
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            assertTrue(logs.messages(Level.WARN).isEmpty(), "nothing dead yet");
            for (int k = 0; k < 3; k++) {
                net.fit(Nets.mlpData(MB, 2 + k));
            }
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(2, warns.size(), warns.toString());
            String w0 = warns.stream().filter(w -> w.contains("layer layer0 ")).findFirst().orElseThrow();
            String w1 = warns.stream().filter(w -> w.contains("layer layer1 ")).findFirst().orElseThrow();
            assertTrue(w0.startsWith("2 of 6 ReLU units (33.3%) of layer layer0 (index 0) are dead at iteration 1"),
                    w0);
            assertContains(w0, "not recoverable");
            assertContains(w1, "They are recoverable");
            for (String w : warns) {
                assertTrue(w.contains("Leaky ReLU") && w.contains("learning rate")
                        && w.contains("re-initialise"), "names the remedies: " + w);
            }
        }
    }

    @Test
    void deadWarning_notAtExactlyTenPercent() {
        // 1 dead of 10 units is 10%: not past the threshold.
        MultiLayerNetwork net = Nets.denseSoftmax(83, 4, 10, Activation.RELU);
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 4);
        DeadReluListener l = planted().build();
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            assertArrayEquals(new int[]{4}, gates(l, "layer0").deadUnits());
            assertTrue(logs.messages(Level.WARN).isEmpty(), logs.messages(Level.WARN).toString());
        }
    }

    // ------------------------------------------------------------------------------------------- CSV

    @Test
    void csv_headerAndExactRows(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub/gates.csv");
        DeadReluListener l = planted().csv(file).build();
        MultiLayerNetwork net = Nets.plantedMlp(85);
        net.setListeners(l);
        net.fit(Nets.mlpData(MB, 1));
        net.fit(Nets.mlpData(MB, 2));
        l.close();

        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(List.of(
                "iteration,epoch,layer,index,units,closed_share,negative_share,dead_units,dead_fraction,newly_dead,"
                        + "revived,reinitialized,non_finite,reopened,frozen,recoverable,dormant_units,"
                        + "gradient_dormant_units,min_dormancy_score,min_gradient_score",
                "0,0,layer0,0,6,0.333333,0.333333,2,0.333333,2,0,0,0,0,false,false,,,0.000000,",
                "0,0,layer1,1,5,0.200000,0.200000,1,0.200000,1,0,0,0,0,false,true,,,0.000000,",
                "1,0,layer0,0,6,0.333333,0.333333,2,0.333333,0,0,0,0,0,false,false,,,0.000000,",
                "1,0,layer1,1,5,0.200000,0.200000,1,0.200000,0,0,0,0,0,false,true,,,0.000000,"), lines);
        assertEquals(DeadReluListener.CSV_HEADER, lines.get(0));
    }

    @Test
    void csv_appendsAfterCloseAndTruncatesOnFirstRow(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("gates.csv");
        Files.writeString(file, "stale\n");
        DeadReluListener l = planted().csv(file).build();
        ComputationGraph cg = Nets.plantedMlp(87).toComputationGraph();
        cg.setListeners(l);
        cg.fit(Nets.mlpData(MB, 1));
        l.close();
        cg.fit(Nets.mlpData(MB, 2));
        l.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals(5, lines.size(), lines.toString());
        assertEquals(DeadReluListener.CSV_HEADER, lines.get(0));
        assertEquals("0,0,0,1,6,0.333333,0.333333,2,0.333333,2,0,0,0,0,false,false,,,0.000000,", lines.get(1));
        assertEquals("1,0,1,2,5,0.200000,0.200000,1,0.200000,0,0,0,0,0,false,true,,,0.000000,", lines.get(4));
        assertFalse(lines.contains("stale"));
    }

    @Test
    void csv_unwritableFileWarnsOnceAndTrainingGoesOn(@TempDir Path dir) throws IOException {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        DeadReluListener l = planted().csv(notADir.resolve("gates.csv")).build();
        MultiLayerNetwork net = Nets.plantedMlp(89);
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            net.fit(Nets.mlpData(MB, 2));
            long csvWarnings = logs.messages(Level.WARN).stream().filter(w -> w.contains("CSV")).count();
            assertEquals(1, csvWarnings, logs.messages(Level.WARN).toString());
        }
        assertEquals(1, l.snapshot().iteration());
    }

    @Test
    void params_unchangedByMonitoring() {
        MultiLayerNetwork net = Nets.plantedMlp(91);
        INDArray before = net.params().dup();
        net.setListeners(planted().build());
        net.fit(Nets.mlpData(MB, 1));
        assertEquals(before, net.params(), "Sgd(0.0) and a monitor-only listener change nothing");
    }
}
