/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.Locale;
import java.util.function.IntFunction;

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
     * estimated, the negative share of an ungated (leaky) layer, and re-initialised, reopened and non-finite counts
     * when non-zero.
     *
     * @param snap   the snapshot
     * @param specOf the monitored layer of an index, or null (for which layers are gated); a layer without one is
     *               reported as gated
     * @return the line
     */
    public static String summaryLine(GateSnapshot snap, IntFunction<LayerSpec> specOf) {
        return summaryLine(snap, specOf, Double.NaN);
    }

    /**
     * The summary line with each layer's tau-dormant units ({@code dormant N}) when a dormancy threshold is set.
     *
     * @param snap              the snapshot
     * @param specOf            the monitored layer at an index, or null
     * @param dormancyThreshold the dormancy threshold, or NaN for none
     * @return the line
     */
    public static String summaryLine(GateSnapshot snap, IntFunction<LayerSpec> specOf, double dormancyThreshold) {
        StringBuilder sb = new StringBuilder("dead ReLUs at iteration ").append(snap.iteration()).append(':');
        boolean first = true;
        for (LayerGates g : snap.layers()) {
            sb.append(first ? " " : "; ");
            first = false;
            LayerSpec s = specOf.apply(g.index());
            sb.append(String.format(Locale.ROOT, "%s %d/%d dead (%.1f%%) closed %.1f%%", g.name(),
                    g.deadUnits().length, g.units(), 100 * g.deadFraction(), 100 * g.closedShare()));
            if (g.estimated()) {
                sb.append(" (estimated)");
            }
            if (s != null && !s.gate().isGated()) {
                sb.append(String.format(Locale.ROOT, " negative %.1f%%", 100 * g.negativeShare()));
            }
            if (!Double.isNaN(dormancyThreshold)) {
                sb.append(" dormant ").append(g.dormantUnits().length);
            }
            if (g.reinitialized() > 0) {
                sb.append(" re-initialised ").append(g.reinitialized());
            }
            if (g.reopened() > 0) {
                sb.append(" reopened ").append(g.reopened());
            }
            if (g.nonFinite() > 0) {
                sb.append(" non-finite ").append(g.nonFinite());
            }
        }
        return sb.toString();
    }

    /**
     * The one WARN of a layer whose dead fraction first exceeds {@link #WARN_DEAD_FRACTION}, with the remedies that
     * fit the situation: a frozen layer (never re-initialised: unfreeze it or ignore it), a policy already set (when
     * its next check is, or that the aggregator re-initialises on {@code reinitialize()}), otherwise the remedies for
     * a recoverable or a not recoverable layer.
     *
     * @param g         the layer
     * @param iteration the iteration
     * @param frozen    whether the layer's incoming weights are frozen
     * @param policy    the re-initialisation policy, or null when monitoring only
     * @param nextCheck the iteration of the policy's next periodic check, or -1 when re-initialisation runs on
     *                  {@code DeadReluAggregator.reinitialize()} only
     * @return the text
     */
    public static String deadWarning(LayerGates g, int iteration, boolean frozen, ReinitPolicy policy,
                                     long nextCheck) {
        String head = String.format(Locale.ROOT,
                "%d of %d ReLU units (%.1f%%) of layer %s (index %d) are dead at iteration %d: closed on every input "
                        + "they saw, so they pass no gradient.",
                g.deadUnits().length, g.units(), 100 * g.deadFraction(), g.name(), g.index(), iteration);
        String why = g.recoverable()
                ? " They are recoverable: trainable layers upstream can still reopen them."
                : " They are not recoverable: nothing upstream of their incoming weights is trainable, so only "
                + "re-initialisation brings them back.";
        if (frozen) {
            return head + " The layer is frozen: training does not change its weights and it is never "
                    + "re-initialised. Unfreeze it (fine-tune it) if these units matter, or ignore this warning.";
        }
        if (policy != null) {
            String when = nextCheck >= 0
                    ? " Re-initialisation is on (" + policy + "): its next check is at iteration " + nextCheck
                    + "; units at least " + policy.maturity() + " iterations old are re-drawn, at most "
                    + policy.maxUnits(Math.max(g.units(), 1)) + " of this layer per event."
                    : " Re-initialisation is on (" + policy + "): call DeadReluAggregator.reinitialize() between "
                    + "fit calls to re-draw them.";
            return head + why + when + " If many units keep dying, lower the learning rate or clip gradients.";
        }
        return head + why + " Remedies: lower the learning rate or clip gradients, use Leaky ReLU, or let "
                + "DeadReluListener re-initialise dead units (builder().reinitialize(ReinitPolicy.builder().build())), "
                + "or with several workers call DeadReluAggregator.reinitialize() between fit calls.";
    }

    /**
     * The one WARN of a layer at its first non-finite activations.
     *
     * @param layer     the layer name
     * @param index     the layer index
     * @param iteration the iteration
     * @param count     its non-finite entries in that iteration
     * @return the text
     */
    public static String divergenceWarning(String layer, int index, int iteration, long count) {
        return "layer " + layer + " (index " + index + ") has " + count + " non-finite activations (NaN or infinite) "
                + "at iteration " + iteration + ": training has diverged or is diverging; lower the learning rate "
                + "(or clip gradients). Non-finite entries are never counted as closed, and no re-initialisation "
                + "runs in an iteration with non-finite activations or parameters.";
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
