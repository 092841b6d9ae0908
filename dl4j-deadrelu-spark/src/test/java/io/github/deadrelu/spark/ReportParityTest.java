/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.LoggerFactory;

/**
 * Issue 11: the listener and the aggregator fed the same counts log the same summary lines and dead-unit WARNs (one
 * report formatter). Both watch the same forward passes of one network: the listener directly, the aggregator through
 * a routing listener.
 */
class ReportParityTest {
    private static ListAppender<ILoggingEvent> attach(Class<?> c) {
        ListAppender<ILoggingEvent> a = new ListAppender<>();
        a.start();
        Logger logger = (Logger) LoggerFactory.getLogger(c);
        logger.setLevel(Level.INFO);
        logger.addAppender(a);
        return a;
    }

    private static void detach(Class<?> c, ListAppender<ILoggingEvent> a) {
        Logger logger = (Logger) LoggerFactory.getLogger(c);
        logger.detachAppender(a);
        logger.setLevel(null);
    }

    private static List<String> lines(ListAppender<ILoggingEvent> a, Level level, String startsWith) {
        return a.list.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith(startsWith) || m.contains(startsWith)).collect(Collectors.toList());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void sameCounts_sameSummaryAndWarnings() {
        MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 700);
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(32).frequency(1).build();
        DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(32).frequency(1).build().attach(net);
        DeadReluRoutingListener routing = agg.newListener();
        routing.setStorageRouter(agg);
        net.setListeners(listener, routing);
        ListAppender<ILoggingEvent> l = attach(DeadReluListener.class);
        ListAppender<ILoggingEvent> a = attach(DeadReluAggregator.class);
        try {
            for (int k = 0; k < 3; k++) {
                net.fit(Nets.batches(16, 16, k).get(0));
            }
            agg.snapshot();   // tracks the open round
        } finally {
            detach(DeadReluListener.class, l);
            detach(DeadReluAggregator.class, a);
        }
        List<String> summaries = lines(l, Level.INFO, "dead ReLUs at iteration");
        assertEquals(3, summaries.size(), summaries.toString());
        assertEquals(summaries, lines(a, Level.INFO, "dead ReLUs at iteration"));
        List<String> warns = lines(l, Level.WARN, "ReLU units");
        assertFalse(warns.isEmpty());
        assertEquals(warns, lines(a, Level.WARN, "ReLU units"));
        assertEquals(listener.history(), agg.history());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aggregator_writesTheHtmlReportAtItsSummary_andItsAttachLineNamesReinitialize(@TempDir Path dir) {
        Path file = dir.resolve("agg.html");
        MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 700);
        ListAppender<ILoggingEvent> a = attach(DeadReluAggregator.class);
        DeadReluAggregator agg;
        try {
            agg = DeadReluAggregator.builder().deadAfterExamples(32).frequency(1).report(file)
                    .reinitialize(ReinitPolicy.builder().every(5).build()).build().attach(net);
            DeadReluRoutingListener routing = agg.newListener();
            routing.setStorageRouter(agg);
            net.setListeners(routing);
            net.fit(Nets.batches(16, 16, 0).get(0));
            agg.snapshot();   // tracks the open round: the summary of iteration 0
        } finally {
            detach(DeadReluAggregator.class, a);
        }
        assertTrue(agg.toString().contains("report=" + file), agg.toString());
        assertTrue(Files.exists(file), "written at the summary");
        List<String> attachLines = lines(a, Level.INFO, "DeadReluAggregator: attached to");
        assertEquals(1, attachLines.size());
        assertTrue(attachLines.get(0).endsWith("on reinitialize() between fit calls"), attachLines.get(0));
    }

    /**
     * The options of the shared builder base on the aggregator: the same CSV rows (dormant units included) as the
     * listener's from the same forward passes, and {@code close()} flushes the file as the listener's does.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aggregator_takesTheSharedOptions_sameCsvAsTheListener(@TempDir Path dir) throws Exception {
        Path lf = dir.resolve("listener.csv");
        Path af = dir.resolve("aggregator.csv");
        MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 700);
        DeadReluListener listener = DeadReluListener.builder().frequency(0).dormancyThreshold(0.1).csv(lf).build();
        DeadReluAggregator agg = DeadReluAggregator.builder().frequency(0).dormancyThreshold(0.1).csv(af).build()
                .attach(net);
        DeadReluRoutingListener routing = agg.newListener();
        routing.setStorageRouter(agg);
        net.setListeners(listener, routing);
        for (int k = 0; k < 3; k++) {
            net.fit(Nets.batches(16, 16, k).get(0));
        }
        listener.close();
        agg.close();
        List<String> rows = Files.readAllLines(lf);
        assertEquals(1 + 3 * listener.snapshot().layers().size(), rows.size(), rows.toString());
        assertEquals(rows, Files.readAllLines(af));
    }

    @Test
    void aggregatorBuilder_validatesTheSharedOptionsAsTheListenerDoes() {
        assertEquals("dormancyThreshold must be in [0, 1], got: 1.5", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> DeadReluAggregator.builder().dormancyThreshold(1.5))
                .getMessage());
        assertEquals("calibratedDeadThreshold must be >= 1, got: 0", org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> DeadReluAggregator.builder().calibratedDeadThreshold(0))
                .getMessage());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> DeadReluAggregator.builder().deadAfterExamples(64).calibratedDeadThreshold(20_000));
        assertTrue(DeadReluAggregator.builder().calibratedDeadThreshold(20_000).build().toString()
                .contains("20000"), "the option reaches the aggregator's configuration");
    }

    /**
     * Two monitored layers with the same name: the routing listener keys them as the engine does (name@index), so the
     * aggregator tracks both exactly as the listener does (with bare names their counts collided on one key).
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void repeatedLayerNames_routingKeysAsTheEngine_sameHistoryAsTheListener() {
        org.deeplearning4j.nn.conf.MultiLayerConfiguration conf = new org.deeplearning4j.nn.conf.NeuralNetConfiguration
                .Builder().seed(700).updater(new Sgd(0.01)).weightInit(org.deeplearning4j.nn.weights.WeightInit.XAVIER)
                .list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().name("hidden").nIn(4).nOut(6)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().name("hidden").nIn(6).nOut(5)
                        .activation(org.nd4j.linalg.activations.Activation.RELU).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT).nIn(5).nOut(3)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = io.github.deadrelu.testutil.Nets.init(conf);
        io.github.deadrelu.testutil.Planted.dense(net.getLayer(0), Nets.DEAD0);
        io.github.deadrelu.testutil.Planted.dense(net.getLayer(1), Nets.DEAD1);
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(32).frequency(0).build();
        DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(32).frequency(0).build().attach(net);
        DeadReluRoutingListener routing = agg.newListener();
        routing.setStorageRouter(agg);
        net.setListeners(listener, routing);
        for (int k = 0; k < 3; k++) {
            net.fit(Nets.batches(16, 16, k).get(0));
        }
        io.github.deadrelu.stats.GateSnapshot s = agg.snapshot();
        assertEquals(2, s.layers().size(), s.toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(Nets.DEAD0, s.layers().get(0).deadUnits());
        org.junit.jupiter.api.Assertions.assertArrayEquals(Nets.DEAD1, s.layers().get(1).deadUnits());
        assertEquals(listener.history(), agg.history());
    }
}
