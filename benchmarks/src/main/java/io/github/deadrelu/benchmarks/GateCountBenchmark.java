/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import io.github.deadrelu.internal.Gate;
import io.github.deadrelu.internal.GateCounter;
import io.github.deadrelu.internal.UnitCounts;
import java.util.concurrent.TimeUnit;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The counting kernel alone: {@link GateCounter#count} on one post-ReLU activation array, against the naive
 * {@code gt(0).castTo(INT32).sum(dims)} count and against single plain reductions over the same array (the floor: one
 * read of the array).
 *
 * <p>Arrays: a dense layer's {@code [128, 1024]} (the MLP of the performance contract) and a convolution's
 * {@code [64, 32, 28, 28]} in NCHW and its NHWC transpose {@code [64, 28, 28, 32]} (both contiguous, as DL4J hands an
 * NHWC layer's output over), float32, about half the entries 0 (ReLU of a standard normal).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar GateCountBenchmark -f 1}
 */
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
public class GateCountBenchmark extends BenchmarkDefaults {

    /** The activation array's shape and layout. */
    public enum Shape {
        /** {@code [128, 1024]}, units on axis 1. */
        DENSE_128x1024,
        /** {@code [64, 32, 28, 28]}, channels on axis 1. */
        NCHW_64x32x28x28,
        /** {@code [64, 28, 28, 32]}, channels on axis 3. */
        NHWC_64x28x28x32
    }

    @Param
    public Shape shape;

    private INDArray act;
    private int unitAxis;
    private int[] dims;
    private Gate gate;

    @Setup(Level.Trial)
    public void setUp() {
        Nd4j.getRandom().setSeed(Networks.SEED);
        long[] s;
        switch (shape) {
            case DENSE_128x1024:
                s = new long[]{128, 1024};
                unitAxis = 1;
                break;
            case NCHW_64x32x28x28:
                s = new long[]{64, 32, 28, 28};
                unitAxis = 1;
                break;
            default:
                s = new long[]{64, 28, 28, 32};
                unitAxis = 3;
                break;
        }
        act = Nd4j.randn(DataType.FLOAT, s);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(act, act, 0.0));
        dims = GateCounter.reduceDims(act.rank(), unitAxis);
        gate = Gate.relu();
    }

    /**
     * The floor: one plain reduction of the whole array to a scalar (one read of every entry).
     *
     * @return the sum
     */
    @Benchmark
    public double baselineSum() {
        return act.sumNumber().doubleValue();
    }

    /**
     * One plain per-unit reduction ({@code sum} along every axis but the unit axis): the floor for anything that
     * produces one number per unit.
     *
     * @return per-unit sums
     */
    @Benchmark
    public INDArray perUnitSum() {
        return act.sum(dims);
    }

    /**
     * The library's kernel: per-unit closed, negative, non-finite and entry counts.
     *
     * @return the counts
     */
    @Benchmark
    public UnitCounts gateCounter() {
        return GateCounter.count(gate, act, unitAxis, act.size(0));
    }




    /**
     * The kernel before this module's work (0.1.0 development line): two per-unit {@code MatchCondition} reductions,
     * {@code a <= 0} and not-finite.
     *
     * @return per-unit closed and non-finite counts
     */
    @Benchmark
    public long[][] previousKernel() {
        return new long[][]{
                Nd4j.getExecutioner().exec(new MatchCondition(act, Conditions.lessThanOrEqual(0.0), dims))
                        .toLongVector(),
                Nd4j.getExecutioner().exec(new MatchCondition(act, Conditions.notFinite(), dims)).toLongVector()};
    }

    /**
     * The naive count: a boolean copy, a cast and a sum.
     *
     * @return per-unit open counts
     */
    @Benchmark
    public long[] naive() {
        return act.gt(0).castTo(DataType.INT32).sum(dims).toLongVector();
    }


}
