/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Slowly-Changing Regression stream of Dohare et al. (Nature 2024; {@code lop/slowly_changing_regression} and
 * {@code lop/nets/fix_ltu_net.py} in shibhansh/loss-of-plasticity), generated on the fly:
 * <pre>
 * x      20 bits: bits 0..14 are the slowly changing bits, bits 15..19 fresh random bits for every example
 * every  10,000 examples one of the 15 slow bits, chosen at random, flips (flip_one; the first period's bits are
 *        random); with flipOne = false all 15 are re-drawn instead (the repository's cfg/prob.json)
 * target a fixed random network: 100 linear threshold units, weights and biases in {-1, +1};
 *        S_i = (20 - sum_k V[i, k] + b_i) / 2, tau_i = beta * (20 + 1) - S_i, beta = 0.7;
 *        f_i = 1 if V[i] . x + b_i &gt; tau_i else 0;  y = w . f + c with w, c in {-1, +1}
 * </pre>
 * Three independent random streams from one seed, as in the original (target network, slow-bit flips, fast bits),
 * so the examples do not depend on the batch sizes they are drawn in. The learner of the study is one hidden layer of
 * 5 ReLU units trained by SGD on single examples.
 *
 * <p>Not thread-safe.
 */
public final class SlowlyChangingRegression {

    /** Input bits. */
    public static final int INPUTS = 20;
    /** Slowly changing bits (the first ones). */
    public static final int FLIPPING_BITS = 15;
    /** Examples between two flips. */
    public static final int FLIP_AFTER = 10_000;
    /** Linear threshold units of the target network. */
    public static final int TARGET_FEATURES = 100;
    /** The target network's threshold parameter. */
    public static final double BETA = 0.7;

    private final boolean flipOne;
    private final int flipAfter;
    private final double[][] v = new double[TARGET_FEATURES][INPUTS];
    private final double[] b = new double[TARGET_FEATURES];
    private final double[] tau = new double[TARGET_FEATURES];
    private final double[] w = new double[TARGET_FEATURES];
    private final double c;
    private final SplittableRandom flips;
    private final SplittableRandom fast;
    private final double[] slow = new double[FLIPPING_BITS];
    private long example;

    /**
     * The stream of the study: one slow bit flips every {@value #FLIP_AFTER} examples.
     *
     * @param seed the seed of the target network and the inputs
     */
    public SlowlyChangingRegression(long seed) {
        this(seed, true, FLIP_AFTER);
    }

    /**
     * A stream with another flip rule or period.
     *
     * @param seed      the seed
     * @param flipOne   true: one random slow bit flips per period; false: all slow bits are re-drawn
     * @param flipAfter examples per period, >= 1
     * @throws IllegalArgumentException when {@code flipAfter < 1}
     */
    public SlowlyChangingRegression(long seed, boolean flipOne, int flipAfter) {
        Preconditions.checkArgument(flipAfter >= 1, "flipAfter must be >= 1, got: %s", flipAfter);
        this.flipOne = flipOne;
        this.flipAfter = flipAfter;
        SplittableRandom root = new SplittableRandom(seed);
        SplittableRandom target = root.split();
        this.flips = root.split();
        this.fast = root.split();
        for (int i = 0; i < TARGET_FEATURES; i++) {
            double sum = 0;
            for (int k = 0; k < INPUTS; k++) {
                v[i][k] = sign(target);
                sum += v[i][k];
            }
            b[i] = sign(target);
            double s = (INPUTS - sum + b[i]) / 2;
            tau[i] = BETA * (INPUTS + 1) - s;
        }
        for (int i = 0; i < TARGET_FEATURES; i++) {
            w[i] = sign(target);
        }
        this.c = sign(target);
        for (int k = 0; k < FLIPPING_BITS; k++) {
            slow[k] = flips.nextInt(2);
        }
    }

    private static double sign(SplittableRandom r) {
        return r.nextInt(2) * 2 - 1;
    }

    /** @return examples drawn so far */
    public long examples() {
        return example;
    }

    /**
     * The target of one input.
     *
     * @param x the 20 input bits
     * @return the target network's output
     * @throws IllegalArgumentException when {@code x} does not have {@value #INPUTS} entries
     */
    public double target(double[] x) {
        Objects.requireNonNull(x, "x");
        Preconditions.checkArgument(x.length == INPUTS, "x must have %s entries, got: %s", INPUTS, x.length);
        double y = c;
        for (int i = 0; i < TARGET_FEATURES; i++) {
            double z = b[i];
            for (int k = 0; k < INPUTS; k++) {
                z += v[i][k] * x[k];
            }
            if (z > tau[i]) {
                y += w[i];
            }
        }
        return y;
    }

    /**
     * The next examples of the stream.
     *
     * @param batch examples, >= 1
     * @return features {@code [batch, 20]} and labels {@code [batch, 1]}, FLOAT
     * @throws IllegalArgumentException when {@code batch < 1}
     */
    public DataSet next(int batch) {
        Preconditions.checkArgument(batch >= 1, "batch must be >= 1, got: %s", batch);
        float[] xs = new float[batch * INPUTS];
        float[] ys = new float[batch];
        double[] x = new double[INPUTS];
        for (int e = 0; e < batch; e++) {
            if (example > 0 && example % flipAfter == 0) {
                flip();
            }
            System.arraycopy(slow, 0, x, 0, FLIPPING_BITS);
            for (int k = FLIPPING_BITS; k < INPUTS; k++) {
                x[k] = fast.nextInt(2);
            }
            for (int k = 0; k < INPUTS; k++) {
                xs[e * INPUTS + k] = (float) x[k];
            }
            ys[e] = (float) target(x);
            example++;
        }
        return new DataSet(Nd4j.create(xs, new long[]{batch, INPUTS}, 'c').castTo(DataType.FLOAT),
                Nd4j.create(ys, new long[]{batch, 1}, 'c'));
    }

    private void flip() {
        if (flipOne) {
            int bit = flips.nextInt(FLIPPING_BITS);
            slow[bit] = 1 - slow[bit];
        } else {
            for (int k = 0; k < FLIPPING_BITS; k++) {
                slow[k] = flips.nextInt(2);
            }
        }
    }
}
