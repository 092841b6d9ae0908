/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.conf.layers.GateMonitors;
import io.github.deadrelu.internal.engine.ReinitStep;
import io.github.deadrelu.internal.report.ReportWriter;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Issue 14 (re-initialisation users can trust, items 1 to 5) and issue 13 part 1 (the HTML report wired to the
 * listener), on the planted MLP of {@link Nets#plantedMlp} ({@code Sgd(0.0)}: nothing moves unless a test moves it;
 * units 0 and 2 of the first hidden layer and unit 1 of the second are closed on the non-negative data), as a
 * MultiLayerNetwork and as a ComputationGraph, with the log lines captured.
 */
@Timeout(60)
class DeadReluListenerTrustTest {
    private static final int MB = 32;

    private static DeadReluListener.Builder planted() {
        return DeadReluListener.builder().deadAfterExamples(MB).frequency(0);
    }

    private static Model model(boolean graph, long seed) {
        MultiLayerNetwork net = Nets.plantedMlp(seed);
        return graph ? net.toComputationGraph() : net;
    }

    private static Layer layer(Model m, int i) {
        return m instanceof MultiLayerNetwork ? ((MultiLayerNetwork) m).getLayer(i)
                : ((ComputationGraph) m).getLayers()[i];
    }

    private static void setListener(Model m, DeadReluListener l) {
        if (m instanceof MultiLayerNetwork) {
            ((MultiLayerNetwork) m).setListeners(l);
        } else {
            ((ComputationGraph) m).setListeners(l);
        }
    }

    private static void fitEpoch(Model m, DataSet ds) {
        ListDataSetIterator<DataSet> it = new ListDataSetIterator<>(List.of(ds), MB);
        if (m instanceof MultiLayerNetwork) {
            ((MultiLayerNetwork) m).fit(it, 1);
        } else {
            ((ComputationGraph) m).fit(it, 1);
        }
    }

    /** The planted data negated and scaled: the planted dead units of the first hidden layer open. */
    private static DataSet negated(long seed) {
        DataSet d = Nets.mlpData(MB, seed);
        return new DataSet(d.getFeatures().neg().muli(10), d.getLabels());
    }

    private static List<String> matching(List<String> lines, String part) {
        return lines.stream().filter(m -> m.contains(part)).collect(Collectors.toList());
    }

    // ------------------------------------------------------------------------------------------- 13.1 the report

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void report_writtenAtSummaryEpochEndAndClose_oneChartPerLayerWithReinitEvents(boolean graph, @TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("report.html");
        DeadReluListener l = planted().frequency(2).report(file)
                .reinitialize(ReinitPolicy.builder().every(1).maturity(1).seed(3).build()).build();
        assertTrue(l.toString().contains("report=" + file), l.toString());
        Model m = model(graph, 31);
        setListener(m, l);
        Nets.fit(m, Nets.mlpData(MB, 1));                  // iteration 0: a summary
        assertTrue(Files.exists(file), "written at the summary of iteration 0");
        Files.delete(file);
        Nets.fit(m, Nets.mlpData(MB, 2));                  // iteration 1: re-initialisation, no summary
        assertFalse(Files.exists(file), "no summary at iteration 1");
        fitEpoch(m, Nets.mlpData(MB, 3));                  // iteration 2 (a summary) and an epoch end
        Files.delete(file);
        fitEpoch(m, Nets.mlpData(MB, 4));                  // iteration 3: no summary, but an epoch end
        assertTrue(Files.exists(file), "written at the end of an epoch");
        Files.delete(file);
        l.close();
        assertTrue(Files.exists(file), "written at close()");

        Document doc = Jsoup.parse(Files.readString(file, StandardCharsets.UTF_8));
        List<String> names = l.snapshot().layers().stream().map(LayerGates::name).collect(Collectors.toList());
        assertEquals(2, names.size());
        assertEquals(names, doc.select("section.layer").eachAttr("data-layer"));
        for (Element s : doc.select("section.layer")) {
            assertEquals(1, s.select("svg.chart").size());
            assertEquals(s.attr("data-layer"), s.selectFirst("h2").ownText());
        }
        Element first = doc.selectFirst("section.layer[data-layer=" + names.get(0) + "]");
        assertEquals("1", first.select("svg.chart g.reinit").eachAttr("data-first").get(0),
                "the re-initialisation event of iteration 1");
        assertEquals("2", first.select("svg.chart g.reinit").eachAttr("data-units").get(0));
        assertTrue(doc.selectFirst("header").text().contains("report="), "the listener's configuration");
        assertTrue(doc.select("#warnings li").text().contains("are dead at iteration 0"),
                "the WARN lines logged: " + doc.select("#warnings").text());
    }

