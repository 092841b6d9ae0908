/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.internal.engine.EngineEvents;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import io.github.deadrelu.testutil.Serial;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.variational.VariationalAutoencoder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The listener on the one engine: per-network tracking, pretraining callbacks, per-layer tracking failures, the CSV
 * of a deserialised copy and the report hook (issue 10 items 3, 8, 10, 11; issue 11).
 */
@Timeout(120)
class DeadReluListenerEngineTest {
    private static final int MB = 32;

    private static LayerGates gates(DeadReluListener l, String layer) {
        return l.snapshot().layer(layer).orElseThrow(() -> new AssertionError("no " + layer + " in " + l.snapshot()));
    }

    private static MultiLayerNetwork plantedAt(long seed, int... dead0) {
        MultiLayerNetwork net = Nets.mlp(seed);
        Nd4j.getRandom().setSeed(seed);
        Planted.dense(net.getLayer(0), dead0);
        Planted.dense(net.getLayer(1));
        return net;
    }

    @Test
    void twoSameStructureNetworksFittedAlternately_eachReportsItsOwnDeadUnit() {
        // Dead after two batches: reached only when a network's own batches are counted on their own.
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(2 * MB).frequency(0).build();
        MultiLayerNetwork a = plantedAt(101, 0);
        MultiLayerNetwork b = plantedAt(102, 3);
        a.setListeners(l);
        b.setListeners(l);
        for (int k = 0; k < 3; k++) {
            a.fit(Nets.mlpData(MB, 10 + k));
            assertEquals(k, l.snapshot().iteration());
            assertArrayEquals(k == 0 ? new int[0] : new int[]{0}, gates(l, "layer0").deadUnits(), "a, fit " + k);
            b.fit(Nets.mlpData(MB, 20 + k));
            assertArrayEquals(k == 0 ? new int[0] : new int[]{3}, gates(l, "layer0").deadUnits(), "b, fit " + k);
        }
        assertEquals(6, l.history().size());
    }

