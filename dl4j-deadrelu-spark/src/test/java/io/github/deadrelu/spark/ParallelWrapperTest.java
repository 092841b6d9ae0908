/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Planted;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.LoggerFactory;

/**
 * Dead-ReLU counts under ParallelWrapper (2 workers, parameter averaging) on the planted network: with one shared
 * {@link DeadReluListener} (DL4J calls it from both worker threads at once) and with {@link DeadReluAggregator} (DL4J
 * clones its routing listener per worker). Races show up only sometimes, so each case runs several times.
 */
class ParallelWrapperTest {
    private static final int EXAMPLES = 512;
    private static final int BATCH = 16;
    private static final int FITS = 3;
    private static final int RUNS = 4;
    /** Each round feeds one mini-batch to each of the 2 workers. */
    private static final int ROUNDS_PER_FIT = EXAMPLES / BATCH / 2;

    private static ParallelWrapper wrapper(Model net) {
        return new ParallelWrapper.Builder<>(net).workers(2).prefetchBuffer(4).averagingFrequency(3)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING).build();
    }

    /** {@link #FITS} fits of the wrapper over the data, then the wrapper is shut down. */
    private static void fit(ParallelWrapper pw, List<DataSet> data) {
        try {
            for (int f = 0; f < FITS; f++) {
                pw.fit(new ListDataSetIterator<>(data, BATCH));
            }
        } finally {
            pw.shutdown();
        }
    }

    /** One snapshot per averaging round, numbered from 0, each with the planted gates. */
    private static void assertOneSnapshotPerRound(List<GateSnapshot> h, String why) {
        assertEquals(FITS * ROUNDS_PER_FIT, h.size(), "one snapshot per iteration, " + why);
        for (int k = 0; k < h.size(); k++) {
            assertEquals(k, h.get(k).iteration(), why);
            assertPlanted(h.get(k));
        }
    }

    /** Every unit counted {@code total} times, closed {@code total} times exactly for the planted units. */
    private static void assertTotals(LayerTotals t, String layer, int units, int[] dead, long total) {
        for (int u = 0; u < units; u++) {
            assertEquals(total, t.entries(u));
            assertEquals(Planted.contains(dead, u) ? total : 0, t.closed(u), layer + " unit " + u);
        }
    }

    static void assertPlanted(GateSnapshot s) {
        assertPlanted(s, "layer0", "layer1");
    }

    /** Asserts the planted numbers; a ComputationGraph from {@code toComputationGraph()} names its layers "0", "1". */
    static void assertPlanted(GateSnapshot s, String layer0, String layer1) {
        LayerGates l0 = s.layer(layer0).orElseThrow(() -> new AssertionError("no " + layer0 + " in " + s));
        LayerGates l1 = s.layer(layer1).orElseThrow(() -> new AssertionError("no " + layer1 + " in " + s));
        assertArrayEquals(Nets.DEAD0, l0.deadUnits(), "layer0 dead at iteration " + s.iteration());
        assertArrayEquals(Nets.DEAD1, l1.deadUnits(), "layer1 dead at iteration " + s.iteration());
        assertEquals(2.0 / 6, l0.closedShare(), 1e-12);
        assertEquals(1.0 / 5, l1.closedShare(), 1e-12);
        assertArrayEquals(new double[]{1, 0, 1, 0, 0, 0}, l0.unitClosedFractions(), 0.0);
        assertArrayEquals(new double[]{0, 1, 0, 0, 0}, l1.unitClosedFractions(), 0.0);
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sharedListener_countsMergedPerIteration() throws Exception {
        List<DataSet> data = Nets.examples(EXAMPLES, 7);
        for (int run = 0; run < RUNS; run++) {
            MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 100 + run);
            // Dead after 2 * BATCH examples: reached in the first iteration only when both workers' batches of that
            // iteration are summed before tracking.
            DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(2 * BATCH).frequency(0).build();
            net.setListeners(listener);
            ParallelWrapper pw = wrapper(net);
            fit(pw, data);

            List<GateSnapshot> h = listener.history();
            assertOneSnapshotPerRound(h, "run " + run);
            assertEquals(h.get(h.size() - 1), listener.snapshot());
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aggregator_exactTotalsOverClonedListeners() throws Exception {
        List<DataSet> data = Nets.examples(EXAMPLES, 8);
        for (int run = 0; run < RUNS; run++) {
            MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 200 + run);
            ParallelWrapper pw = wrapper(net);
            DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(2 * BATCH).frequency(0).build()
                    .attach(pw, net);
            fit(pw, data);

            long total = (long) FITS * EXAMPLES;
            LayerTotals t0 = agg.totals("layer0").orElseThrow();
            LayerTotals t1 = agg.totals("layer1").orElseThrow();
            assertEquals(total, t0.examples(), "run " + run);
            assertEquals(total, t1.examples(), "run " + run);
            assertTotals(t0, "layer0", 6, Nets.DEAD0, total);
            assertTotals(t1, "layer1", 5, Nets.DEAD1, total);
            Map<String, Long> perWorker = agg.workerExamples();
            assertEquals(2, perWorker.size(), "one ID per worker thread: " + perWorker);
            assertEquals(total, perWorker.values().stream().mapToLong(Long::longValue).sum());
            assertEquals(2L * FITS * ROUNDS_PER_FIT, agg.updates());

            assertOneSnapshotPerRound(agg.history(), "run " + run);
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aggregator_computationGraph() throws Exception {
        ComputationGraph cg = Nets.planted(new Sgd(0.01), 300).toComputationGraph();
        ParallelWrapper pw = wrapper(cg);
        DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(2 * BATCH).frequency(0).build()
                .attach(pw, cg);
        fit(pw, Nets.examples(EXAMPLES, 9));
        long total = (long) FITS * EXAMPLES;
        LayerTotals t0 = agg.totals("0").orElseThrow();
        assertEquals(total, t0.closed(0));
        assertEquals(0, t0.closed(1));
        assertEquals(total, t0.closed(2));
        assertEquals(total, agg.totals("1").orElseThrow().closed(1));
        List<GateSnapshot> h = agg.history();
        assertEquals(FITS * ROUNDS_PER_FIT, h.size());
        for (GateSnapshot s : h) {
            assertPlanted(s, "0", "1");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void sharedListener_reinitializationRefused() throws Exception {
        MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 400);
        INDArray deadColumn = net.getLayer(0).getParam("W").getColumn(0).dup();
        DeadReluListener listener = DeadReluListener.builder().deadAfterExamples(2 * BATCH).frequency(0)
                .reinitialize(ReinitPolicy.builder().every(1).maturity(0).build()).build();
        net.setListeners(listener);
        Logger logger = (Logger) LoggerFactory.getLogger(DeadReluListener.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            ParallelWrapper pw = wrapper(net);
            fit(pw, Nets.examples(EXAMPLES, 10));
            pw.shutdown();
        } finally {
            logger.detachAppender(appender);
        }
        List<ILoggingEvent> refusals = appender.list.stream()
                .filter(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().contains("re-initialisation refused"))
                .toList();
        assertEquals(1, refusals.size(), "one clear refusal");
        assertTrue(refusals.get(0).getFormattedMessage().contains("parameter averaging"));
        assertTrue(refusals.get(0).getFormattedMessage().contains("DeadReluAggregator"));
        assertEquals(deadColumn, net.getLayer(0).getParam("W").getColumn(0), "no replica was re-initialised");
        assertPlanted(listener.snapshot());
        assertEquals(0, listener.snapshot().layer("layer0").orElseThrow().reinitialized());
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aggregator_reinitializeBetweenFitsRevives() throws Exception {
        MultiLayerNetwork net = Nets.redrawsOpen(Nets.planted(new Adam(1e-3), 500));
        ParallelWrapper pw = wrapper(net);
        DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(2 * BATCH).frequency(0)
                .reinitialize(ReinitPolicy.builder().maturity(0).seed(3).build()).build().attach(pw, net);
        List<DataSet> data = Nets.examples(EXAMPLES, 11);
        pw.fit(new ListDataSetIterator<>(data, BATCH));
        assertPlanted(agg.snapshot());

        Map<String, int[]> done = agg.reinitialize();
        assertArrayEquals(Nets.DEAD0, done.get("layer0"));
        assertArrayEquals(Nets.DEAD1, done.get("layer1"));
        assertEquals(2, agg.snapshot().layer("layer0").orElseThrow().reinitialized());
        assertEquals(0, agg.snapshot().layer("layer0").orElseThrow().deadUnits().length);
        Nets.assertRedrawn(net.getLayer(0), Nets.DEAD0);
        INDArray w0 = net.getLayer(0).getParam("W").getColumn(0).dup();

        pw.fit(new ListDataSetIterator<>(data, BATCH));
        pw.shutdown();
        GateSnapshot s = agg.snapshot();
        assertEquals(0, s.layer("layer0").orElseThrow().deadUnits().length, s.toString());
        assertTrue(s.layer("layer0").orElseThrow().closedShare() < 2.0 / 6, s.toString());
        // Averaging did not pull the re-drawn unit back to its dead weights: it has positive weights and moved
        // only by training.
        INDArray after = net.getLayer(0).getParam("W").getColumn(0);
        assertTrue(after.maxNumber().doubleValue() > 0);
        assertTrue(after.sub(w0).amaxNumber().doubleValue() < 0.1, "moved by training only: " + after + " " + w0);
        assertFalse(agg.totals().isEmpty());
    }
}