    @Test
    void report_writeFailure_neverStopsTraining(@TempDir Path dir) throws IOException {
        // The report's directory cannot be created: its parent is a plain file.
        Path file = Files.write(dir.resolve("plain-file"), new byte[] {1}).resolve("report.html");
        DeadReluListener l = planted().frequency(1).report(file).build();
        MultiLayerNetwork net = Nets.plantedMlp(33);
        net.setListeners(l);
        try (LogCapture writer = LogCapture.of(ReportWriter.class)) {
            for (int i = 0; i < 3; i++) {
                net.fit(Nets.mlpData(MB, i));
            }
            l.close();
            assertEquals(1, writer.messages(Level.WARN).size(), writer.messages(Level.WARN).toString());
        }
        assertEquals(3, net.getIterationCount());
        assertEquals(2, l.snapshot().iteration());
        assertArrayEquals(new int[]{0, 2}, l.snapshot().layers().get(0).deadUnits());
        assertFalse(Files.exists(file));
    }

    // ------------------------------------------------------------------------------------- duplicate layer names

    @Test
    void duplicateLayerNames_eachLayerReportsItsOwnCounts(@TempDir Path dir) throws IOException {
        // NetworkInspectorTest's network: two ActivationLayers named "act" after dense layers of 6 and 5 units.
        MultiLayerNetwork net = Nets.duplicateActivationNames(7);
        Planted.dense(net.getLayer(0), 0, 2);
        Planted.dense(net.getLayer(2), 1);
        Path csv = dir.resolve("g.csv");
        DeadReluListener l = planted().csv(csv).build();
        net.setListeners(l);
        net.fit(Nets.mlpData(MB, 1));
        l.close();
        List<LayerGates> layers = l.snapshot().layers();
        assertEquals(2, layers.size());
        assertEquals("act", layers.get(0).name());
        assertEquals(1, layers.get(0).index());
        assertEquals(6, layers.get(0).units());
        assertArrayEquals(new int[]{0, 2}, layers.get(0).deadUnits());
        assertEquals("act", layers.get(1).name());
        assertEquals(3, layers.get(1).index());
        assertEquals(5, layers.get(1).units());
        assertArrayEquals(new int[]{1}, layers.get(1).deadUnits());
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertEquals(3, rows.size(), rows.toString());
        assertTrue(rows.get(1).startsWith("0,0,act,1,6,"), rows.get(1));
        assertTrue(rows.get(2).startsWith("0,0,act,3,5,"), rows.get(2));
    }

