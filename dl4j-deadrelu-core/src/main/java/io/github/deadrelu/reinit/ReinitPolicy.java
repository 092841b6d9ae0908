/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.reinit;

import java.io.Serializable;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.common.base.Preconditions;

/**
 * When and how {@code DeadReluListener} re-initialises dead units.
 *
 * <p>Every {@code every} iterations (in {@code iterationDone}, the one callback after the parameter update, when
 * {@code iteration % every == 0}), the listener selects, in each monitored layer, the units that are dead now (with
 * the default {@link UnitSelection#DEAD}; see {@link #select()} for the other criteria) and at
 * least {@code maturity} iterations old (counted from the first iteration the listener saw the layer, or from the
 * unit's last re-initialisation), lowest unit index first, at most {@link #maxUnits(int)} of them. Frozen layers are
 * skipped (one WARN) and output layers are never monitored. For each selected unit it
 * <ul>
 *   <li>re-draws the incoming weights from the layer's own configured weight initialisation (a full-shape draw with
 *       the fan-in and fan-out DL4J used, then the unit's weights copied), for dense, convolution (any format), 1D,
 *       3D, transposed, depthwise and separable convolution and {@code SimpleRnn} (input and recurrent weights);</li>
 *   <li>resets the bias to the layer's {@code biasInit} (a layer-norm gain to {@code gainInit}), and the channel of a
 *       BatchNormalization between the weights and the gate to its initial gamma, beta, mean and variance, so the
 *       unit can open;</li>
 *   <li>zeroes the optimizer state (Adam m and v, momentum, ...) of every parameter entry it wrote;</li>
 *   <li>treats the outgoing weights per {@link OutgoingWeights}.</li>
 * </ul>
 * All layers of one event are planned before anything is written. A layer that cannot be re-initialised (an
 * unsupported layer type, or with {@code ZERO} a consumer or graph vertex that mixes units, such as an element-wise
 * add) is left untouched, gets one WARN naming the reason, and is not tried again; the other layers go ahead. Each
 * event logs one INFO line with layers, counts and this policy, and {@code LayerGates.reinitialized()} counts the
 * units of the iteration.
 *
 * <pre>{@code
 * DeadReluListener listener = DeadReluListener.builder()
 *         .reinitialize(ReinitPolicy.builder().every(100).maturity(100).maxFraction(0.5).seed(42).build())
 *         .build();
 * }</pre>
 *
 * <p>Defaults and where they come from:
 * <pre>
 * every       = 1000  ReDo's recycling period F = 1000 gradient steps (Sokar, Agarwal, Castro, Evci, "The Dormant
 *                     Neuron Phenomenon in Deep Reinforcement Learning", ICML 2023).
 * maturity    = 100   Continual Backprop's maturity threshold m = 100 (cbp_linear; Dohare et al., "Loss of
 *                     plasticity in deep continual learning", Nature 632, 2024): a re-drawn unit gets time to open
 *                     before it can be re-drawn again.
 * maxFraction = 1.0   ReDo recycles every dormant unit of a layer at each check; lower it to bound the disruption
 *                     (Continual Backprop replaces a small fraction per step).
 * outgoing    = ZERO  ReDo and Continual Backprop zero the outgoing weights, which keeps the network's function at
 *                     the moment of the re-draw.
 * seed        = 0     re-draws are deterministic for a given seed, network and data.
 * </pre>
 * Adam's bias correction in DL4J uses the global iteration, so a re-drawn unit's first updates behave like a
 * late-stage Adam step on zero moments (Continual Backprop resets a per-weight step count, which stock DL4J updaters
 * cannot do).
 *
 * <p>Which units: {@link #select()} (default {@link UnitSelection#DEAD}). The other selections use the same
 * period, maturity, cap, outgoing treatment and seed, and the same all-or-nothing event; they differ only in the
 * units chosen, lowest score first (ties: lowest unit index):
 * <pre>
 * DEAD             dead now (closed for deadAfterExamples examples).
 * DORMANT          s_j &lt;= threshold, s_j = mean|a_j| / ((1/U) sum_k mean|a_k|) over the latest mini-batch's
 *                  finite, unmasked, dropout-kept entries. ReDo (Sokar et al., ICML 2023): tau = 0.025 (default
 *                  setting) or 0.1 (high replay ratio).
 * GRADIENT_DORMANT g_j &lt;= threshold, g_j = mean|dL/dW| over the unit's nIn + 1 incoming weights and bias, divided by
 *                  the layer's mean (raw gradient, before the updater). GraMa (Liu et al., NeurIPS 2025): 0.01.
 * LOW_UTILITY      Continual Backprop (Dohare et al., Nature 2024): every step, replacementRate * (mature units)
 *                  is added to a per-layer accumulator; at a check the floor of it is replaced, lowest running
 *                  utility u_j = 0.99 u_j + 0.01 mean|a_j| sum_k |w_out[j, k]| first. rho in 1e-6 .. 1e-4 in
 *                  cbp_linear; maturity 100.
 * </pre>
 * {@code threshold} is required with DORMANT and GRADIENT_DORMANT and refused otherwise; {@code replacementRate} is
 * required with LOW_UTILITY and refused otherwise ({@link Builder#build()} says which call is missing or extra).
 *
 * <pre>{@code
 * ReinitPolicy redo = ReinitPolicy.builder().select(UnitSelection.DORMANT).threshold(0.025).every(1000).build();
 * ReinitPolicy cbp = ReinitPolicy.builder().select(UnitSelection.LOW_UTILITY).replacementRate(1e-4).every(1)
 *         .maturity(100).build();
 * }</pre>
 *
 * <p>Immutable and serialisable.
 */
