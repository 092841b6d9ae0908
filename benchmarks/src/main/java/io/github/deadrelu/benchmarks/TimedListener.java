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
    private static final java.lang.management.ThreadMXBean MX = java.lang.management.ManagementFactory.getThreadMXBean();

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

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.iterationDone(model, iteration, epoch);
        } finally {
            long d = System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
            nanos += d;
            iterationDoneNanos += d;
        }
    }

    @Override
    public void onEpochStart(Model model) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.onEpochStart(model);
        } finally {
            nanos += System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
        }
    }

    @Override
    public void onEpochEnd(Model model) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.onEpochEnd(model);
        } finally {
            nanos += System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
        }
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.onForwardPass(model, activations);
        } finally {
            long d = System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
            nanos += d;
            forwardNanos += d;
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.onForwardPass(model, activations);
        } finally {
            long d = System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
            nanos += d;
            forwardNanos += d;
        }
    }

    @Override
    public void onGradientCalculation(Model model) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.onGradientCalculation(model);
        } finally {
            nanos += System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
        }
    }

    @Override
    public void onBackwardPass(Model model) {
        long c = MX.getCurrentThreadCpuTime();
        long t = System.nanoTime();
        try {
            inner.onBackwardPass(model);
        } finally {
            nanos += System.nanoTime() - t;
            cpuNanos += MX.getCurrentThreadCpuTime() - c;
        }
    }
}
