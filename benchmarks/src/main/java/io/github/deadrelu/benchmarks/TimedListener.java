/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A {@link TrainingListener} that delegates every callback to another listener and adds up, with
 * {@link System#nanoTime()}, the wall time spent inside the delegate: what the delegate costs a training step, measured
 * inside real training (the arrays it reads are the step's own, in whatever cache state the step left them).
 *
 * <p>Not thread-safe: one training thread (the benchmarks train one network on one thread).
 */
final class TimedListener implements TrainingListener {
    private final TrainingListener inner;
    private static final java.lang.management.ThreadMXBean MX =
            java.lang.management.ManagementFactory.getThreadMXBean();

    private long nanos;
    private long cpuNanos;
    private long forwardNanos;
    private long iterationDoneNanos;

    /**
     * Wraps a listener.
     *
     * @param inner the listener to time
     */
    TimedListener(TrainingListener inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    /** @return nanoseconds spent inside the delegate's callbacks so far */
    long nanos() {
        return nanos;
    }

    /**
     * @return CPU nanoseconds of the calling thread spent inside the delegate's callbacks so far (with one ND4J
     *         thread, all the work the callbacks caused; insensitive to time the thread spent descheduled)
     */
    long cpuNanos() {
        return cpuNanos;
    }

    /** @return CPU time of the current thread, nanoseconds */
    static long threadCpu() {
        return MX.getCurrentThreadCpuTime();
    }

    /** @return nanoseconds spent inside the delegate's {@code onForwardPass} (both forms) so far */
    long forwardNanos() {
        return forwardNanos;
    }

    /** @return nanoseconds spent inside the delegate's {@code iterationDone} so far */
    long iterationDoneNanos() {
        return iterationDoneNanos;
    }

    /** @return the wrapped listener */
    TrainingListener inner() {
        return inner;
    }

    /** Which counter a callback also adds to. */
    private enum Kind { FORWARD, ITERATION_DONE, OTHER }

    private void timed(Kind kind, Runnable callback) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            callback.run();
        } finally {
            long d = System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
            nanos += d;
            if (kind == Kind.FORWARD) {
                forwardNanos += d;
            } else if (kind == Kind.ITERATION_DONE) {
                iterationDoneNanos += d;
            }
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        timed(Kind.ITERATION_DONE, () -> inner.iterationDone(model, iteration, epoch));
    }

    @Override
    public void onEpochStart(Model model) {
        timed(Kind.OTHER, () -> inner.onEpochStart(model));
    }

    @Override
    public void onEpochEnd(Model model) {
        timed(Kind.OTHER, () -> inner.onEpochEnd(model));
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        timed(Kind.FORWARD, () -> inner.onForwardPass(model, activations));
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        timed(Kind.FORWARD, () -> inner.onForwardPass(model, activations));
    }

    @Override
    public void onGradientCalculation(Model model) {
        timed(Kind.OTHER, () -> inner.onGradientCalculation(model));
    }

    @Override
    public void onBackwardPass(Model model) {
        timed(Kind.OTHER, () -> inner.onBackwardPass(model));
    }
}
