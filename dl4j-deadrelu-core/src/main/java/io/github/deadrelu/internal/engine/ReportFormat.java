/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.Locale;
import java.util.Map;

/**
 * The report text of every front end, in one place: the summary line and the dead-unit WARN. The listener and the
 * aggregator log exactly these words for the same counts.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class ReportFormat {
    /** Dead fraction above which a layer gets its one WARN. */
    public static final double WARN_DEAD_FRACTION = 0.10;

    private ReportFormat() {
    }

    /**
     * The summary line: per layer dead units, dead fraction and closed share, then "(estimated)" when the counts were
     * estimated, the negative share of an ungated (leaky) layer, and re-initialised and non-finite counts when
     * non-zero.
     *
     * @param snap        the snapshot
     * @param specsByName the monitored layers by name (for which layers are gated); a layer not in it is reported as
     *                    gated
     * @return the line
     */
    public static String summaryLine(GateSnapshot snap, Map<String, LayerSpec> specsByName) {
        StringBuilder sb = new StringBuilder("dead ReLUs at iteration ").append(snap.iteration()).append(':');
        boolean first = true;
        for (LayerGates g : snap.layers()) {
            sb.append(first ? " " : "; ");
            first = false;
            LayerSpec s = specsByName.get(g.name());
            sb.append(String.format(Locale.ROOT, "%s %d/%d dead (%.1f%%) closed %.1f%%", g.name(),
                    g.deadUnits().length, g.units(), 100 * g.deadFraction(), 100 * g.closedShare()));
            if (g.estimated()) {
                sb.append(" (estimated)");
            }
            if (s != null && !s.gate().isGated()) {
                sb.append(String.format(Locale.ROOT, " negative %.1f%%", 100 * g.negativeShare()));
            }
            if (g.reinitialized() > 0) {
                sb.append(" re-initialised ").append(g.reinitialized());
            }
            if (g.nonFinite() > 0) {
                sb.append(" non-finite ").append(g.nonFinite());
            }
        }
        return sb.toString();
    }

    /**
     * The one WARN of a layer whose dead fraction first exceeds {@link #WARN_DEAD_FRACTION}.
     *
     * @param g         the layer
     * @param iteration the iteration
     * @return the text, naming the remedies and whether the layer is recoverable
     */
    public static String deadWarning(LayerGates g, int iteration) {
        return String.format(Locale.ROOT,
                "%d of %d ReLU units (%.1f%%) of layer %s (index %d) are dead at iteration %d: closed on every input "
                        + "they saw, so they pass no gradient. %s Remedies: lower the learning rate or clip "
                        + "gradients, use Leaky ReLU, or let DeadReluListener re-initialise dead units "
                        + "(builder().reinitialize(ReinitPolicy.builder().build())), or with several workers call "
                        + "DeadReluAggregator.reinitialize() between fit calls.",
                g.deadUnits().length, g.units(), 100 * g.deadFraction(), g.name(), g.index(), iteration,
                g.recoverable()
                        ? "They are recoverable: trainable layers upstream can still reopen them."
                        : "They are not recoverable: nothing upstream of their incoming weights is trainable, so "
                        + "only re-initialisation brings them back.");
    }

    /**
     * Up to ten unit indices, for log lines.
     *
     * @param units the units
     * @return e.g. {@code [0, 2]} or {@code [0, 1, ..., 9, ...]}
     */
    public static String unitList(int[] units) {
        int shown = Math.min(units.length, 10);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(units[i]);
        }
        return sb.append(units.length > shown ? ", ...]" : "]").toString();
    }
}
