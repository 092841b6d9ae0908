/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import org.deeplearning4j.nn.api.Layer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where layers that count their own gates (the {@code GateMonitorLayer} implementation) publish their counts, and
 * where a listener takes them: the exchange between the API package {@code layers} and the engine, so that no
 * internal type appears in a public signature of the layer.
 *
 * <p>Per layer object (identity, not {@code equals}: DL4J layers compare by value): the gate counts of the counted
 * forward passes since the last {@link #take(Layer)}, and the per-unit L1 sums of the incoming and of the blocked
 * gradient of the backward passes since then. A layer's entry is held through a weak reference, so a network that
 * is no longer used leaves nothing behind, and a clone (a ParallelWrapper replica, another network) has its own.
 * Thread-safe: a layer records from its training thread while a listener may take from another.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class GateMonitorCounts {
    private static final Logger log = LoggerFactory.getLogger(GateMonitorCounts.class);

    private static final Object LOCK = new Object();
    private static final ReferenceQueue<Layer> QUEUE = new ReferenceQueue<>();
    private static final Map<Key, State> STATES = new HashMap<>();

    private GateMonitorCounts() {
    }

    /** A layer by identity, held weakly. */
    private static final class Key extends WeakReference<Layer> {
        private final int hash;

        Key(Layer layer, ReferenceQueue<Layer> queue) {
            super(layer, queue);
            this.hash = System.identityHashCode(layer);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            Layer mine = get();
            return this == o || o instanceof Key k && mine != null && mine == k.get();
        }
    }

    /** What one layer gathered since the last take. */
    private static final class State {
        UnitCounts pending;
        double[] gradientL1;
        double[] blockedL1;
    }

    /**
     * Adds the counts of one counted forward pass of a layer.
     *
     * @param layer  the layer that counted
     * @param counts its counts
     * @param name   the layer's name, for the WARN when its number of units changes (earlier counts are dropped)
     */
    public static void record(Layer layer, UnitCounts counts, String name) {
        Objects.requireNonNull(layer, "layer");
        Objects.requireNonNull(counts, "counts");
        synchronized (LOCK) {
            State s = state(layer, true);
            if (s.pending != null && s.pending.units() != counts.units()) {
                log.warn("GateMonitorLayer {}: the number of units changed from {} to {}; earlier counts were "
                        + "dropped", name, s.pending.units(), counts.units());
                s.pending = null;
            }
            s.pending = s.pending == null ? counts : s.pending.plus(counts);
        }
    }

    /**
     * Adds the per-unit gradient sums of one backward pass of a layer.
     *
     * @param layer   the layer
     * @param grad    per unit, the L1 norm of the incoming gradient {@code dL/da} over the entries that count
     * @param blocked per unit, the part of it the closed gates blocked
     * @throws IllegalArgumentException when the arrays differ in length
     */
    public static void recordBlocked(Layer layer, double[] grad, double[] blocked) {
        Objects.requireNonNull(layer, "layer");
        if (grad.length != blocked.length) {
            throw new IllegalArgumentException("blocked must have one sum per unit (" + grad.length + "), got: "
                    + blocked.length);
        }
        synchronized (LOCK) {
            State s = state(layer, true);
            if (s.gradientL1 == null || s.gradientL1.length != grad.length) {
                s.gradientL1 = grad.clone();
                s.blockedL1 = blocked.clone();
                return;
            }
            for (int u = 0; u < grad.length; u++) {
                s.gradientL1[u] += grad[u];
                s.blockedL1[u] += blocked[u];
            }
        }
    }

    /**
     * The counts a layer gathered since the last {@link #take(Layer)}, left in place: what a listener reads in its
     * forward-pass callback (the counts of the forward pass that just ran) before it takes them in
     * {@code iterationDone}.
     *
     * @param layer the layer
     * @return the counts, or null when no counted forward pass happened since the last take
     */
    public static UnitCounts peek(Layer layer) {
        Objects.requireNonNull(layer, "layer");
        synchronized (LOCK) {
            State s = state(layer, false);
            return s == null ? null : s.pending;
        }
    }

    /**
     * Returns the counts a layer gathered since the last call, and forgets them together with its gradient sums.
     *
     * @param layer the layer
     * @return the counts, or null when no counted forward pass happened since the last call
     */
    public static UnitCounts take(Layer layer) {
        Objects.requireNonNull(layer, "layer");
        synchronized (LOCK) {
            State s = state(layer, false);
            if (s == null) {
                return null;
            }
            UnitCounts c = s.pending;
            s.pending = null;
            s.gradientL1 = null;
            s.blockedL1 = null;
            return c;
        }
    }

    /**
     * The share of the incoming gradient {@code |dL/da|} that a layer's closed gates blocked, over all its units and
     * the backward passes since the last {@link #take(Layer)}: blocked L1 / incoming L1 (0 when the incoming gradient
     * was all zero).
     *
     * @param layer the layer
     * @return the share, or empty when no backward pass happened since the last take
     */
    public static OptionalDouble blockedGradientShare(Layer layer) {
        Objects.requireNonNull(layer, "layer");
        synchronized (LOCK) {
            State s = state(layer, false);
            if (s == null || s.gradientL1 == null) {
                return OptionalDouble.empty();
            }
            double g = 0;
            double b = 0;
            for (int u = 0; u < s.gradientL1.length; u++) {
                g += s.gradientL1[u];
                b += s.blockedL1[u];
            }
            return OptionalDouble.of(g > 0 ? Math.min(1.0, b / g) : 0.0);
        }
    }

    /**
     * The per-unit share of the incoming gradient that a layer's closed gates blocked, over the backward passes
     * since the last {@link #take(Layer)} (0 for a unit whose incoming gradient was all zero).
     *
     * @param layer the layer
     * @return one share per unit, or an empty array when no backward pass happened since the last take
     */
    public static double[] unitBlockedGradientShares(Layer layer) {
        Objects.requireNonNull(layer, "layer");
        synchronized (LOCK) {
            State s = state(layer, false);
            if (s == null || s.gradientL1 == null) {
                return new double[0];
            }
            double[] r = new double[s.gradientL1.length];
            for (int u = 0; u < r.length; u++) {
                r[u] = s.gradientL1[u] > 0 ? Math.min(1.0, s.blockedL1[u] / s.gradientL1[u]) : 0.0;
            }
            return r;
        }
    }

    /**
     * The number of layers with an entry (entries of collected layers are dropped on every call).
     *
     * @return the number of live entries
     */
    static int size() {
        synchronized (LOCK) {
            expunge();
            return STATES.size();
        }
    }

    /** The state of a layer, created when asked; call with the lock held. */
    private static State state(Layer layer, boolean create) {
        expunge();
        Key probe = new Key(layer, null);
        State s = STATES.get(probe);
        if (s == null && create) {
            s = new State();
            STATES.put(new Key(layer, QUEUE), s);
        }
        return s;
    }

    /** Drops the entries of layers that were garbage collected; call with the lock held. */
    private static void expunge() {
        for (Object k; (k = QUEUE.poll()) != null; ) {
            STATES.remove(k);
        }
    }
}
