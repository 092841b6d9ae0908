/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.internal.Models;
import io.github.deadrelu.internal.UnitCounts;
import io.github.deadrelu.internal.engine.FailureGuard;
import io.github.deadrelu.internal.engine.LayerCounting;
import io.github.deadrelu.internal.engine.ModelState;
import io.github.deadrelu.internal.engine.MonitorConfig;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker half of distributed dead-ReLU monitoring: counts the gates of the model it is attached to (with the same
 * counting code as {@link io.github.deadrelu.listeners.DeadReluListener}) and, in every {@code iterationDone},
 * publishes that iteration's counts as one {@link GateCountsUpdate} to its {@link StatsStorageRouter}. It keeps no
 * state beyond the current iteration and decides nothing: {@link DeadReluAggregator} sums the updates of all workers
 * and tracks dead units. Layers are keyed as the engine keys them ({@code ModelState.key}: the layer name, or
 * name@index when names repeat), so the aggregator matches them with its own network's layers.
 *
 * <p>DL4J clones it per ParallelWrapper worker ({@link #clone()}) and deserialises a copy per Spark task, injecting the
 * router each time, which is why the router field is transient. Normally created by
 * {@link DeadReluAggregator#attach}; use it directly only with a router of your own.
 *
 * <p>Never in the way of training: every callback body runs through the engine's failure guard, and a layer whose
 * gates cannot be counted is left out from then on with one WARN (the same guard as {@code DeadReluListener}'s).
 */
public final class DeadReluRoutingListener extends BaseTrainingListener implements RoutingIterationListener {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DeadReluRoutingListener.class);

    /** The aggregator's session the updates are published under. */
    private String sessionID;
    /** This worker's ID (set by DL4J per worker). */
    private String workerID;
    private transient StatsStorageRouter router;

    private transient Object lock;
    private transient FailureGuard guard;
    private transient Model specsModel;
    private transient ModelState state;
    private transient Map<String, UnitCounts> pending;

    /**
     * A listener publishing to the given session.
     *
     * @param sessionID the session ID, shared by all clones and copies (the aggregator accepts only its own)
     * @throws NullPointerException when {@code sessionID} is null
     */
    public DeadReluRoutingListener(String sessionID) {
        this.sessionID = Objects.requireNonNull(sessionID, "sessionID");
        this.workerID = "worker-" + UUID.randomUUID();
        initState();
    }

    private void initState() {
        lock = new Object();
        guard = new FailureGuard(log, "DeadReluRoutingListener");
        specsModel = null;
        state = null;
        pending = new LinkedHashMap<>();
    }

    /**
     * Restores session and worker ID; counts start empty and the router is injected by DL4J.
     *
     * @param in the stream
     * @throws IOException            when reading fails
     * @throws ClassNotFoundException when a class of the serialised form is missing
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        initState();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        guard.callback("onForwardPass", () -> {
            if (!Models.isMultiLayer(model) || activations == null || activations.isEmpty()) {
                return;
            }
            synchronized (lock) {
                LayerCounting.countMln(pending, discover(model), model, activations, guard);
            }
        });
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        guard.callback("onForwardPass", () -> {
            if (!Models.isGraph(model) || activations == null) {
                return;
            }
            synchronized (lock) {
                LayerCounting.countGraph(pending, discover(model), model, activations, guard);
            }
        });
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        guard.callback("iterationDone", () -> publish(model, iteration, epoch));
    }

    private void publish(Model model, int iteration, int epoch) {
        if (!Models.isSupported(model)) {
            return; // layer-wise pretraining passes the layer itself: not monitored
        }
        GateCountsUpdate update;
        synchronized (lock) {
            LayerCounting.takeMonitorCounts(pending, null, discover(model), model);
            if (pending.isEmpty()) {
                return;
            }
            update = new GateCountsUpdate(sessionID, workerID, System.currentTimeMillis(), iteration, epoch, pending);
            pending = new LinkedHashMap<>();
        }
        StatsStorageRouter r = router;
        if (r == null) {
            guard.warnOnceFor("router", "DeadReluRoutingListener: no StatsStorageRouter was set, so the gate counts "
                    + "of worker " + workerID + " go nowhere; attach with DeadReluAggregator.attach(...)");
            return;
        }
        r.putUpdate(update);
    }

    private ModelState discover(Model model) {
        if (state == null || specsModel != model) {
            state = new ModelState(model, MonitorConfig.defaults(), guard);
            specsModel = model;
            pending.clear();
        }
        return state;
    }

    @Override
    public void setStorageRouter(StatsStorageRouter router) {
        this.router = router;
    }

    @Override
    public StatsStorageRouter getStorageRouter() {
        return router;
    }

    @Override
    public void setWorkerID(String workerID) {
        this.workerID = Objects.requireNonNull(workerID, "workerID");
    }

    @Override
    public String getWorkerID() {
        return workerID;
    }

    @Override
    public void setSessionID(String sessionID) {
        this.sessionID = Objects.requireNonNull(sessionID, "sessionID");
    }

    @Override
    public String getSessionID() {
        return sessionID;
    }

    /**
     * A fresh listener for another worker: same session, worker ID and router, no counts (DL4J then sets the worker
     * ID and router of the clone).
     *
     * @return the clone
     */
    @Override
    public DeadReluRoutingListener clone() {
        DeadReluRoutingListener c = new DeadReluRoutingListener(sessionID);
        c.workerID = workerID;
        c.router = router;
        return c;
    }

    @Override
    public String toString() {
        return "DeadReluRoutingListener(sessionID=" + sessionID + ", workerID=" + workerID + ")";
    }
}
