/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static io.github.deadrelu.testutil.Texts.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Serial;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.config.DL4JClassLoading;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.Sgd;

/** The aggregator without any training: validation, the worker message, round forming, forwarding, refusals. */
class DeadReluAggregatorTest {

    private static UnitCounts counts(long[] closed, long entries, long examples) {
        long[] e = new long[closed.length];
        java.util.Arrays.fill(e, entries);
        return new UnitCounts(closed, closed.clone(), new long[closed.length], e, examples, false);
    }

    private static GateCountsUpdate update(String session, String worker, int iteration, long[] closed) {
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        m.put("layer0", counts(closed, 16, 16));
        return new GateCountsUpdate(session, worker, 42L, iteration, 0, m);
    }

    @Test
    void builder_validation() {
        var e = assertThrows(IllegalArgumentException.class, () -> DeadReluAggregator.builder().deadAfterExamples(0));
        assertContains(e.getMessage(), "deadAfterExamples must be >= 1, got: 0");
        e = assertThrows(IllegalArgumentException.class, () -> DeadReluAggregator.builder().frequency(-1));
        assertContains(e.getMessage(), "frequency must be >= 0, got: -1");
        e = assertThrows(IllegalArgumentException.class, () -> DeadReluAggregator.builder().historySize(0));
        assertContains(e.getMessage(), "historySize must be >= 1, got: 0");
        var b = DeadReluAggregator.builder().reinitialize(ReinitPolicy.builder().build());
        var s = assertThrows(IllegalStateException.class, () -> b.reinitialize(ReinitPolicy.builder().build()));
        assertContains(s.getMessage(), "reinitialize was already set");
        assertThrows(NullPointerException.class, () -> DeadReluAggregator.builder().forwardTo(null));
    }

