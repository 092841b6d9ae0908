/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.BiConsumer;
import org.deeplearning4j.nn.api.Model;

/**
 * The engine state of each network a listener is attached to, keyed by model identity: one listener fitted on two
 * networks alternately tracks each on its own, and switching back to an earlier network (after training a
 * {@code TransferLearning} copy, say) finds its state again. Bounded: the {@value #MAX_NETWORKS} most recently used
 * networks are kept; models are held weakly.
 *
 * <p>Concurrent replicas of one network (ParallelWrapper workers: new model objects every {@code fit}, trained at the
 * same time) share the state of the oldest network of their structure: with {@code replicated} set, every model is
 * matched by structure (once per model object).
 *
 * <p>Not thread-safe: the caller serialises access. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 */
public final class ModelStates {
    /** Distinct networks kept. */
    public static final int MAX_NETWORKS = 4;
    /** Model objects remembered (replicas included). */
    private static final int MAX_MODELS = 64;

    private static final class Slot {
        final WeakReference<Model> model;
        final ModelState state;
        final long created;
        /** Replicated mode: the state of the oldest network of the same structure (computed once). */
        ModelState shared;

        Slot(Model model, ModelState state, long created) {
            this.model = new WeakReference<>(model);
            this.state = state;
            this.created = created;
        }
    }

    private final MonitorConfig config;
    private final FailureGuard guard;
    private final BiConsumer<Model, ModelState> discovered;
    /** Most recently used last. */
    private final ArrayDeque<Slot> slots = new ArrayDeque<>();
    private long created;

    /**
     * A registry.
     *
     * @param config the options of every state
     * @param guard  where the WARNs go
     */
    public ModelStates(MonitorConfig config, FailureGuard guard) {
        this(config, guard, (m, s) -> { });
    }

    /**
     * A registry that announces every network it discovers.
     *
     * @param config     the options of every state
     * @param guard      where the WARNs go
     * @param discovered called with each network and its new state right after discovery (the attach line, the
     *                   report header); a failure inside it is caught by the guard
     */
    public ModelStates(MonitorConfig config, FailureGuard guard, BiConsumer<Model, ModelState> discovered) {
        this.config = config;
        this.guard = guard;
        this.discovered = discovered;
    }

    /**
     * The state of a network, created (its layers discovered) the first time.
     *
     * @param model      a supported model
     * @param replicated whether the listener runs on concurrent replicas (then an unknown model of a known structure
     *                   shares that structure's state)
     * @return its state
     * @throws IllegalArgumentException when the model is neither a MultiLayerNetwork nor a ComputationGraph
     */
    public ModelState of(Model model, boolean replicated) {
        for (Iterator<Slot> it = slots.descendingIterator(); it.hasNext(); ) {
            Slot s = it.next();
            if (s.model.get() == model) {
                if (slots.peekLast() != s) {
                    it.remove();
                    slots.addLast(s);
                }
                return replicated ? shared(s) : s.state;
            }
        }
        Slot slot = new Slot(model, new ModelState(model, config, guard), created++);
        if (!slots.isEmpty() && !replicated) {
            guard.log().info("{}: attached to a different network; it is tracked on its own from now on",
                    guard.who());
        }
        slots.addLast(slot);
        ModelState r = replicated ? shared(slot) : slot.state;
        if (r == slot.state) {
            guard.callback("attach", () -> discovered.accept(model, slot.state));
        }
        trim();
        return r;
    }

    /**
     * The state concurrent replicas share: the one of the oldest known network of the same structure. A replica that
     * was discovered before the listener knew it runs on replicas gets its state replaced by the shared one here.
     */
    private ModelState shared(Slot slot) {
        if (slot.shared == null) {
            Slot oldest = slot;
            for (Slot s : slots) {
                if (s.created < oldest.created && s.state.structure().equals(slot.state.structure())) {
                    oldest = s;
                }
            }
            slot.shared = oldest.shared != null ? oldest.shared : oldest.state;
        }
        return slot.shared;
    }

    /** Forgets collected models, then the oldest models beyond the bounds (and networks beyond the bound). */
    private void trim() {
        slots.removeIf(s -> s.model.get() == null);
        while (slots.size() > MAX_MODELS) {
            slots.removeFirst();
        }
        Set<ModelState> states = new LinkedHashSet<>();
        for (Iterator<Slot> it = slots.descendingIterator(); it.hasNext(); ) {
            states.add(key(it.next()));
        }
        if (states.size() > MAX_NETWORKS) {
            Set<ModelState> keep = new LinkedHashSet<>();
            for (ModelState s : states) {
                if (keep.size() < MAX_NETWORKS) {
                    keep.add(s);
                }
            }
            slots.removeIf(s -> !keep.contains(key(s)));
        }
    }

    /** The state a slot's model is tracked in. */
    private static ModelState key(Slot s) {
        return s.shared != null ? s.shared : s.state;
    }
}
