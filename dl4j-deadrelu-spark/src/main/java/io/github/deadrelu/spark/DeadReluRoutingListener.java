/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import io.github.deadrelu.internal.ActivationCounter;
import io.github.deadrelu.internal.GateCountSource;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.UnitCounts;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker half of distributed dead-ReLU monitoring: counts the gates of the model it is attached to (with the same
 * counting code as {@link io.github.deadrelu.listeners.DeadReluListener}) and, in every {@code iterationDone},
 * publishes that iteration's counts as one {@link GateCountsUpdate} to its {@link StatsStorageRouter}. It keeps no
 * state beyond the current iteration and decides nothing: {@link DeadReluAggregator} sums the updates of all workers
 * and tracks dead units.
 *
 * <p>DL4J clones it per ParallelWrapper worker ({@link #clone()}) and deserialises a copy per Spark task, injecting the
 * router each time, which is why the router field is transient. Normally created by
 * {@link DeadReluAggregator#attach}; use it directly only with a router of your own.
 */
public final class DeadReluRoutingListener extends BaseTrainingListener implements RoutingIterationListener {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(DeadReluRoutingListener.class);

    private String sessionID;
    private String workerID;
    private transient StatsStorageRouter router;

    private transient Object lock;
    private transient Model specsModel;
    private transient List<LayerSpec> specs;
    private transient Map<String, UnitCounts> pending;
    private transient Set<String> warned;

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
        specsModel = null;
        specs = null;
        pending = new LinkedHashMap<>();
        warned = new HashSet<>();
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        initState();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (!(model instanceof MultiLayerNetwork) || activations == null || activations.isEmpty()) {
            return;
        }
        synchronized (lock) {
            List<LayerSpec> ls = discover(model);
            long examples = activations.get(0).size(0);
            for (LayerSpec s : ls) {
                int idx = s.mlnIndex() + 1;
                if (s.monitorLayer() || idx >= activations.size() || activations.get(idx) == null) {
                    continue;
                }
                add(s.name(), ActivationCounter.count(model, s, activations.get(idx), examples, this::warnOnce));
            }
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (!(model instanceof ComputationGraph) || activations == null) {
            return;
        }
        synchronized (lock) {
            List<LayerSpec> ls = discover(model);
            ComputationGraph cg = (ComputationGraph) model;
            INDArray first = activations.get(cg.getConfiguration().getNetworkInputs().get(0));
            long examples = first == null ? 0 : first.size(0);
            for (LayerSpec s : ls) {
                INDArray act = activations.get(s.name());
                if (s.monitorLayer() || act == null) {
                    continue;
                }
                add(s.name(), ActivationCounter.count(model, s, act, examples, this::warnOnce));
            }
        }
    }

    private void add(String layer, UnitCounts c) {
        pending.merge(layer, c, UnitCounts::plus);
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        GateCountsUpdate update;
        synchronized (lock) {
            List<LayerSpec> ls = discover(model);
            for (LayerSpec s : ls) {
                if (s.monitorLayer()) {
                    Layer layer = ActivationCounter.layerOf(model, s.name(), s.mlnIndex());
                    if (layer instanceof GateCountSource) {
                        UnitCounts c = ((GateCountSource) layer).takeCounts();
                        if (c != null) {
                            add(s.name(), c);
                        }
                    }
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            update = new GateCountsUpdate(sessionID, workerID, System.currentTimeMillis(), iteration, epoch, pending);
            pending = new LinkedHashMap<>();
        }
        StatsStorageRouter r = router;
        if (r == null) {
            warnOnce("router", "DeadReluRoutingListener: no StatsStorageRouter was set, so the gate counts of worker "
                    + workerID + " go nowhere; attach with DeadReluAggregator.attach(...)");
            return;
        }
        r.putUpdate(update);
    }

    private List<LayerSpec> discover(Model model) {
        if (specs == null || specsModel != model) {
            specs = NetworkInspector.discover(model);
            specsModel = model;
            pending.clear();
        }
        return specs;
    }

    private void warnOnce(String key, String message) {
        synchronized (lock) {
            if (warned.add(key + '\u0000' + message)) {
                log.warn("{}", message);
            }
        }
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
