/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The writes of one re-initialisation event, in plan order (a later write wins where two touch one entry), and their
 * all-or-nothing commit: the old value of every entry the event will touch is read first; then the writes run; on any
 * failure every write made so far (and the failing one) is undone in reverse order, so the network holds exactly its
 * old values again.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class Writes {

    /** A test seam: called before each write of a commit with its number (0, 1, ...) and the write. */
    interface Hook {
        /**
         * @param n     the number of the write in this commit
         * @param patch the write
         */
        void beforeWrite(int n, ParamPatch patch);
    }

    /** The hook of every commit in this JVM (tests only; null in production). */
    static volatile Hook hook;

    private final List<ParamPatch> list = new ArrayList<>();

    void add(ParamPatch p) {
        list.add(p);
    }

    void addAll(Writes other) {
        list.addAll(other.list);
    }

    boolean isEmpty() {
        return list.isEmpty();
    }

    List<ParamPatch> all() {
        return list;
    }

    /**
     * The writes that can change an entry: a write whose every entry a later write writes again (a consumer's rows
     * zeroed, then the same matrix re-drawn whole as the next layer's incoming weights; their optimizer state) is
     * left out, so its old values are neither copied nor restored (the later write's copy holds them).
     */
    private List<ParamPatch> live() {
        List<ParamPatch> live = new ArrayList<>(this.list.size());
        for (int i = 0; i < this.list.size(); i++) {
            boolean covered = false;
            for (int j = i + 1; j < this.list.size() && !covered; j++) {
                covered = this.list.get(i).coveredBy(this.list.get(j));
            }
            if (!covered) {
                live.add(this.list.get(i));
            }
        }
        return live;
    }

    /** The outcome of a commit: null fields when it succeeded. */
    static final class Outcome {
        /** The write that failed, or null. */
        final ParamPatch failed;
        /** The failure, or null. */
        final RuntimeException cause;
        /** False when undoing the writes failed too (the network may be half-written then). */
        final boolean restored;

        Outcome(ParamPatch failed, RuntimeException cause, boolean restored) {
            this.failed = failed;
            this.cause = cause;
            this.restored = restored;
        }

        boolean ok() {
            return cause == null;
        }
    }

    /**
     * Writes everything, all or nothing.
     *
     * @return the outcome (never throws a RuntimeException)
     */
    Outcome commit() {
        List<ParamPatch> list = live();
        List<INDArray> old = new ArrayList<>(list.size());
        try {
            for (ParamPatch p : list) {
                old.add(p.read());
            }
        } catch (RuntimeException e) {
            return new Outcome(list.get(old.size()), e, true);   // nothing written yet
        }
        int done = 0;
        Hook h = hook;
        try {
            for (; done < list.size(); done++) {
                if (h != null) {
                    h.beforeWrite(done, list.get(done));
                }
                list.get(done).apply();
            }
            return new Outcome(null, null, true);
        } catch (RuntimeException e) {
            boolean restored = true;
            for (int i = Math.min(done, list.size() - 1); i >= 0; i--) {
                try {
                    list.get(i).write(old.get(i));
                } catch (RuntimeException again) {
                    restored = false;
                    e.addSuppressed(again);
                }
            }
            return new Outcome(list.get(Math.min(done, list.size() - 1)), e, restored);
        }
    }
}
