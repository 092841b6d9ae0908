/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal.engine;

import io.github.deadrelu.internal.Discovery;
import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.reinit.ReinitPolicy;
import org.deeplearning4j.nn.api.Model;

/**
 * What the front ends say about the re-initialisation schedule (issue 14 item 1): the attach line, the next check for
 * the dead-unit WARN, and the line when no check ever ran. The iteration arithmetic is {@link ModelState#firstCheck}.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class Schedule {
    private Schedule() {
    }

    /**
     * The attach line: the monitored layers, the layers with a ReLU-family activation that are not monitored and why,
     * the policy and the iteration of its first check.
     *
     * @param who      the front end's name
     * @param model    the network
     * @param state    its state
     * @param policy   the policy, or null
     * @param periodic whether the policy runs every {@code every} iterations (else on {@code reinitialize()})
     * @return the line
     */
    static String attachLine(String who, Model model, ModelState state, ReinitPolicy policy, boolean periodic) {
        StringBuilder sb = new StringBuilder(who).append(": attached to ")
                .append(model.getClass().getSimpleName()).append(" at iteration ").append(state.startIteration())
                .append("; monitoring ");
        if (state.specs().isEmpty()) {
            sb.append("no layer");
        }
        boolean first = true;
        for (LayerSpec s : state.specs()) {
            sb.append(first ? "" : ", ").append(s.name()).append(" (").append(s.layerType())
                    .append(s.units() > 0 ? ", " + s.units() + " units" : "")
                    .append(s.recoverable() ? "" : ", not recoverable").append(s.frozen() ? ", frozen" : "")
                    .append(')');
            first = false;
        }
        if (!state.notMonitored().isEmpty()) {
            sb.append("; not monitored: ");
            first = true;
            for (Discovery.NotMonitored n : state.notMonitored()) {
                sb.append(first ? "" : "; ").append(n.name()).append(" (").append(n.layerType()).append("): ")
                        .append(n.reason());
                first = false;
            }
        }
        if (policy == null) {
            sb.append("; re-initialisation: none (monitor only)");
        } else if (periodic) {
            sb.append("; re-initialisation: ").append(policy).append(", first check at iteration ")
                    .append(state.firstCheck(policy.every(), policy.maturity()));
        } else {
            sb.append("; re-initialisation: ").append(policy).append(", on reinitialize() between fit calls");
        }
        return sb.toString();
    }

    /**
     * The next periodic check after an iteration.
     *
     * @param state     the network's state
     * @param policy    the policy, or null
     * @param periodic  whether the policy runs every {@code every} iterations
     * @param iteration the iteration
     * @return the iteration of the next check, at least the first one; -1 without a policy or when not periodic
     */
    static long nextCheck(ModelState state, ReinitPolicy policy, boolean periodic, int iteration) {
        if (policy == null || !periodic) {
            return -1;
        }
        long next = ((long) iteration / policy.every() + 1) * policy.every();
        return Math.max(next, state.firstCheck(policy.every(), policy.maturity()));
    }

    /**
     * The line of a periodic policy whose check never ran (a run shorter than its schedule).
     *
     * @param who       the front end's name
     * @param when      "at close()" or "at the end of an epoch"
     * @param iteration the latest iteration
     * @param state     the network's state
     * @param policy    the policy
     * @return the line
     */
    static String noCheckLine(String who, String when, int iteration, ModelState state, ReinitPolicy policy) {
        return who + ": no re-initialisation check has run " + when + " (iteration " + iteration + "): the policy "
                + "checks every " + policy.every() + " iterations (every(" + policy.every() + ")) and its first check "
                + "is at iteration " + state.firstCheck(policy.every(), policy.maturity()) + " (maturity "
                + policy.maturity() + "); nothing was re-initialised. For a shorter run, lower every(...)";
    }
}