public final class ReinitPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Check every this many iterations. */
    private final int every;
    /** Minimum age in iterations of a unit that may be re-drawn. */
    private final int maturity;
    /** Maximum share of a layer's units re-drawn per event. */
    private final double maxFraction;
    /** What happens to the outgoing weights. */
    private final OutgoingWeights outgoing;
    /** The seed of the re-draws. */
    private final long seed;
    /** Which units are selected. */
    private final UnitSelection selection;
    /** The score threshold of DORMANT and GRADIENT_DORMANT; NaN otherwise. */
    private final double threshold;
    /** The replacement rate of LOW_UTILITY; NaN otherwise. */
    private final double replacementRate;

    private ReinitPolicy(Builder b) {
        this.every = b.every;
        this.maturity = b.maturity;
        this.maxFraction = b.maxFraction;
        this.outgoing = b.outgoing;
        this.seed = b.seed;
        this.selection = b.selection;
        this.threshold = b.threshold;
        this.replacementRate = b.replacementRate;
    }

    /**
     * A policy serialised before selections existed reads as DEAD.
     *
     * @return this policy, or an equal one selecting DEAD
     */
    private Object readResolve() {
        if (selection != null) {
            return this;
        }
        Builder b = new Builder().every(every).maturity(maturity).maxFraction(maxFraction).outgoing(outgoing)
                .seed(seed);
        return b.build();
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return re-initialise every this many iterations */
    public int every() {
        return every;
    }

    /** @return iterations a unit must have lived (since monitoring started or its last re-initialisation) first */
    public int maturity() {
        return maturity;
    }

    /** @return the largest share of a layer's units re-drawn in one event */
    public double maxFraction() {
        return maxFraction;
    }

    /** @return what happens to outgoing weights */
    public OutgoingWeights outgoing() {
        return outgoing;
    }

    /** @return the seed of the re-draws */
    public long seed() {
        return seed;
    }

    /** @return which units are re-drawn (default {@link UnitSelection#DEAD}) */
    public UnitSelection select() {
        return selection;
    }

    /**
     * The score threshold of {@link UnitSelection#DORMANT} (ReDo's tau) and {@link UnitSelection#GRADIENT_DORMANT}.
     *
     * @return the threshold in [0, 1], or NaN for the other selections
     */
    public double threshold() {
        return threshold;
    }

    /**
     * Continual Backprop's replacement rate of {@link UnitSelection#LOW_UTILITY}: units replaced per mature unit per
     * step.
     *
     * @return the rate in (0, 1), or NaN for the other selections
     */
    public double replacementRate() {
        return replacementRate;
    }

    /**
     * The largest number of units of a layer re-drawn in one event: {@code floor(maxFraction * units)}, at least 1
     * (so {@code maxFraction(0.01)} on a 6-unit layer still allows one unit per event).
     *
     * @param units units of the layer
     * @return the cap
     */
    public int maxUnits(int units) {
        return Math.max(1, (int) Math.floor(maxFraction * units + 1e-9));
    }

    @Override
    public boolean equals(Object o) {
        return this == o || o instanceof ReinitPolicy p
                && every == p.every && maturity == p.maturity && Double.compare(maxFraction, p.maxFraction) == 0
                && outgoing == p.outgoing && seed == p.seed && selection == p.selection
                && Double.compare(threshold, p.threshold) == 0
                && Double.compare(replacementRate, p.replacementRate) == 0;
    }

    @Override
    public int hashCode() {
        return Objects.hash(every, maturity, maxFraction, outgoing, seed, selection, threshold, replacementRate);
    }

    @Override
    public String toString() {
        String extra = "";
        if (selection == UnitSelection.DORMANT || selection == UnitSelection.GRADIENT_DORMANT) {
            extra = ", threshold=" + threshold;
        } else if (selection == UnitSelection.LOW_UTILITY) {
            extra = ", replacementRate=" + replacementRate;
        }
        return String.format(Locale.ROOT, "ReinitPolicy(every=%d, maturity=%d, maxFraction=%s, outgoing=%s, seed=%d, "
                + "select=%s%s)", every, maturity, maxFraction, outgoing, seed, selection, extra);
    }

    /** Builds a {@link ReinitPolicy}; every argument is validated as it is set. */
    public static final class Builder {
        /** Check every this many iterations. */
        private int every = 1000;
        /** Minimum age in iterations of a unit that may be re-drawn. */
        private int maturity = 100;
        /** Maximum share of a layer's units re-drawn per event. */
        private double maxFraction = 1.0;
        /** What happens to the outgoing weights. */
        private OutgoingWeights outgoing = OutgoingWeights.ZERO;
        /** The seed of the re-draws. */
        private long seed = 0L;
        /** Which units are selected. */
        private UnitSelection selection = UnitSelection.DEAD;
        /** The score threshold of DORMANT and GRADIENT_DORMANT; NaN otherwise. */
        private double threshold = Double.NaN;
        /** The replacement rate of LOW_UTILITY; NaN otherwise. */
        private double replacementRate = Double.NaN;

        private Builder() {
        }

        /**
         * Re-initialise every this many iterations (default 1000, ReDo's period).
         *
         * @param iterations the period, >= 1
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code iterations < 1}
         */
        public Builder every(int iterations) {
            Preconditions.checkArgument(iterations >= 1, "every must be >= 1, got: %s", iterations);
            this.every = iterations;
            return this;
        }

        /**
         * Protect units younger than this many iterations (default 100, Continual Backprop's maturity threshold).
         *
         * @param iterations the age, >= 0
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code iterations < 0}
         */
        public Builder maturity(int iterations) {
            Preconditions.checkArgument(iterations >= 0, "maturity must be >= 0, got: %s", iterations);
            this.maturity = iterations;
            return this;
        }

        /**
         * Re-draw at most this share of a layer's units per event (default 1.0: every eligible dead unit; at least one
         * unit is always allowed).
         *
         * @param fraction the share, in (0, 1]
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code fraction} is not in (0, 1]
         */
        public Builder maxFraction(double fraction) {
            Preconditions.checkArgument(fraction > 0 && fraction <= 1, "maxFraction must be in (0, 1], got: %s",
                    fraction);
            this.maxFraction = fraction;
            return this;
        }

        /**
         * What to do with the outgoing weights of re-drawn units (default {@link OutgoingWeights#ZERO}).
         *
         * @param outgoing ZERO or KEEP
         * @return this builder, for chaining
         * @throws NullPointerException when {@code outgoing} is null
         */
        public Builder outgoing(OutgoingWeights outgoing) {
            this.outgoing = Objects.requireNonNull(outgoing, "outgoing");
            return this;
        }

        /**
         * Seed of the re-draws (default 0): the same seed, network and data give the same re-drawn weights.
         *
         * @param seed the seed
         * @return this builder, for chaining
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Which units are re-drawn (default {@link UnitSelection#DEAD}, the dead units).
         *
         * @param selection the selection
         * @return this builder, for chaining
         * @throws NullPointerException when {@code selection} is null
         */
        public Builder select(UnitSelection selection) {
            this.selection = Objects.requireNonNull(selection, "selection");
            return this;
        }

        /**
         * The score threshold of {@link UnitSelection#DORMANT} (ReDo's tau: 0.025, or 0.1 at a high replay ratio)
         * and {@link UnitSelection#GRADIENT_DORMANT} (GraMa: 0.01); required with those selections.
         *
         * @param t the threshold, in [0, 1]
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code t} is not in [0, 1]
         */
        public Builder threshold(double t) {
            Preconditions.checkArgument(t >= 0 && t <= 1, "threshold must be in [0, 1], got: %s", t);
            this.threshold = t;
            return this;
        }

        /**
         * Continual Backprop's replacement rate for {@link UnitSelection#LOW_UTILITY}: units replaced per mature
         * unit per step (cbp_linear: 1e-4; values 1e-6 to 1e-4 work well there); required with that selection.
         *
         * @param rho the rate, in (0, 1)
         * @return this builder, for chaining
         * @throws IllegalArgumentException when {@code rho} is not in (0, 1)
         */
        public Builder replacementRate(double rho) {
            Preconditions.checkArgument(rho > 0 && rho < 1, "replacementRate must be in (0, 1), got: %s", rho);
            this.replacementRate = rho;
            return this;
        }

        /**
         * Builds the policy; the builder can be used again.
         *
         * @return the policy
         * @throws IllegalStateException when {@code threshold} is missing for DORMANT or GRADIENT_DORMANT or set for
         *                               another selection, or {@code replacementRate} is missing for LOW_UTILITY or
         *                               set for another selection
         */
        public ReinitPolicy build() {
            boolean byScore = selection == UnitSelection.DORMANT || selection == UnitSelection.GRADIENT_DORMANT;
            boolean byUtility = selection == UnitSelection.LOW_UTILITY;
            if (byScore && Double.isNaN(threshold)) {
                throw new IllegalStateException("select(" + selection + ") needs a score threshold: call threshold(t)"
                        + " with t in [0, 1] (ReDo: 0.025 or 0.1; GraMa: 0.01)");
            }
            if (!byScore && !Double.isNaN(threshold)) {
                throw new IllegalStateException("threshold(" + threshold + ") applies to select(DORMANT) and "
                        + "select(GRADIENT_DORMANT) only, got: select(" + selection + "); call one of those or "
                        + "remove threshold(...)");
            }
            if (byUtility && Double.isNaN(replacementRate)) {
                throw new IllegalStateException("select(LOW_UTILITY) needs a replacement rate: call "
                        + "replacementRate(rho) with rho in (0, 1) (Continual Backprop: 1e-4)");
            }
            if (!byUtility && !Double.isNaN(replacementRate)) {
                throw new IllegalStateException("replacementRate(" + replacementRate + ") applies to "
                        + "select(LOW_UTILITY) only, got: select(" + selection + "); call select(LOW_UTILITY) or "
                        + "remove replacementRate(...)");
            }
            return new ReinitPolicy(this);
        }
    }
}
