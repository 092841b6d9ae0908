/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.stats.GateSnapshot;
import java.util.List;

/**
 * A hook the engine calls at every summary, at every epoch end and at {@code close()} with what a report needs: the
 * latest snapshot, the bounded history and the WARN texts the front end logged. For a report renderer (an HTML file,
 * say); a failure inside it is caught by the engine's failure guard.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public interface EngineEvents {
    /** When the hook is called. */
    enum Moment {
        /** An iteration whose number is a multiple of the summary frequency. */
        SUMMARY,
        /** The end of an epoch. */
        EPOCH_END,
        /** {@code close()} of the front end. */
        CLOSE
    }

    /**
     * Called by the engine, with the front end's lock held; should return quickly.
     *
     * @param moment   why now
     * @param latest   the latest snapshot
     * @param history  the recent snapshots, oldest first (a copy)
     * @param warnings the WARN texts logged so far, oldest first, bounded (a copy)
     */
    void report(Moment moment, GateSnapshot latest, List<GateSnapshot> history, List<String> warnings);
}
