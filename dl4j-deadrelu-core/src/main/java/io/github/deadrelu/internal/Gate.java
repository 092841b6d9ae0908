/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationELU;
import org.nd4j.linalg.activations.impl.ActivationGELU;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationMish;
import org.nd4j.linalg.activations.impl.ActivationPReLU;
import org.nd4j.linalg.activations.impl.ActivationRReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSELU;
import org.nd4j.linalg.activations.impl.ActivationSwish;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * The gate of a ReLU-family activation, described on its <em>output</em> (post-activation) values, which is all a
 * listener sees.
 *
 * <p>A gated activation has a zero-gradient regime: an entry is <em>closed</em> when its output lies in it.
 * <ul>
 *   <li>ReLU (DL4J {@code Activation.RELU}, or {@link ActivationReLU} with no negative slope): closed iff
 *       {@code a <= 0}; with a threshold {@code t > 0} the output is 0 below {@code t}, so closed iff {@code a < t}.</li>
 *   <li>A capped ReLU ({@link ActivationReLU6}, or {@link ActivationReLU} with {@code max}): also closed iff
 *       {@code a >= cap}, because DL4J's backward pass zeroes the gradient there.</li>
 *   <li>ThresholdedReLU(theta): output {@code x} above theta and 0 otherwise; closed iff {@code a == 0}.</li>
 * </ul>
 * A <em>leaky</em> activation (Leaky ReLU, RReLU, PReLU, ELU, SELU, GELU, Swish, Mish, ReLU with a negative slope) is
 * never closed; it is monitored so that its <em>negative</em> share ({@code a < 0}) can be compared with a ReLU's.
 * For a gated activation the negative count is the low-side closed count (for a plain ReLU an output of 0 cannot tell
 * {@code z < 0} from {@code z = 0}).
 *
 * <p>Immutable. Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class Gate implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Whether an activation can close (has a zero-gradient regime) or is only monitored for its negative share. */
    public enum Kind {
        /** Has a zero-gradient regime: entries can be closed, units can die. */
        GATED,
        /** No zero-gradient regime: closed share is always 0; the negative share is reported. */
        LEAKY
    }

    /** How the low side of a gated activation is tested. */
    enum Low {
        /** closed iff {@code a <= value}. */
        AT_OR_BELOW,
        /** closed iff {@code a < value}. */
        BELOW,
        /** closed iff {@code a == 0} exactly. */
        ZERO,
        /** never closed on the low side (leaky). */
        NONE
    }

    /** What kind of gate (closed regime or none). */
    private final Kind kind;
    /** How the lower end of the open regime is tested. */
    private final Low low;
    /** The threshold at or below which an entry is closed. */
    private final double lowValue;
    /** The cap at or above which an entry is closed; NaN when there is none. */
    private final double cap;
    /** Whether libnd4j maps a NaN input to a finite output (ReLU6 -> 6, ThresholdedReLU -> 0). */
    private final boolean swallowsNaN;
    /** A readable description of the gate, for logs. */
    private final String description;

    private Gate(Kind kind, Low low, double lowValue, double cap, boolean swallowsNaN, String description) {
        this.kind = kind;
        this.low = low;
        this.lowValue = lowValue;
        this.cap = cap;
        this.swallowsNaN = swallowsNaN;
        this.description = description;
    }

    /**
     * The plain ReLU gate: closed iff {@code a <= 0}.
     *
     * @return the gate
     */
    public static Gate relu() {
        return new Gate(Kind.GATED, Low.AT_OR_BELOW, 0.0, Double.NaN, false, "relu");
    }

    /**
     * Why a ReLU-family activation's settings make no gate DL4J can train with, or empty when they are valid (or the
     * activation is not an {@link ActivationReLU}). DL4J's {@code ActivationReLU} outputs {@code min(relu_t(x), max)}
     * whenever {@code max} is set, but masks the gradient above {@code max} only when {@code max != 0}: a {@code max}
     * at or below the threshold (0 by default) or below 0 makes every output constant (or the cap and the low side
     * overlap), so such settings are refused.
     *
     * @param activation the activation, may be null
     * @return the problem as {@code <setting> must be <constraint>, got: <value>}, or empty
     */
    public static Optional<String> invalidSetting(IActivation activation) {
        if (!(activation instanceof ActivationReLU)) {
            return Optional.empty();
        }
        ActivationReLU r = (ActivationReLU) activation;
        Double max = r.getMax();
        Double thr = r.getThreshold();
        if (thr != null && Double.isNaN(thr)) {
            return Optional.of("threshold must be a number, got: NaN");
        }
        if (max == null) {
            return Optional.empty();
        }
        if (Double.isNaN(max) || max < 0) {
            return Optional.of("max must be >= 0, got: " + max);
        }
        double t = thr == null ? 0.0 : thr;
        if (max <= t) {
            return Optional.of("max must be > threshold (" + t + "), got: " + max);
        }
        return Optional.empty();
    }

    /**
     * Describes the gate of an activation function.
     *
     * @param activation the activation, may be null
     * @return the gate, or empty when the activation is not in the ReLU family (sigmoid, tanh, identity, ...) or its
     *         settings are invalid ({@link #invalidSetting(IActivation)})
     */
    public static Optional<Gate> of(IActivation activation) {
        if (invalidSetting(activation).isPresent()) {
            return Optional.empty();
        }
        if (activation instanceof ActivationReLU) {
            ActivationReLU r = (ActivationReLU) activation;
            Double max = r.getMax();
            Double thr = r.getThreshold();
            Double ns = r.getNegativeSlope();
            double t = thr == null ? 0.0 : thr;
            boolean capped = max != null && max != 0.0; // DL4J applies no gradient mask for max == 0
            double cap = capped ? max : Double.NaN;
            if (ns != null && ns != 0.0) {
                // A leaky ReLU never closes below; with a cap it still closes (saturates) at the top.
                return Optional.of(new Gate(capped ? Kind.GATED : Kind.LEAKY, Low.NONE, 0.0, cap, false,
                        String.format(Locale.ROOT, "relu(negativeSlope=%s%s)", ns, capped ? ", max=" + max : "")));
            }
            Low low = t > 0 ? Low.BELOW : (t == 0.0 ? Low.AT_OR_BELOW : Low.ZERO);
            String d = "relu" + (thr == null ? "" : "(threshold=" + thr + ")") + (capped ? "(max=" + max + ")" : "");
            return Optional.of(new Gate(Kind.GATED, low, t, cap, false, d));
        }
        if (activation instanceof ActivationReLU6) {
            return Optional.of(new Gate(Kind.GATED, Low.AT_OR_BELOW, 0.0, 6.0, true, "relu6"));
        }
        if (activation instanceof ActivationThresholdedReLU) {
            double theta = ((ActivationThresholdedReLU) activation).getTheta();
            // For theta >= 0 every open output is > theta >= 0, so "a <= 0" is exactly "closed".
            Low low = theta >= 0 ? Low.AT_OR_BELOW : Low.ZERO;
            return Optional.of(new Gate(Kind.GATED, low, 0.0, Double.NaN, true,
                    "thresholdedrelu(theta=" + theta + ")"));
        }
        if (activation instanceof ActivationLReLU || activation instanceof ActivationRReLU
                || activation instanceof ActivationPReLU || activation instanceof ActivationELU
                || activation instanceof ActivationSELU || activation instanceof ActivationGELU
                || activation instanceof ActivationSwish || activation instanceof ActivationMish) {
            return Optional.of(new Gate(Kind.LEAKY, Low.NONE, 0.0, Double.NaN, false,
                    activation.toString()));
        }
        return Optional.empty();
    }

    /** @return whether entries can be closed */
    public Kind kind() {
        return kind;
    }

    /** @return true when this activation has a zero-gradient regime */
    public boolean isGated() {
        return kind == Kind.GATED;
    }

    /** @return true when a non-finite pre-activation comes out finite (so the input must be checked) */
    public boolean swallowsNaN() {
        return swallowsNaN;
    }

    /** @return true when the activation has an upper cap that closes the gate */
    public boolean hasCap() {
        return !Double.isNaN(cap);
    }

    /**
     * The low-side closed condition for outputs scaled by {@code scale} (1 normally; 1/p for entries kept by
     * inverted dropout). Null for a leaky activation or when {@link #lowIsExactZero()}.
     */
    Condition lowCondition(double scale) {
        switch (low) {
            case AT_OR_BELOW:
                return Conditions.lessThanOrEqual(lowValue * scale);
            case BELOW:
                return Conditions.lessThan(lowValue * scale);
            default:
                return null;
        }
    }

    /**
     * The cutoff {@code v} when this gate is closed exactly iff {@code a <= v} (a ReLU, a ThresholdedReLU with
     * {@code theta >= 0}: no cap, nothing else), so that "open" is the strict test {@code a > v}; NaN otherwise.
     *
     * @return the cutoff, or NaN
     */
    double openAbove() {
        return kind == Kind.GATED && low == Low.AT_OR_BELOW && !hasCap() ? lowValue : Double.NaN;
    }

    /** @return true when the low side is tested as {@code a == 0} exactly */
    boolean lowIsExactZero() {
        return low == Low.ZERO;
    }

    /** The cap condition for outputs scaled by {@code scale}, or null when there is no cap. */
    Condition capCondition(double scale) {
        return hasCap() ? Conditions.greaterThanOrEqual(cap * scale) : null;
    }

    @Override
    public String toString() {
        return description;
    }
}
