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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
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
            calls++;
            if (fail) {
                throw new IllegalStateException("router down (injected)");
            }
            statics.add(p);
        }

        @Override
        public void putStaticInfo(Collection<? extends Persistable> ps) {
            ps.forEach(this::putStaticInfo);
        }

        @Override
        public void putUpdate(Persistable p) {
            calls++;
            if (fail) {
                throw new IllegalStateException("router down (injected)");
            }
            updates.add(p);
        }

        @Override
        public void putUpdate(Collection<? extends Persistable> ps) {
            ps.forEach(this::putUpdate);
        }
    }

    @Test
    void constructor_nullRouter() {
        var e = assertThrows(NullPointerException.class, () -> new DeadReluStatsListener(null));
        assertTrue(e.getMessage().contains("router"));
        var e2 = assertThrows(NullPointerException.class,
                () -> new DeadReluStatsListener(new RecordingRouter(), null));
        assertTrue(e2.getMessage().contains("listener"));
    }

    @Test
    @Timeout(60)
    void iterationDone_publishesEverySnapshotOfTheDelegate() {
        RecordingRouter router = new RecordingRouter();
        DeadReluListener core = DeadReluListener.builder().logReports(false).build();
        DeadReluStatsListener stats = new DeadReluStatsListener(router, core);
        MultiLayerNetwork net = UiFixture.plantedNet(21);
        net.addListeners(stats);
        UiFixture.train(net, 30);

        List<GateSnapshot> history = core.history();
        assertEquals(30, history.size());
        assertEquals(30, router.updates.size());
        assertEquals(1, router.statics.size());
        long previous = Long.MIN_VALUE;
        for (int i = 0; i < 30; i++) {
            DeadReluPersistable p = (DeadReluPersistable) router.updates.get(i);
            GateSnapshot s = history.get(i);
            assertEquals(DeadReluPersistable.TYPE_ID, p.getTypeID());
            assertEquals(stats.sessionID(), p.getSessionID());
            assertEquals(i, p.sequence());
            assertTrue(p.getTimeStamp() > previous, "timestamps are the storage key: strictly increasing");
            previous = p.getTimeStamp();
            assertEquals(s.iteration(), p.iteration());
            assertEquals(s.layers().size(), p.layerCount());
            for (int l = 0; l < p.layerCount(); l++) {
                LayerGates g = s.layers().get(l);
                assertEquals(g.name(), p.layer(l));
                assertEquals(g.units(), p.units(l));
                assertEquals(g.closedShare(), p.closedShare(l));
                assertEquals(g.deadFraction(), p.deadFraction(l));
                assertEquals(g.reinitialized(), p.reinitialized(l));
            }
        }
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

        DeadReluStatsListener copy = roundTrip(original);
        assertNotEquals(original.sessionID(), copy.sessionID(), "a deserialised listener starts a new session");
        RecordingRouter copiedRouter = (RecordingRouter) copy.router();
        assertEquals(5, copiedRouter.updates.size(), "the serialisable router travelled");
        MultiLayerNetwork second = UiFixture.plantedNet(24);
        second.addListeners(copy);
        UiFixture.train(second, 7);
        assertEquals(12, copiedRouter.updates.size());
        assertEquals(copy.sessionID(), copiedRouter.updates.get(11).getSessionID());
        assertEquals(6, copy.delegate().snapshot().iteration());
    }

    @Test
    @Timeout(60)
    void serialization_storageRouterNotSerialisable_monitorsWithoutPublishing() throws Exception {
        DeadReluStatsListener copy = roundTrip(new DeadReluStatsListener(new InMemoryStatsStorage()));
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
        net.addListeners(new DeadReluStatsListener(router));
        UiFixture.train(net, 3);
        DeadReluPersistable sent = (DeadReluPersistable) router.updates.get(2);

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
        assertEquals(2, r.iteration());
        assertEquals(2, r.sequence());
        assertEquals("layer1", r.layer(1));
        assertEquals(sent.closedShare(0), r.closedShare(0));
        var e = assertThrows(IllegalArgumentException.class, () -> new DeadReluPersistable().decode(new byte[8]));
        assertTrue(e.getMessage().contains("must start with"));
    }

    private static DeadReluStatsListener roundTrip(DeadReluStatsListener l) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(l);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (DeadReluStatsListener) in.readObject();
        }
    }
}