    @Test
    void trainingMaster_sharedRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> DeadReluAggregator.checkTrainingMaster(new SharedTrainingMaster()));
        assertTrue(e.getMessage().startsWith("trainingMaster must be a ParameterAveragingTrainingMaster, got: "),
                e.getMessage());
        assertContains(e.getMessage(), "no listener updates back to the driver", "deadlocks");
        e = assertThrows(IllegalArgumentException.class, () -> DeadReluAggregator.checkTrainingMaster(null));
        assertContains(e.getMessage(), "got: null");
    }

    /** Stands in for dl4j-spark-parameterserver's SharedTrainingMaster, which this module does not depend on. */
    static final class SharedTrainingMaster {
    }

    @Test
    void reinitialize_needsPolicyAndAttachment() {
        var e = assertThrows(IllegalStateException.class, () -> DeadReluAggregator.builder().build().reinitialize());
        assertContains(e.getMessage(), "no ReinitPolicy");
        DeadReluAggregator a = DeadReluAggregator.builder().reinitialize(ReinitPolicy.builder().build()).build();
        e = assertThrows(IllegalStateException.class, a::reinitialize);
        assertContains(e.getMessage(), "not attached");
    }

    @Test
    void attach_twiceRefused() {
        MultiLayerNetwork net = Nets.planted(new Sgd(0.01), 1);
        DeadReluAggregator a = DeadReluAggregator.builder().build().attach(net);
        var e = assertThrows(IllegalStateException.class, () -> a.attach(net));
        assertContains(e.getMessage(), "already attached");
        assertThrows(IllegalArgumentException.class, () -> DeadReluAggregator.builder().build()
                .attach(new org.deeplearning4j.nn.layers.feedforward.dense.DenseLayer(
                        net.getLayerWiseConfigurations().getConf(0), org.nd4j.linalg.api.buffer.DataType.FLOAT)));
    }

    @Test
    void gateCountsUpdate_roundTrips() throws Exception {
        GateCountsUpdate u = update("s", "w1", 7, new long[]{16, 0, 3});
        byte[] bytes = u.encode();
        assertEquals(bytes.length, u.encodingLengthBytes());
        // DL4J's stats storages rebuild a Persistable by class name, then decode.
        Persistable p = DL4JClassLoading.createNewInstance(GateCountsUpdate.class.getName());
        p.decode(bytes);
        assertEquals(u, p);
        GateCountsUpdate q = new GateCountsUpdate();
        q.decode(java.nio.ByteBuffer.wrap(bytes));
        assertEquals(u, q);
        assertEquals(GateCountsUpdate.TYPE_ID, q.getTypeID());
        assertEquals(7, q.iteration());
        assertEquals(List.of("layer0"), q.layers());
        assertEquals(16, q.examples("layer0"));
        assertEquals(u.counts(), q.counts());
        // Spark ships it by Java serialisation.
        assertEquals(u, Serial.roundTrip(u));
        var e = assertThrows(java.io.UncheckedIOException.class, () -> new GateCountsUpdate().decode(new byte[]{0, 0, 0, 9}));
        assertContains(e.getMessage(), "format must be 1 or 2, got: 9");
    }

    @Test
    void routingListener_cloneAndSerialisation() throws Exception {
        DeadReluAggregator a = DeadReluAggregator.builder().build();
        DeadReluRoutingListener l = a.newListener();
        l.setStorageRouter(a);
        DeadReluRoutingListener c = l.clone();
        assertSame(a, c.getStorageRouter());
        assertEquals(a.sessionID(), c.getSessionID());
        DeadReluRoutingListener d = Serial.roundTrip(l);
        assertNull(d.getStorageRouter(), "the router is injected by DL4J on the worker, never shipped");
        assertEquals(a.sessionID(), d.getSessionID());
        assertEquals(l.getWorkerID(), d.getWorkerID());
    }

    @Test
    void putUpdate_roundsByArrival() {
        DeadReluAggregator a = DeadReluAggregator.builder().deadAfterExamples(32).frequency(0).build();
        String s = a.sessionID();
        a.putUpdate(update(s, "w0", 0, new long[]{16, 0}));
        a.putUpdate(update(s, "w1", 1, new long[]{16, 8}));   // a replica one iteration ahead: same round
        a.putUpdate(update(s, "w1", 2, new long[]{16, 0}));   // w1 again: the round above is complete
        List<GateSnapshot> h = a.history();                   // (after fit: the open round is tracked too)
        assertEquals(2, h.size());
        assertEquals(0, h.get(0).iteration());
        assertEquals(40.0 / 64, h.get(0).layers().get(0).closedShare(), 1e-12);   // (16+0 + 16+8) / (2 units * 32)
        assertArrayEquals(new int[]{0}, h.get(0).layers().get(0).deadUnits());
        assertEquals(2, h.get(1).iteration());
        assertEquals(3, a.updates());
        assertEquals(48, a.totals("layer0").orElseThrow().closed(0));
        assertEquals(8, a.totals("layer0").orElseThrow().closed(1));
        assertEquals(Map.of("w0", 16L, "w1", 32L), a.workerExamples());
    }

    @Test
    void putUpdate_collectionByIteration() {
        DeadReluAggregator a = DeadReluAggregator.builder().deadAfterExamples(1).frequency(0).build();
        String s = a.sessionID();
        a.putUpdate(List.of(update(s, "w0", 4, new long[]{16, 0}), update(s, "w1", 5, new long[]{16, 16}),
                update(s, "w1", 4, new long[]{16, 0}), update(s, "w0", 5, new long[]{16, 0})));
        List<GateSnapshot> h = a.history();
        assertEquals(2, h.size());
        assertEquals(4, h.get(0).iteration());
        assertArrayEquals(new int[]{0}, h.get(0).layers().get(0).deadUnits());
        assertEquals(5, h.get(1).iteration());
        assertEquals(0.75, h.get(1).layers().get(0).closedShare(), 1e-12);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void forwardTo_otherUpdatesAndForeignSessions() {
        List<Object> got = new ArrayList<>();
        StatsStorageRouter sink = new StatsStorageRouter() {
            @Override public void putStorageMetaData(StorageMetaData m) { got.add(m); }
            @Override public void putStorageMetaData(Collection<? extends StorageMetaData> m) { got.addAll(m); }
            @Override public void putStaticInfo(Persistable p) { got.add(p); }
            @Override public void putStaticInfo(Collection<? extends Persistable> p) { got.addAll(p); }
            @Override public void putUpdate(Persistable p) { got.add(p); }
            @Override public void putUpdate(Collection<? extends Persistable> p) { got.addAll(p); }
        };
        DeadReluAggregator a = DeadReluAggregator.builder().forwardTo(sink).frequency(0).build();
        GateCountsUpdate foreign = update("another-session", "w0", 0, new long[]{1});
        GateCountsUpdate ours = update(a.sessionID(), "w0", 0, new long[]{1});
        a.putUpdate(foreign);
        a.putUpdate(List.of(ours, foreign));
        assertEquals(List.of(foreign, foreign), got);
        assertEquals(1, a.updates());
    }

    @Test
    void unknownLayers_neverReportedRecoverable() {
        // Issue 10 item 14: recoverability comes from the attached network's discovery. "layer0" of the planted
        // network is not recoverable (nothing trainable upstream), layer1 is; a layer the network does not have, or
        // any layer while detached, is reported as not recoverable with index -1.
        DeadReluAggregator detached = DeadReluAggregator.builder().deadAfterExamples(16).frequency(0).build();
        detached.putUpdate(update(detached.sessionID(), "w0", 0, new long[]{16, 0}));
        LayerGates g = detached.snapshot().layer("layer0").orElseThrow();
        assertFalse(g.recoverable());
        assertEquals(-1, g.index());

        DeadReluAggregator attached = DeadReluAggregator.builder().deadAfterExamples(16).frequency(0).build()
                .attach(Nets.planted(new Sgd(0.01), 1));
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        m.put("layer1", counts(new long[]{16, 0, 0, 0, 0}, 16, 16));
        m.put("ghost", counts(new long[]{16, 0}, 16, 16));
        attached.putUpdate(new GateCountsUpdate(attached.sessionID(), "w0", 42L, 0, 0, m));
        GateSnapshot s = attached.snapshot();
        assertTrue(s.layer("layer1").orElseThrow().recoverable());
        assertEquals(1, s.layer("layer1").orElseThrow().index());
        assertFalse(s.layer("ghost").orElseThrow().recoverable());
        assertEquals(-1, s.layer("ghost").orElseThrow().index());
        assertEquals(List.of("layer1", "ghost"), s.layers().stream().map(LayerGates::name).toList(), "network order");
    }

    /**
     * Issue 10 item 1 at the driver: {@code reinitialize()} runs the listener's re-initialisation step, so in HALF,
     * FLOAT and DOUBLE it writes exactly the dead units' entries (no NaN sentinel survives into kept entries).
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = DataType.class, names = {"HALF", "FLOAT", "DOUBLE"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void reinitialize_everyDataType_writesOnlyTheDeadUnits(DataType type) {
        MultiLayerNetwork net = Nets.planted(new Sgd(0.0), 21).convertDataType(type);
        DeadReluAggregator agg = DeadReluAggregator.builder().deadAfterExamples(16).frequency(0)
                .reinitialize(ReinitPolicy.builder().maturity(0).seed(3).build()).build().attach(net);
        Map<String, UnitCounts> m = new LinkedHashMap<>();
        m.put("layer0", counts(new long[]{16, 0, 16, 0, 0, 0}, 16, 16));
        m.put("layer1", counts(new long[]{0, 16, 0, 0, 0}, 16, 16));
        agg.putUpdate(new GateCountsUpdate(agg.sessionID(), "w0", 42L, 0, 0, m));
        INDArray w0 = net.getLayer(0).getParam("W").dup();
        INDArray b0 = net.getLayer(0).getParam("b").dup();
        INDArray w1 = net.getLayer(1).getParam("W").dup();

        Map<String, int[]> done = agg.reinitialize();
        assertArrayEquals(Nets.DEAD0, done.get("layer0"));
        assertArrayEquals(Nets.DEAD1, done.get("layer1"));
        INDArray params = net.params();
        assertEquals(0, params.isNaN().castTo(DataType.INT).sumNumber().intValue(), "no NaN anywhere: " + params);
        INDArray w0After = net.getLayer(0).getParam("W");
        INDArray b0After = net.getLayer(0).getParam("b");
        INDArray w1After = net.getLayer(1).getParam("W");
        for (int u = 0; u < 6; u++) {
            boolean dead = u == 0 || u == 2;
            if (dead) {
                assertNotEquals(w0.getColumn(u), w0After.getColumn(u), "unit " + u + " re-drawn");
                assertEquals(0.0, b0After.getDouble(u), 0.0, "unit " + u + " bias to biasInit");
                // Its outgoing row in layer1 is zeroed (OutgoingWeights.ZERO, the default), except for the
                // re-drawn column of layer1's own dead unit 1.
                for (int k = 0; k < 5; k++) {
                    if (k != 1) {
                        assertEquals(0.0, w1After.getDouble(u, k), 0.0, "outgoing " + u + "->" + k);
                    }
                }
            } else {
                assertEquals(w0.getColumn(u), w0After.getColumn(u), "kept unit " + u);
                assertEquals(b0.getDouble(u), b0After.getDouble(u), 0.0, "kept bias " + u);
                for (int k = 0; k < 5; k++) {
                    if (k != 1) {
                        assertEquals(w1.getDouble(u, k), w1After.getDouble(u, k), 0.0, "kept weight " + u + "->" + k);
                    }
                }
            }
        }
    }
}
