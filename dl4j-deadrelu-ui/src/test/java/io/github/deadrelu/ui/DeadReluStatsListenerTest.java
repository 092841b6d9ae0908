/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** DeadReluStatsListener without a UI server: what it publishes, its failure guard, its serialisation. */
class DeadReluStatsListenerTest {

    /** A serialisable router that records what it is given (and can be told to fail). */
    static final class RecordingRouter implements StatsStorageRouter, Serializable {
        private static final long serialVersionUID = 1L;
        final List<Persistable> statics = new ArrayList<>();
        final List<Persistable> updates = new ArrayList<>();
        boolean fail;
        int calls;

        @Override
        public void putStorageMetaData(StorageMetaData m) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putStorageMetaData(Collection<? extends StorageMetaData> m) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void putStaticInfo(Persistable p) {
            receive(statics, p);
        }

        @Override
        public void putStaticInfo(Collection<? extends Persistable> ps) {
            ps.forEach(this::putStaticInfo);
        }

        @Override
        public void putUpdate(Persistable p) {
            receive(updates, p);
        }

        /** Counts the call, then fails when told to, else keeps the record. */
        private void receive(List<Persistable> into, Persistable p) {
            calls++;
            if (fail) {
                throw new IllegalStateException("router down (injected)");
            }
            into.add(p);
        }

        @Override
        public void putUpdate(Collection<? extends Persistable> ps) {
            ps.forEach(this::putUpdate);
        }
    }

    @Test
    @Timeout(60)
    void constructor_nullRouter() {
        var e = assertThrows(NullPointerException.class, () -> new DeadReluStatsListener(null));
        assertTrue(e.getMessage().contains("router"));
        var e2 = assertThrows(NullPointerException.class,
                () -> new DeadReluStatsListener(new RecordingRouter(), null));
        assertTrue(e2.getMessage().contains("listener"));
    }

    /** The snapshots of every record the router got, in order. */
    private static List<DeadReluPersistable> records(RecordingRouter router) {
        List<DeadReluPersistable> out = new ArrayList<>();
        router.updates.forEach(p -> out.add((DeadReluPersistable) p));
        return out;
    }

    private static int snapshots(RecordingRouter router) {
        return records(router).stream().mapToInt(DeadReluPersistable::snapshotCount).sum();
    }

    @Test
    @Timeout(60)
    void iterationDone_publishesEverySnapshotOfTheDelegate_firstAtOnceThenBatched() {
        RecordingRouter router = new RecordingRouter();
        DeadReluListener core = DeadReluListener.builder().logReports(false).build();
        DeadReluStatsListener stats = new DeadReluStatsListener(router, core);
        stats.flushIntervalNanos = Long.MAX_VALUE;
        MultiLayerNetwork net = UiFixture.plantedNet(21);
        net.addListeners(stats);
        UiFixture.train(net, 30);
        assertEquals(1, router.updates.size(), "the first iteration is put at once, the rest waits for a flush");
        assertEquals(1, records(router).get(0).snapshotCount());
        stats.flush();
        stats.flush();   // nothing new: no record

        List<GateSnapshot> history = core.history();
        assertEquals(30, history.size());
        List<DeadReluPersistable> records = records(router);
        assertEquals(2, records.size());
        assertEquals(29, records.get(1).snapshotCount());
        assertEquals(1, router.statics.size());
        assertTrue(records.get(1).getTimeStamp() > records.get(0).getTimeStamp(), "the storage key increases");
        int i = 0;
        for (int r = 0; r < records.size(); r++) {
            DeadReluPersistable p = records.get(r);
            assertEquals(DeadReluPersistable.TYPE_ID, p.getTypeID());
            assertEquals(stats.sessionID(), p.getSessionID());
            assertEquals(r, p.sequence());
            for (int s = 0; s < p.snapshotCount(); s++, i++) {
                GateSnapshot snap = history.get(i);
                assertEquals(snap.iteration(), p.iteration(s));
                assertEquals(snap.epoch(), p.epoch(s));
                assertEquals(snap.layers().size(), p.layerCount(s));
                for (int l = 0; l < p.layerCount(s); l++) {
                    LayerGates g = snap.layers().get(l);
                    assertEquals(g.name(), p.layer(s, l));
                    assertEquals(g.units(), p.units(s, l));
                    assertEquals(g.closedShare(), p.closedShare(s, l));
                    assertEquals(g.deadFraction(), p.deadFraction(s, l));
                    assertEquals(g.reinitialized(), p.reinitialized(s, l));
                }
            }
        }
        assertEquals(30, i);
    }

    @Test
    @Timeout(60)
    void iterationDone_intervalPassed_putsWithoutFlush() {
        RecordingRouter router = new RecordingRouter();
        DeadReluStatsListener stats = new DeadReluStatsListener(router);
        stats.flushIntervalNanos = 0;
        MultiLayerNetwork net = UiFixture.plantedNet(27);
        net.addListeners(stats);
        UiFixture.train(net, 10);
        assertEquals(10, router.updates.size(), "one record per iteration when the interval is 0");
        assertEquals(10, snapshots(router));
    }

