/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * ReDo's tau-dormant score of each unit of a layer in one mini-batch (Sokar, Agarwal, Castro, Evci, "The Dormant
 * Neuron Phenomenon in Deep Reinforcement Learning", ICML 2023, Definition 3.1, with the layer mean as in their code):
 * <pre>
 * m_j = (sum of |a| over unit j's finite, unmasked, dropout-kept entries) / (number of those entries)   (0 if none)
 * s_j = m_j / ((1/U) sum_k m_k)                                                (all 0 when that layer mean is 0)
 * unit j is tau-dormant when s_j &lt;= tau
 * </pre>
 * A layer with any non-finite entry in the mini-batch has no scores (an empty array), as in DESIGN section 4b.
 * Pure functions over per-unit values (O(units)); the sums come from the counting pass.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class DormancyScores {

    private DormancyScores() {
    }

    /**
     * The scores s_j.
     *
     * @param absSums   per unit, the sum of |a| over its finite, unmasked, kept entries
     * @param entries   per unit, the number of those entries
     * @param nonFinite true when the layer had a non-finite entry in the mini-batch
     * @return s_j per unit; all 0 when the layer mean is 0; empty when {@code nonFinite}
     * @throws IllegalArgumentException when the arrays differ in length, a count is negative, or a sum is negative
     *                                  or not finite
     */
    public static double[] scores(double[] absSums, long[] entries, boolean nonFinite) {
        double[] mean = means(absSums, entries);
        return nonFinite ? new double[0] : normalised(mean);
    }

    /**
     * Each value divided by the mean of all: {@code v_j / ((1/U) sum_k v_k)}, all 0 when that mean is 0 (the
     * normalisation of ReDo's and GraMa's scores).
     *
     * @param values non-negative finite values (changed in place)
     * @return {@code values}, normalised
     */
    public static double[] normalised(double[] values) {
        double layer = 0;
        for (double v : values) {
            layer += v;
        }
        layer /= Math.max(values.length, 1);
        for (int u = 0; u < values.length; u++) {
            values[u] = layer == 0 ? 0.0 : values[u] / layer;
        }
        return values;
    }

    /**
     * The per-unit means m_j = absSums_j / entries_j (0 for a unit without entries): mean |a_j|, the activation factor
     * of Continual Backprop's utility.
     *
     * @param absSums per unit, the sum of |a| over its finite, unmasked, kept entries
     * @param entries per unit, the number of those entries
     * @return m_j per unit
     * @throws IllegalArgumentException when the lengths differ, a count is negative, or a sum is negative or not
     *                                  finite
     */
    public static double[] means(double[] absSums, long[] entries) {
        Objects.requireNonNull(absSums, "absSums");
        Objects.requireNonNull(entries, "entries");
        if (absSums.length != entries.length) {
            throw new IllegalArgumentException("absSums and entries must have equal lengths, got: " + absSums.length
                    + " and " + entries.length);
        }
        double[] mean = new double[absSums.length];
        for (int u = 0; u < mean.length; u++) {
            if (entries[u] < 0) {
                throw new IllegalArgumentException("entries must be >= 0 for unit " + u + ", got: " + entries[u]);
            }
            if (!(absSums[u] >= 0) || Double.isInfinite(absSums[u])) {
                throw new IllegalArgumentException("absSums must be finite and >= 0 for unit " + u + ", got: "
                        + absSums[u]);
            }
            mean[u] = entries[u] == 0 ? 0.0 : absSums[u] / entries[u];
        }
        return mean;
    }

    /**
     * The scores of one layer's counts and sums (the non-finite flag from the counts).
     *
     * @param counts  the layer's counts of the mini-batch
     * @param absSums per unit, the sum of |a| over its finite, unmasked, kept entries
     * @return s_j per unit, or empty when the counts hold a non-finite entry
     * @throws IllegalArgumentException when the lengths differ or a sum is invalid
     */
    public static double[] scores(UnitCounts counts, double[] absSums) {
        Objects.requireNonNull(counts, "counts");
        long[] finite = counts.entryCounts();
        long[] nf = counts.nonFiniteCounts();
        for (int u = 0; u < finite.length; u++) {
            finite[u] -= nf[u];
        }
        return scores(absSums, finite, counts.totalNonFinite() > 0);
    }

    /**
     * The units with {@code s_j <= tau}, ascending.
     *
     * @param scores the scores ({@link #scores}); empty gives empty
     * @param tau    the threshold, in [0, 1]
     * @return the dormant units, sorted
     * @throws IllegalArgumentException when {@code tau} is not in [0, 1]
     */
    public static int[] dormant(double[] scores, double tau) {
        Objects.requireNonNull(scores, "scores");
        if (!(tau >= 0 && tau <= 1)) {
            throw new IllegalArgumentException("tau must be in [0, 1], got: " + tau);
        }
        return IntStream.range(0, scores.length).filter(u -> scores[u] <= tau).toArray();
    }

    /**
     * The units with {@code score <= threshold}, lowest score first (ties: lowest index), at most {@code cap} of
     * those that pass {@code eligible}: the order in which a re-initialisation by score takes them.
     *
     * @param scores    the scores
     * @param threshold the threshold
     * @param eligible  which units may be taken (maturity)
     * @param cap       the most units to take, >= 0
     * @return the units, sorted ascending by index
     */
    public static int[] lowest(double[] scores, double threshold, java.util.function.IntPredicate eligible, int cap) {
        int[] chosen = IntStream.range(0, scores.length)
                .filter(u -> scores[u] <= threshold && eligible.test(u))
                .boxed()
                .sorted((a, b) -> scores[a] != scores[b] ? Double.compare(scores[a], scores[b])
                        : Integer.compare(a, b))
                .limit(Math.max(cap, 0))
                .mapToInt(Integer::intValue).toArray();
        Arrays.sort(chosen);
        return chosen;
    }
}
