/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import io.github.deadrelu.examples.support.MnistIdx;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Online Permuted MNIST (Dohare et al., Nature 2024; {@code lop/permuted_mnist} in shibhansh/loss-of-plasticity) on
 * the 10,000 digits this project ships: task t shows every digit once, in an order shuffled for the task, with the
 * pixels permuted by the task's own random permutation (task 0 included); the next task starts when all digits were
 * shown. The original has 60,000 examples per task (one pass over the training set) and mini-batch 1.
 *
 * <p>Deterministic for a seed: task t's permutation and order depend on (seed, t) only, not on the batch sizes.
 * Not thread-safe.
 */
public final class OnlinePermutedMnist {

    private final INDArray features;
    private final INDArray labels;
    private final long seed;
    private final int n;
    private long example;
    private int task = -1;
    private int[] pixelPerm;
    private int[] order;
    /** The features with the current task's pixel permutation applied. */
    private INDArray permuted;

    /**
     * A stream over all digits of a loaded MNIST file (training and evaluation splits together).
     *
     * @param mnist the digits
     * @param seed  the seed of the permutations and orders
     * @return the stream
     */
    public static OnlinePermutedMnist of(MnistIdx mnist, long seed) {
        Objects.requireNonNull(mnist, "mnist");
        DataSet all = DataSet.merge(java.util.List.of(mnist.train(), mnist.eval()));
        return new OnlinePermutedMnist(all, seed);
    }

    /**
     * A stream over the given digits.
     *
     * @param digits features {@code [n, pixels]} and one-hot labels {@code [n, classes]}
     * @param seed   the seed of the permutations and orders
     * @throws IllegalArgumentException when there are no examples
     */
    public OnlinePermutedMnist(DataSet digits, long seed) {
        Objects.requireNonNull(digits, "digits");
        this.features = digits.getFeatures();
        this.labels = digits.getLabels();
        this.n = (int) features.size(0);
        Preconditions.checkArgument(n >= 1, "digits must hold at least one example, got: %s", n);
        this.seed = seed;
    }

    /** @return examples per task (the number of digits) */
    public int examplesPerTask() {
        return n;
    }

    /** @return the task of the next example (task t holds examples t * n to (t + 1) * n - 1) */
    public int task() {
        return (int) (example / n);
    }

    /** @return examples drawn so far */
    public long examples() {
        return example;
    }

    /**
     * The pixel permutation of a task: pixel {@code p} of a permuted image is pixel {@code perm[p]} of the digit.
     *
     * @param t the task, >= 0
     * @return the permutation (a new array)
     * @throws IllegalArgumentException when {@code t < 0}
     */
    public int[] permutation(int t) {
        Preconditions.checkArgument(t >= 0, "t must be >= 0, got: %s", t);
        return shuffled((int) features.size(1), rng(t, 1));
    }

    private SplittableRandom rng(int t, int stream) {
        long z = seed * 0x9E3779B97F4A7C15L + t * 0xBF58476D1CE4E5B9L + stream;
        return new SplittableRandom(z);
    }

    private static int[] shuffled(int size, SplittableRandom r) {
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }

    /**
     * The next examples, crossing into the next task when the current one is done.
     *
     * @param batch examples, >= 1
     * @return permuted features {@code [batch, pixels]} and labels {@code [batch, classes]}
     * @throws IllegalArgumentException when {@code batch < 1}
     */
    public DataSet next(int batch) {
        Preconditions.checkArgument(batch >= 1, "batch must be >= 1, got: %s", batch);
        // Per task the whole feature matrix is permuted once (one ND4J gather); a batch is then one row gather per
        // task it spans, not one per example.
        List<INDArray> xs = new ArrayList<>(2);
        List<INDArray> ys = new ArrayList<>(2);
        int left = batch;
        while (left > 0) {
            int t = task();
            if (t != task) {
                task = t;
                pixelPerm = permutation(t);
                order = shuffled(n, rng(t, 2));
                permuted = features.getColumns(pixelPerm);
            }
            int from = (int) (example % n);
            int take = Math.min(left, n - from);
            int[] rows = Arrays.copyOfRange(order, from, from + take);
            xs.add(permuted.getRows(rows));
            ys.add(labels.getRows(rows));
            example += take;
            left -= take;
        }
        return xs.size() == 1 ? new DataSet(xs.get(0), ys.get(0))
                : new DataSet(Nd4j.vstack(xs.toArray(new INDArray[0])), Nd4j.vstack(ys.toArray(new INDArray[0])));
    }
}