    @Test
    @Timeout(60)
    void publish_routerThrows_trainingAndMonitoringGoOn_oneWarn() {
        RecordingRouter router = new RecordingRouter();
        router.fail = true;
        DeadReluListener core = DeadReluListener.builder().logReports(false).build();
        MultiLayerNetwork net = UiFixture.plantedNet(22);
        MultiLayerNetwork twin = UiFixture.plantedNet(22);
        net.addListeners(new DeadReluStatsListener(router, core));
        try (LogCapture logs = LogCapture.of(DeadReluStatsListener.class)) {
            UiFixture.train(net, 20);
            UiFixture.train(twin, 20);
            assertEquals(1, logs.messages(Level.WARN).size(), logs.messages(Level.WARN)::toString);
            assertTrue(logs.messages(Level.WARN).get(0).contains("router down (injected)"));
        }
        assertEquals(1, router.calls, "publishing is off after the first failure");
        assertEquals(19, core.snapshot().iteration(), "monitoring went on");
        assertEquals(twin.params(), net.params(), "training went on, unchanged");
    }

    @Test
    @Timeout(60)
    void serialization_roundTrip_thenTrains() throws Exception {
        RecordingRouter router = new RecordingRouter();
        DeadReluStatsListener original = new DeadReluStatsListener(router);
        MultiLayerNetwork first = UiFixture.plantedNet(23);
        first.addListeners(original);
        UiFixture.train(first, 5);
        original.flush();

        DeadReluStatsListener copy = Serial.roundTrip(original);
        assertNotEquals(original.sessionID(), copy.sessionID(), "a deserialised listener starts a new session");
        RecordingRouter copiedRouter = (RecordingRouter) copy.router();
        assertEquals(5, snapshots(copiedRouter), "the serialisable router travelled");
        MultiLayerNetwork second = UiFixture.plantedNet(24);
        second.addListeners(copy);
        UiFixture.train(second, 7);
        copy.flush();
        assertEquals(12, snapshots(copiedRouter));
        List<DeadReluPersistable> records = records(copiedRouter);
        DeadReluPersistable last = records.get(records.size() - 1);
        assertEquals(copy.sessionID(), last.getSessionID());
        assertEquals(6, last.iteration(last.snapshotCount() - 1));
        assertEquals(6, copy.delegate().snapshot().iteration());
    }

    @Test
    @Timeout(60)
    void serialization_storageRouterNotSerialisable_monitorsWithoutPublishing() throws Exception {
        DeadReluStatsListener copy = Serial.roundTrip(new DeadReluStatsListener(new InMemoryStatsStorage()));
        MultiLayerNetwork net = UiFixture.plantedNet(25);
        net.addListeners(copy);
        try (LogCapture logs = LogCapture.of(DeadReluStatsListener.class)) {
            UiFixture.train(net, 3);
            assertEquals(1, logs.messages(Level.WARN).size());
        }
        assertEquals(2, copy.delegate().snapshot().iteration());
    }

    /** The encoding the UI server's RemoteReceiverModule decodes: class name, Base64 of encode(), no-arg + decode. */
    @Test
    @Timeout(60)
    void persistable_remoteEncoding_roundTrip() throws Exception {
        RecordingRouter router = new RecordingRouter();
        MultiLayerNetwork net = UiFixture.plantedNet(26);
        DeadReluStatsListener stats = new DeadReluStatsListener(router);
        stats.flushIntervalNanos = Long.MAX_VALUE;
        net.addListeners(stats);
        UiFixture.train(net, 3);
        stats.flush();
        DeadReluPersistable sent = (DeadReluPersistable) router.updates.get(1);

        String className = sent.getClass().getName();
        String data = Base64.getEncoder().encodeToString(sent.encode());
        Persistable received = Class.forName(className).asSubclass(Persistable.class).getDeclaredConstructor()
                .newInstance();
        received.decode(Base64.getDecoder().decode(data));

        assertArrayEquals(sent.encode(), received.encode());
        DeadReluPersistable r = (DeadReluPersistable) received;
        assertEquals(sent.getSessionID(), r.getSessionID());
        assertEquals(sent.getWorkerID(), r.getWorkerID());
        assertEquals(sent.getTimeStamp(), r.getTimeStamp());
        assertEquals(1, r.sequence());
        assertEquals(2, r.snapshotCount());
        assertEquals(2, r.iteration(1));
        assertEquals("layer1", r.layer(1, 1));
        assertEquals(sent.closedShare(1, 0), r.closedShare(1, 0));
        var e = assertThrows(IllegalArgumentException.class, () -> new DeadReluPersistable().decode(new byte[8]));
        assertTrue(e.getMessage().contains("must start with"));
    }
}
