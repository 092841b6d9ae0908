/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.reinit;

/**
 * Which units a re-initialisation event re-draws ({@link ReinitPolicy.Builder#select(UnitSelection)}).
 *
 * <pre>
 * DEAD             closed on every entry for deadAfterExamples consecutive examples (the listener's dead call).
 * DORMANT          ReDo's tau-dormant units: s_j = mean|a_j| / ((1/U) sum_k mean|a_k|) &lt;= threshold in the
 *                  latest mini-batch (Sokar, Agarwal, Castro, Evci, "The Dormant Neuron Phenomenon in Deep
 *                  Reinforcement Learning", ICML 2023, Definition 3.1).
 * GRADIENT_DORMANT GraMa's gradient-dormant units: g_j = mean|dL/dW| over the unit's incoming weights and bias,
 *                  divided by the layer's mean of g, &lt;= threshold (Liu et al., "Measure gradients not
 *                  activations", ReGraMa, NeurIPS 2025, arXiv 2505.24061).
 * LOW_UTILITY      Continual Backprop: the mature units with the lowest running contribution utility
 *                  u_j = 0.99 u_j + 0.01 mean|a_j| sum_k |w_out[j, k]|, replacementRate of the mature units per
 *                  step, accumulated fractionally (Dohare et al., "Loss of plasticity in deep continual learning",
 *                  Nature 632, 2024; cbp_linear in shibhansh/loss-of-plasticity).
 * </pre>
 */
public enum UnitSelection {
    /** Units the listener calls dead (the default; the behaviour before selections existed). */
    DEAD,
    /** ReDo's tau-dormant units: normalised mean |activation| at most the policy's threshold. */
    DORMANT,
    /** GraMa's gradient-dormant units: normalised mean |weight gradient| at most the policy's threshold. */
    GRADIENT_DORMANT,
    /** Continual Backprop: the mature units of lowest contribution utility, at the policy's replacement rate. */
    LOW_UTILITY
}
