/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.UnitCounts;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Merges the counts of concurrent replicas into rounds: ParallelWrapper feeds one mini-batch to each worker per round
 * and finishes the round before it feeds the next; Spark's averaging rounds are merged per iteration the same way.
 * A round is one iteration of every replica, its counts summed before anything is tracked, so a unit is dead only when
 * it is closed on every worker's data.
 *
 * <p>Rounds are formed by arrival, not by iteration number (a replica built while the root model was already one step
 * into a {@code fit} counts one ahead of the root for that whole {@code fit}). The open round is closed
 * <ul>
 * <li>when a member already in it arrives again (it starts the next round);</li>
 * <li>when the replica set changes: a member never seen before arrives while the open round already has as many
 *     members as the largest round so far (ParallelWrapper builds new replica objects for every {@code fit}, so the
 *     previous fit's last round is complete);</li>
 * <li>at a fit or epoch boundary, and when the results are read after {@code fit} returned ({@link #close()}).</li>
 * </ul>
 *
 * <p>Not thread-safe: the caller serialises access. Used by dl4j-deadrelu internals, and should not be called by
 * external code.
 */
public final class RoundMerger {
    /** The merged counts of one round. */
    public static final class Round {
        private final Set<Object> members;
        private final Map<String, UnitCounts> counts = new LinkedHashMap<>();
        private final Map<String, OptionalDouble> blocked = new HashMap<>();
        private int iteration = Integer.MAX_VALUE;
        private int epoch;

        private Round(boolean identity) {
            members = identity ? Collections.newSetFromMap(new IdentityHashMap<>()) : new java.util.HashSet<>();
        }

        private void add(Object member, Map<String, UnitCounts> c, Map<String, OptionalDouble> b, int it, int ep) {
            members.add(member);
            for (Map.Entry<String, UnitCounts> en : c.entrySet()) {
                counts.merge(en.getKey(), en.getValue(), UnitCounts::plus);
            }
            for (Map.Entry<String, OptionalDouble> en : b.entrySet()) {
                if (en.getValue().isPresent() || !blocked.containsKey(en.getKey())) {
                    blocked.put(en.getKey(), en.getValue());
                }
            }
            iteration = Math.min(iteration, it);
            epoch = Math.max(epoch, ep);
        }

        /** @return the summed counts per layer */
        public Map<String, UnitCounts> counts() {
            return counts;
        }

        /** @return the blocked-gradient shares per monitor layer (a present value wins) */
        public Map<String, OptionalDouble> blocked() {
            return blocked;
        }

        /** @return the lowest iteration of its members */
        public int iteration() {
            return iteration;
        }

        /** @return the highest epoch of its members */
        public int epoch() {
            return epoch;
        }

        /** @return how many members (replicas) it merged */
        public int size() {
            return members.size();
        }
    }

    /** Model members remembered as seen (replicas of the last few fits). */
    private static final int MAX_SEEN = 64;

    private final boolean identity;
    /** Members seen, most recent last; models held weakly and compared by identity (their equals compares params). */
    private final java.util.ArrayDeque<java.lang.ref.WeakReference<Object>> seenModels = new java.util.ArrayDeque<>();
    private final Set<Object> seenIds = new java.util.HashSet<>();
    private Round open;
    private int largest;

    /**
     * A merger.
     *
     * @param identity true when members are model objects (compared by identity, held weakly), false when they are
     *                 worker IDs (compared by equality)
     */
    public RoundMerger(boolean identity) {
        this.identity = identity;
    }

    /**
     * Adds one member's iteration.
     *
     * @param member    the replica (model object or worker ID)
     * @param counts    its counts
     * @param blocked   its blocked-gradient shares
     * @param iteration its iteration
     * @param epoch     its epoch
     * @return the round this closed, or null
     */
    public Round add(Object member, Map<String, UnitCounts> counts, Map<String, OptionalDouble> blocked,
                     int iteration, int epoch) {
        Round closed = null;
        boolean unseen = !containsSeen(member);
        if (open != null && (open.members.contains(member) || (unseen && largest > 0 && open.size() >= largest))) {
            closed = close();
        }
        if (open == null) {
            open = new Round(identity);
        }
        open.add(member, counts, blocked, iteration, epoch);
        if (unseen) {
            remember(member);
        }
        return closed;
    }

    private boolean containsSeen(Object member) {
        if (!identity) {
            return seenIds.contains(member);
        }
        for (java.lang.ref.WeakReference<Object> r : seenModels) {
            if (r.get() == member) {
                return true;
            }
        }
        return false;
    }

    private void remember(Object member) {
        if (!identity) {
            seenIds.add(member);
            return;
        }
        seenModels.removeIf(r -> r.get() == null);
        seenModels.addLast(new java.lang.ref.WeakReference<>(member));
        while (seenModels.size() > MAX_SEEN) {
            seenModels.removeFirst();
        }
    }

    /**
     * Closes the open round (fit/epoch boundary, or results read after {@code fit} returned).
     *
     * @return the closed round, or null when none was open
     */
    public Round close() {
        Round r = open;
        open = null;
        if (r != null) {
            largest = Math.max(largest, r.size());
        }
        return r;
    }

    /** @return whether a round is open */
    public boolean hasOpen() {
        return open != null;
    }

    /** Forgets the open round and the members seen (a different network). */
    public void reset() {
        open = null;
        largest = 0;
        seenModels.clear();
        seenIds.clear();
    }
}
