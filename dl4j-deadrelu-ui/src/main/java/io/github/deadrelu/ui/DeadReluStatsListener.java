/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.stats.GateSnapshot;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TrainingListener} that finds dead ReLUs as {@link DeadReluListener} does and publishes every iteration's
 * per-layer numbers to a {@link StatsStorageRouter}, where DL4J's training UI shows them on the {@code /deadrelu} page
 * ({@link DeadReluModule}). Attach it as DL4J's {@code StatsListener} is attached:
 * <pre>{@code
 * UIServer ui = UIServer.getInstance();
 * StatsStorage storage = new InMemoryStatsStorage();   // or new FileStatsStorage(file)
 * ui.attach(storage);
 * net.addListeners(new StatsListener(storage), new DeadReluStatsListener(storage));
 * net.fit(trainIterator, 5);                            // http://localhost:9000/deadrelu
 * }</pre>
 * For a UI in another JVM (Spark, remote training) route through
 * {@code new RemoteUIStatsStorageRouter("http://host:9000")} with {@code ui.enableRemoteListener()} on the UI side.
 *
 * <p>Every callback is delegated to an internal {@link DeadReluListener} (the core listener's defaults unless one is
 * given: monitor only, dead after 1024 examples, a summary line every 100 iterations), so the page shows the numbers
 * that listener's {@link DeadReluListener#snapshot() snapshots} hold, every iteration. After each
 * {@code iterationDone} the new snapshots are collected; they are put to the router as one {@link DeadReluPersistable}
 * (type ID {@value DeadReluPersistable#TYPE_ID}) at the first iteration, then at most every
 * {@value #FLUSH_INTERVAL_MS} ms, at every {@code onEpochEnd} and at {@link #flush()}: a file storage commits once per
 * record and a remote router posts once per record, so a record per iteration would cost a disk sync or an HTTP request
 * per step. The first record is also put as the session's static info.
 *
 * <p>Never in the way of training: a router that throws disables publishing with one WARN; monitoring goes on.
 * Serialisable: the delegate's configuration and a serialisable router (such as
 * {@code RemoteUIStatsStorageRouter}) travel; a router that is not serialisable (an in-memory or file storage) does
 * not, and a deserialised listener without one monitors without publishing (one WARN). A deserialised listener starts
 * a new session.
 */
public final class DeadReluStatsListener extends ForwardingListener implements TrainingListener, Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DeadReluStatsListener.class);

    /** Milliseconds between two records while training: collected snapshots are put at most this often. */
    public static final long FLUSH_INTERVAL_MS = 500;

    /** The core listener every callback goes to (its configuration is serialised, its state is not). */
    private final DeadReluListener delegate;
    /** Written by writeObject only when serialisable. */
    private transient StatsStorageRouter router;

    private transient Object lock;
    private transient String sessionID;
    private transient String workerID;
    private transient GateSnapshot lastCollected;
    private transient boolean staticInfoPut;
    private transient long lastTimestamp;
    private transient long sequence;
    private transient List<GateSnapshot> pending;
    private transient long lastFlushNanos;
    /** Package-private for tests: the minimum time between two records. */
    transient long flushIntervalNanos;
    private transient boolean publishingDisabled;

    /**
     * A listener with the core listener's defaults that publishes to {@code router}.
     *
     * @param router where to publish: a {@code StatsStorage} attached to the UI, or a
     *               {@code RemoteUIStatsStorageRouter}
     * @throws NullPointerException when {@code router} is null
     */
    public DeadReluStatsListener(StatsStorageRouter router) {
        this(router, DeadReluListener.builder().build());
    }

    /**
     * A listener that publishes the snapshots of the given core listener, for instance one that re-initialises dead
     * units (the page then marks the events). Do not also add {@code listener} to the network: this listener calls it.
     *
     * @param router   where to publish
     * @param listener the core listener to delegate every callback to; its {@link DeadReluListener#snapshot()} and
     *                 {@link DeadReluListener#history()} stay usable
     * @throws NullPointerException when {@code router} or {@code listener} is null
     */
    public DeadReluStatsListener(StatsStorageRouter router, DeadReluListener listener) {
        super(listener);
        this.router = Objects.requireNonNull(router, "router");
        this.delegate = listener;
        initState();
    }

    private void initState() {
        lock = new Object();
        sessionID = UUID.randomUUID().toString();
        workerID = "deadrelu_" + UUID.randomUUID().toString().substring(0, 8);
        lastCollected = null;
        staticInfoPut = false;
        lastTimestamp = Long.MIN_VALUE;
        sequence = 0;
        pending = new ArrayList<>();
        lastFlushNanos = 0;
        flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(FLUSH_INTERVAL_MS);
        publishingDisabled = false;
    }

    /** @return the StatsStorage session ID this listener publishes under (new for a deserialised listener) */
    public String sessionID() {
        return sessionID;
    }

    /** @return the StatsStorage worker ID this listener publishes under */
    public String workerID() {
        return workerID;
    }

    /** @return the router this listener publishes to, or null (deserialised without a serialisable one) */
    StatsStorageRouter router() {
        return router;
    }

    /** @return the core listener every callback is delegated to */
    public DeadReluListener delegate() {
        return delegate;
    }

    /**
     * Puts the snapshots collected so far to the router now (also done at most every {@value #FLUSH_INTERVAL_MS} ms
     * while training and at every epoch end). Call it after training that does not end an epoch (such as
     * {@code net.fit(DataSet)} in a loop) before closing a file storage. Never throws: a failure disables publishing
     * with one WARN.
     */
    public void flush() {
        publish(true);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        super.iterationDone(model, iteration, epoch);
        publish(false);
    }

    @Override
    public void onEpochEnd(Model model) {
        super.onEpochEnd(model);
        publish(true);
    }

    /**
     * Collects the snapshots taken since the last call and puts them when {@code now}, at the first iteration, or when
     * the flush interval has passed; a failure disables publishing with one WARN.
     */
    private void publish(boolean now) {
        synchronized (lock) {
            if (publishingDisabled) {
                return;
            }
            if (router == null) {
                publishingDisabled = true;
                log.warn("DeadReluStatsListener: no StatsStorageRouter after deserialisation (the router was not "
                        + "serialisable); dead-ReLU numbers are not published to the UI");
                return;
            }
            try {
                collect();
                long t = System.nanoTime();
                if (!pending.isEmpty() && (now || sequence == 0 || t - lastFlushNanos >= flushIntervalNanos)) {
                    put(pending);
                    pending = new ArrayList<>();
                    lastFlushNanos = t;
                }
            } catch (RuntimeException e) {
                publishingDisabled = true;
                pending = new ArrayList<>();
                log.warn("DeadReluStatsListener: publishing to {} failed, dead-ReLU numbers are no longer published "
                        + "to the UI (training and monitoring go on): {}", router, e.toString());
            }
        }
    }

    /** Appends the delegate's snapshots after the last collected one to {@code pending}. */
    private void collect() {
        // All of the history on the first call, or when more snapshots were taken since the last call than it keeps.
        List<GateSnapshot> history = delegate.history();
        int from = history.size();
        while (from > 0 && history.get(from - 1) != lastCollected) {
            from--;
        }
        for (int i = from; i < history.size(); i++) {
            GateSnapshot s = history.get(i);
            if (!s.isEmpty()) {
                pending.add(s);
            }
            lastCollected = s;
        }
    }

    private void put(List<GateSnapshot> snapshots) {
        long ts = Math.max(System.currentTimeMillis(), lastTimestamp + 1); // storages key updates by timestamp
        lastTimestamp = ts;
        DeadReluPersistable p = new DeadReluPersistable(sessionID, workerID, ts, sequence++, snapshots);
        if (!staticInfoPut) {
            router.putStaticInfo(p);
            staticInfoPut = true;
        }
        router.putUpdate(p);
    }

    /**
     * Writes the delegate and the router when it is serialisable (null otherwise).
     *
     * @param out the stream
     * @throws IOException when writing fails
     */
    private void writeObject(ObjectOutputStream out) throws IOException {
        out.defaultWriteObject();
        out.writeObject(router instanceof Serializable ? router : null);
    }

    /**
     * Reads what {@link #writeObject} wrote and starts a new session.
     *
     * @param in the stream
     * @throws IOException            when reading fails
     * @throws ClassNotFoundException when the router's class is missing
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        router = (StatsStorageRouter) in.readObject();
        initState();
    }

    @Override
    public String toString() {
        return "DeadReluStatsListener(router=" + router + ", session=" + sessionID + ", delegate=" + delegate + ")";
    }
}