    // ------------------------------------------------------------------------------ 14.1 the schedule is visible

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void attachLine_namesLayersPolicyAndFirstCheck(boolean graph) {
        Model m = model(graph, 41);
        DeadReluListener l = planted().reinitialize(ReinitPolicy.builder().every(700).maturity(100).build()).build();
        setListener(m, l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            Nets.fit(m, Nets.mlpData(MB, 1));
            Nets.fit(m, Nets.mlpData(MB, 2));
            List<String> attach = matching(logs.messages(Level.INFO), "attached to");
            assertEquals(1, attach.size(), logs.messages(Level.INFO).toString());
            String line = attach.get(0);
            List<LayerGates> layers = l.snapshot().layers();
            assertTrue(line.contains("attached to " + m.getClass().getSimpleName() + " at iteration 0"), line);
            assertTrue(line.contains("monitoring " + layers.get(0).name() + " (DenseLayer, 6 units, not recoverable), "
                    + layers.get(1).name() + " (DenseLayer, 5 units)"), line);
            assertContains(line, "every=700");
            assertTrue(line.endsWith("first check at iteration 700"), line);
        }
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void attachLine_listsReluLayersNotMonitoredWithTheirReason_andFirstCheckOfATrainedNetwork(boolean graph) {
        MultiLayerNetwork net = Nets.mln(43, InputType.feedForward(4),
                new DenseLayer.Builder().nOut(6).activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nOut(3).activation(Activation.RELU).build());
        Model m = graph ? net.toComputationGraph() : net;
        for (int i = 0; i < 5; i++) {
            Nets.fit(m, Nets.mlpData(MB, i));
        }
        String out = graph ? "1" : "layer1";
        setListener(m, planted().reinitialize(ReinitPolicy.builder().every(3).maturity(2).build()).build());
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            Nets.fit(m, Nets.mlpData(MB, 9));
            List<String> attach = matching(logs.messages(Level.INFO), "attached to");
            assertEquals(1, attach.size(), logs.messages(Level.INFO).toString());
            String line = attach.get(0);
            assertContains(line, "at iteration 5");
            assertTrue(line.contains("; not monitored: " + out + " (OutputLayer): output layer: its activation is "
                    + "the prediction, not a hidden gate;"), line);
            assertTrue(line.endsWith("first check at iteration 9"), "5 + maturity 2 = 7, next multiple of 3: " + line);
        }
    }

    @Test
    void attachLine_monitorOnly() {
        MultiLayerNetwork net = Nets.plantedMlp(45);
        net.setListeners(planted().build());
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            List<String> attach = matching(logs.messages(Level.INFO), "attached to");
            assertEquals(1, attach.size());
            assertTrue(attach.get(0).endsWith("re-initialisation: none (monitor only)"), attach.get(0));
        }
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void noCheckRan_oneInfoAtEpochEndOrClose_namingEvery(boolean graph) {
        Model m = model(graph, 47);
        DeadReluListener l = planted().reinitialize(ReinitPolicy.builder().every(1000).maturity(100).build())
                .build();
        setListener(m, l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            fitEpoch(m, Nets.mlpData(MB, 1));
            List<String> info = matching(logs.messages(Level.INFO), "no re-initialisation check has run");
            assertEquals(1, info.size(), logs.messages(Level.INFO).toString());
            assertContains(info.get(0),
                    "at the end of an epoch (iteration 0)", "every(1000)", "first check is at iteration 1000");
            Nets.fit(m, Nets.mlpData(MB, 2));
            l.close();
            assertEquals(1, matching(logs.messages(Level.INFO), "no re-initialisation check has run").size(),
                    "one INFO, not one per occasion");
        }
    }