    @Test
    void transferLearningCopyThenBackToTheOriginal_trackingContinues() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(2 * MB).frequency(0).build();
        MultiLayerNetwork a = Nets.plantedMlp(103);
        a.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            a.fit(Nets.mlpData(MB, 1));
            MultiLayerNetwork b = new TransferLearning.Builder(a).nOutReplace(0, 4, WeightInit.XAVIER).build();
            b.setListeners(l);
            b.fit(Nets.mlpData(MB, 2));
            assertEquals(4, gates(l, "layer0").units());
            a.fit(Nets.mlpData(MB, 3));
            assertTrue(logs.messages(Level.ERROR).isEmpty(), logs.messages(Level.ERROR).toString());
            assertTrue(logs.messages(Level.WARN).stream().noneMatch(w -> w.contains("cannot")),
                    logs.messages(Level.WARN).toString());
        }
        LayerGates g = gates(l, "layer0");
        assertEquals(6, g.units());
        assertEquals(1, l.snapshot().iteration());
        assertArrayEquals(new int[]{0, 2}, g.deadUnits(), "a's streak went on over b's fit");
    }

    @Test
    void layerwisePretraining_callbacksWithALayerSkippedWithOneInfo() {
        MultiLayerNetwork net = Nets.mln(104, InputType.feedForward(Nets.N_IN),
                new VariationalAutoencoder.Builder().nOut(2).encoderLayerSizes(5).decoderLayerSizes(5)
                        .activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(Nets.CLASSES)
                        .activation(Activation.SOFTMAX).build());
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).build();
        net.setListeners(l);
        DataSet data = Nets.mlpData(2 * MB, 5);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.pretrain(new ListDataSetIterator<>(data.asList(), MB), 2);
            List<String> skipped = logs.messages(Level.INFO).stream().filter(m -> m.contains("pretraining"))
                    .collect(Collectors.toList());
            assertEquals(1, skipped.size(), logs.messages(Level.INFO).toString());
            assertTrue(logs.messages(Level.ERROR).isEmpty(), logs.messages(Level.ERROR).toString());
        }
        net.fit(data);
    }

    @Test
    void trackingFailureOfOneLayer_othersStillInTheSnapshotAndCsv(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("g.csv");
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).csv(csv).build();
        MultiLayerNetwork net = Nets.plantedMlp(105);
        net.setListeners(l);
        net.fit(Nets.mlpData(MB, 1));
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            // layer0's counts now have 4 units where the tracker knows 6: its tracking fails
            INDArray x = Nets.mlpData(MB, 2).getFeatures();
            l.onForwardPass(net, List.of(x, Nd4j.ones(MB, 4), Nd4j.ones(MB, 5)));
            l.iterationDone(net, 1, 0);
            List<String> warns = logs.messages(Level.WARN);
            assertEquals(1, warns.size(), warns.toString());
            assertTrue(warns.get(0).startsWith("DeadReluListener: cannot track layer layer0"), warns.get(0));
            assertTrue(logs.messages(Level.ERROR).isEmpty(), logs.messages(Level.ERROR).toString());
        }
        GateSnapshot s = l.snapshot();
        assertEquals(1, s.iteration());
        assertEquals(List.of("layer1"), s.layers().stream().map(LayerGates::name).collect(Collectors.toList()));
        l.close();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(4, lines.size(), lines.toString());
        assertTrue(lines.get(3).startsWith("1,0,layer1,1,5,"), lines.get(3));
    }

    @Test
    void deserialisedCopy_continuesTheCsvWithoutASecondHeader(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("g.csv");
        DeadReluListener original = DeadReluListener.builder().deadAfterExamples(MB).frequency(0).csv(csv).build();
        MultiLayerNetwork net = Nets.plantedMlp(106);
        net.setListeners(original);
        net.fit(Nets.mlpData(MB, 1));
        net.fit(Nets.mlpData(MB, 2));
        original.close();

        DeadReluListener copy = Serial.roundTrip(original);
        net.setListeners(copy);
        net.fit(Nets.mlpData(MB, 3));
        copy.close();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(1 + 3 * 2, lines.size(), lines.toString());
        assertEquals(DeadReluListener.CSV_HEADER, lines.get(0));
        assertEquals(1, lines.stream().filter(DeadReluListener.CSV_HEADER::equals).count());
        assertTrue(lines.get(5).startsWith("2,0,layer0,"), lines.get(5));
    }

    @Test
    void csvAppend_continuesAnExistingFileLikeKerasAppendTrue(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("g.csv");
        DeadReluListener first = DeadReluListener.builder().frequency(0).csv(csv).build();
        MultiLayerNetwork net = Nets.plantedMlp(107);
        net.setListeners(first);
        net.fit(Nets.mlpData(MB, 1));
        first.close();
        DeadReluListener second = DeadReluListener.builder().frequency(0).csv(csv, true).build();
        net.setListeners(second);
        net.fit(Nets.mlpData(MB, 2));
        second.close();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(1 + 2 * 2, lines.size(), lines.toString());
        assertEquals(1, lines.stream().filter(DeadReluListener.CSV_HEADER::equals).count());
    }

    @Test
    void reportHook_calledAtSummaryEpochEndAndClose() {
        DeadReluListener l = DeadReluListener.builder().deadAfterExamples(MB).frequency(2).logReports(false).build();
        List<String> calls = new ArrayList<>();
        l.events((moment, latest, history, warnings) -> calls.add(moment + "@" + latest.iteration() + "/"
                + history.size() + "/" + warnings.size()));
        MultiLayerNetwork net = Nets.plantedMlp(108);
        net.setListeners(l);
        DataSet data = Nets.mlpData(3 * MB, 1);
        net.fit(new ListDataSetIterator<>(data.asList(), MB));
        l.close();
        // iterations 0 and 2 are summaries; the planted layers warned twice (layer0 and layer1 dead share > 10%)
        assertEquals(List.of(EngineEvents.Moment.SUMMARY + "@0/1/2", EngineEvents.Moment.SUMMARY + "@2/3/2",
                EngineEvents.Moment.EPOCH_END + "@2/3/2", EngineEvents.Moment.CLOSE + "@2/3/2"), calls);
    }
}