    @Test
    void noCheckRan_atClose_andNotWhenACheckRan() {
        MultiLayerNetwork net = Nets.plantedMlp(49);
        DeadReluListener l = planted().reinitialize(ReinitPolicy.builder().every(1000).maturity(100).build())
                .build();
        net.setListeners(l);
        MultiLayerNetwork other = Nets.plantedMlp(50);
        DeadReluListener checked = planted().reinitialize(ReinitPolicy.builder().every(2).maturity(0).build())
                .build();
        other.setListeners(checked);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            for (int i = 0; i < 3; i++) {
                net.fit(Nets.mlpData(MB, i));
                other.fit(Nets.mlpData(MB, i));
            }
            checked.close();
            assertTrue(matching(logs.messages(Level.INFO), "no re-initialisation check").isEmpty());
            l.close();
            List<String> info = matching(logs.messages(Level.INFO), "no re-initialisation check has run");
            assertEquals(1, info.size());
            assertContains(info.get(0), "at close() (iteration 2)", "every(1000)");
        }
    }

    // ------------------------------------------------------------------------------------------ 14.2 divergence

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void divergence_oneWarnPerLayer_andTheReinitialisationIsSkipped(boolean graph) {
        Model m = model(graph, 51);
        DeadReluListener l = planted().reinitialize(ReinitPolicy.builder().every(1).maturity(1).seed(5).build())
                .build();
        setListener(m, l);
        DataSet nan = Nets.mlpData(MB, 2);
        nan.getFeatures().getColumn(0).assign(Double.NaN);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class);
             LogCapture step = LogCapture.of(ReinitStep.class)) {
            Nets.fit(m, Nets.mlpData(MB, 1));   // iteration 0: dead, not mature
            Nets.fit(m, nan);                   // iteration 1: mature, but non-finite
            Nets.fit(m, nan);                   // iteration 2
            List<String> warns = logs.messages(Level.WARN);
            List<LayerGates> layers = l.snapshot().layers();
            List<String> diverged = matching(warns, "training has diverged or is diverging; lower the learning rate");
            List<String> perLayer = matching(diverged, "non-finite activations (NaN or infinite) at iteration 1");
            assertEquals(2, perLayer.size(), warns.toString());
            assertTrue(perLayer.get(0).contains("layer " + layers.get(0).name() + " (index "
                    + layers.get(0).index() + ") has " + (MB * 6) + " non-finite"), perLayer.get(0));
            assertTrue(perLayer.get(1).contains("layer " + layers.get(1).name() + " (index "
                    + layers.get(1).index() + ") has " + (MB * 5) + " non-finite"), perLayer.get(1));
            List<String> skipped = matching(warns, "re-initialisation at iteration 1 skipped, nothing was written");
            assertEquals(1, skipped.size(), warns.toString());
            assertEquals(3, diverged.size(), "no second WARN per layer or per skip: " + warns);
            assertEquals(1, matching(logs.messages(Level.INFO), "re-initialisation at iteration 2 skipped").size());
            assertTrue(matching(step.messages(Level.INFO), "re-initialised dead units").isEmpty(),
                    step.messages(Level.INFO).toString());
        }
        for (GateSnapshot s : l.history()) {
            for (LayerGates g : s.layers()) {
                assertEquals(0, g.reinitialized(), s.toString());
            }
        }
        assertArrayEquals(new int[]{0, 2}, l.snapshot().layers().get(0).deadUnits());
    }

    @Test
    void nonFiniteParameters_skipTheReinitialisation() {
        MultiLayerNetwork net = Nets.plantedMlp(53);
        net.getLayer(2).getParam("b").putScalar(0, Double.NaN);   // the output layer: gates stay finite
        DeadReluListener l = planted().reinitialize(ReinitPolicy.builder().every(1).maturity(0).seed(5).build())
                .build();
        net.setListeners(l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            List<String> skipped = matching(logs.messages(Level.WARN), "re-initialisation at iteration 0 skipped");
            assertEquals(1, skipped.size(), logs.messages(Level.WARN).toString());
            assertContains(skipped.get(0), "parameters are non-finite");
        }
        assertEquals(0, l.snapshot().layers().get(0).reinitialized());
        assertEquals(0, l.snapshot().layers().get(0).nonFinite());
        assertArrayEquals(new int[]{0, 2}, l.snapshot().layers().get(0).deadUnits());
    }

    // ---------------------------------------------------------------------------------- 14.3 advice that fits

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void deadWarning_withAPolicy_saysWhenItsNextCheckIs(boolean graph) {
        Model m = model(graph, 61);
        setListener(m, planted().reinitialize(ReinitPolicy.builder().every(50).maturity(10).build()).build());
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            Nets.fit(m, Nets.mlpData(MB, 1));
            List<String> dead = matching(logs.messages(Level.WARN), "ReLU units");
            assertEquals(2, dead.size(), dead.toString());
            for (String w : dead) {
                assertContains(w, "Re-initialisation is on", "its next check is at iteration 50");
                assertFalse(w.contains("builder().reinitialize("), w);
            }
        }
    }

    @Test
    void deadWarning_withoutAPolicy_recoverableOrNot() {
        MultiLayerNetwork net = Nets.plantedMlp(63);
        net.setListeners(planted().build());
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            net.fit(Nets.mlpData(MB, 1));
            List<String> dead = matching(logs.messages(Level.WARN), "ReLU units");
            assertEquals(2, dead.size(), dead.toString());
            assertTrue(dead.get(0).contains("of layer layer0") && dead.get(0).contains("They are not recoverable")
                    && dead.get(0).contains("builder().reinitialize("), dead.get(0));
            assertTrue(dead.get(1).contains("of layer layer1") && dead.get(1).contains("They are recoverable")
                    && dead.get(1).contains("Remedies:"), dead.get(1));
        }
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void deadWarning_frozenLayer_unfreezeOrIgnore_andTheCsvSaysFrozen(boolean graph, @TempDir Path dir)
            throws IOException {
        MultiLayerNetwork base = Nets.plantedMlp(65);
        Model m = graph ? new TransferLearning.GraphBuilder(base.toComputationGraph()).setFeatureExtractor("0").build()
                : new TransferLearning.Builder(base).setFeatureExtractor(0).build();
        Path csv = dir.resolve("g.csv");
        setListener(m, planted().csv(csv).reinitialize(ReinitPolicy.builder().every(10).build()).build());
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            Nets.fit(m, Nets.mlpData(MB, 1));
            List<String> dead = matching(logs.messages(Level.WARN), "ReLU units");
            assertEquals(2, dead.size(), dead.toString());
            assertTrue(dead.get(0).contains("The layer is frozen") && dead.get(0).contains("never re-initialised")
                    && dead.get(0).contains("Unfreeze it"), dead.get(0));
            assertFalse(dead.get(0).contains("only re-initialisation brings them back"), dead.get(0));
            assertFalse(dead.get(1).contains("frozen"), dead.get(1));
        }
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertTrue(rows.get(1).matches(".*,0,true,false,,,[0-9.]*,"), rows.get(1));
        assertTrue(rows.get(2).matches(".*,0,false,false,,,[0-9.]*,"), "behind a frozen layer nothing upstream trains: "
                + rows.get(2));
    }

    // ------------------------------------------------------------------------- 14.4 premature dead calls named

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void reopened_nothingMoved_notRevived(boolean graph, @TempDir Path dir) throws IOException {
        Model m = model(graph, 71);
        plantSecondLayerToOpenOnNegatedData(m);
        Path csv = dir.resolve("g.csv");
        DeadReluListener l = planted().frequency(1).csv(csv).build();
        setListener(m, l);
        try (LogCapture logs = LogCapture.of(DeadReluListener.class)) {
            Nets.fit(m, Nets.mlpData(MB, 1));   // iteration 0: called dead
            Nets.fit(m, negated(2));            // iteration 1: they open; no weight moved (Sgd(0.0))
            List<LayerGates> g = l.snapshot().layers();
            assertEquals(2, g.get(0).reopened(), "not recoverable: " + g.get(0));
            assertEquals(0, g.get(0).revived());
            assertEquals(1, g.get(1).reopened(), "recoverable, but nothing feeding it changed: " + g.get(1));
            assertEquals(0, g.get(1).revived());
            String summary = matching(logs.messages(Level.INFO), "dead ReLUs at iteration 1").get(0);
            assertContains(summary, " reopened 2", " reopened 1");
        }
        l.close();
        List<String> rows = Files.readAllLines(csv, StandardCharsets.UTF_8);
        assertTrue(rows.get(3).matches("1,0,[^,]+,\\d+,6,.*,0,0,0,2,false,false,,,[0-9.]+,"), rows.get(3));
        assertTrue(rows.get(4).matches("1,0,[^,]+,\\d+,5,.*,0,0,0,1,false,true,,,[0-9.]+,"), rows.get(4));
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void revived_whenUpstreamWeightsMoved(boolean graph) {
        Model m = model(graph, 73);
        plantSecondLayerToOpenOnNegatedData(m);
        DeadReluListener l = planted().build();
        setListener(m, l);
        Nets.fit(m, Nets.mlpData(MB, 1));
        layer(m, 0).getParam("W").putScalar(0, 1, 0.3);   // a live unit of the first layer: upstream of layer 1
        Nets.fit(m, negated(2));
        List<LayerGates> g = l.snapshot().layers();
        assertEquals(2, g.get(0).reopened(), "the first layer is not recoverable whatever moved");
        assertEquals(0, g.get(0).revived());
        assertEquals(1, g.get(1).revived(), g.get(1).toString());
        assertEquals(0, g.get(1).reopened());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void revived_whenItsOwnIncomingWeightsMovedWhileDead(boolean graph) {
        Model m = model(graph, 75);
        plantSecondLayerToOpenOnNegatedData(m);
        DeadReluListener l = planted().build();
        setListener(m, l);
        Nets.fit(m, Nets.mlpData(MB, 1));                  // called dead
        layer(m, 1).getParam("W").putScalar(3, 1, -0.9);   // its own incoming weight (stays closed on this data)
        Nets.fit(m, Nets.mlpData(MB, 2));                  // still dead: the move is seen after this update
        assertArrayEquals(new int[]{1}, l.snapshot().layers().get(1).deadUnits());
        Nets.fit(m, negated(3));
        LayerGates g = l.snapshot().layers().get(1);
        assertEquals(1, g.revived(), g.toString());
        assertEquals(0, g.reopened());
    }

    @ParameterizedTest(name = "graph={0}")
    @ValueSource(booleans = {false, true})
    void instrumented_reopenedWhenNothingMoved_revivedWhenItsWeightsMoved(boolean graph) {
        // GateMonitorLayer-counted layers: their counts reach the listener in iterationDone, after the update; the
        // dead units a forward pass opens are printed in onForwardPass from the layer's counts of that pass
        for (boolean move : new boolean[]{false, true}) {
            MultiLayerNetwork plain = Nets.plantedMlp(77);
            plantSecondLayerToOpenOnNegatedData(plain);
            Model m = graph ? GateMonitors.instrument(plain.toComputationGraph()) : GateMonitors.instrument(plain);
            DeadReluListener l = planted().build();
            setListener(m, l);
            Nets.fit(m, Nets.mlpData(MB, 1));                  // called dead
            assertArrayEquals(new int[]{1}, l.snapshot().layers().get(1).deadUnits());
            if (move) {
                Layer dense = graph ? ((ComputationGraph) m).getLayer("1") : ((MultiLayerNetwork) m).getLayer(2);
                dense.getParam("W").putScalar(3, 1, -0.9);    // its own incoming weight (stays closed on this data)
                Nets.fit(m, Nets.mlpData(MB, 2));
                assertArrayEquals(new int[]{1}, l.snapshot().layers().get(1).deadUnits(), "still dead");
            }
            Nets.fit(m, negated(3));
            LayerGates g = l.snapshot().layers().get(1);
            assertEquals(move ? 1 : 0, g.revived(), "moved=" + move + ": " + g);
            assertEquals(move ? 0 : 1, g.reopened(), "moved=" + move + ": " + g);
        }
    }

    /**
     * Unit 1 of the second hidden layer reads the planted dead units 0 and 2 of the first with weight +1 (its other
     * weights stay negative): closed while they are closed, open on {@link #negated} data, where they open.
     */
    private static void plantSecondLayerToOpenOnNegatedData(Model m) {
        Layer second = layer(m, 1);
        second.getParam("W").putScalar(0, 1, 1.0);
        second.getParam("W").putScalar(2, 1, 1.0);
    }
}
