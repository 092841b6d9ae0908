/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Exact counts of the fast counting path ({@link GateCounter#count}) on small arrays built by hand: every expected
 * number is read off the array literal.
 */
class GateCounterFastPathTest {
    private static final float NAN = Float.NaN;
    private static final float INF = Float.POSITIVE_INFINITY;





    /**
     * A mini-batch of one example with a NaN: every reduce axis has size 1, where ND4J's {@code MatchCondition}
     * along dimensions fails ("Can't reshape(long...) without shape arguments"); the counts are still exact.
     */
    @Test
    void count_oneExampleWithNaN_dense_andConv() {
        INDArray a = Nd4j.createFromArray(new float[][]{{NAN, 1f, 0f, -INF}});
        UnitCounts c = GateCounter.count(Gate.relu(), a, 1, 1);
        assertArrayEquals(new long[]{0, 0, 1, 0}, c.closedCounts());
        assertArrayEquals(new long[]{0, 0, 1, 0}, c.negativeCounts()); // a ReLU output of 0 had z <= 0
        assertArrayEquals(new long[]{1, 0, 0, 1}, c.nonFiniteCounts());
        assertArrayEquals(new long[]{1, 1, 1, 1}, c.entryCounts());

        INDArray conv = Nd4j.createFromArray(new float[]{NAN, 0f, 2f}).reshape(1, 3, 1, 1);
        UnitCounts k = GateCounter.count(Gate.relu(), conv, 1, 1);
        assertArrayEquals(new long[]{0, 1, 0}, k.closedCounts());
        assertArrayEquals(new long[]{1, 0, 0}, k.nonFiniteCounts());
    }

    @Test
    void count_reluDense() {
        INDArray a = Nd4j.createFromArray(new float[][]{
                {0f, 1f, -0f},
                {0f, 2f, 0f},
                {-1f, 0f, 3f},
                {0f, 5f, 0f}});
        UnitCounts c = GateCounter.count(Gate.relu(), a, 1, 4);
        assertArrayEquals(new long[]{4, 1, 3}, c.closedCounts());
        assertArrayEquals(new long[]{4, 1, 3}, c.negativeCounts());
        assertArrayEquals(new long[]{0, 0, 0}, c.nonFiniteCounts());
        assertArrayEquals(new long[]{4, 4, 4}, c.entryCounts());
        assertEquals(4, c.examples());
        assertFalse(c.estimated());
        assertTrue(c.batchDead(0));
        assertFalse(c.batchDead(1));
    }

    @Test
    void count_nanAndInfinities() {
        INDArray a = Nd4j.createFromArray(new float[][]{
                {NAN, INF, -INF},
                {0f, -INF, -INF},
                {0f, 0f, -INF},
                {1f, 2f, -INF}});
        UnitCounts c = GateCounter.count(Gate.relu(), a, 1, 4);
        // -Inf satisfies a <= 0 but is non-finite: neither closed nor negative.
        assertArrayEquals(new long[]{2, 1, 0}, c.closedCounts());
        assertArrayEquals(new long[]{2, 1, 0}, c.negativeCounts());
        assertArrayEquals(new long[]{1, 2, 4}, c.nonFiniteCounts());
        assertArrayEquals(new long[]{4, 4, 4}, c.entryCounts());
        assertArrayEquals(new long[]{1, 1, 0}, new long[]{c.open(0), c.open(1), c.open(2)});
        assertFalse(c.batchDead(2));
    }

    @Test
    void count_nchwAndNhwcViews() {
        // [mb=2, C=3, H=2, W=2]: channel 0 all zero, channel 1 one zero per example, channel 2 a NaN and zeros.
        float[] data = {
                0, 0, 0, 0, /* */ 0, 1, 2, 3, /* */ NAN, 0, 4, 0,
                0, 0, 0, 0, /* */ 5, 0, 6, 7, /* */ 0, 0, 0, 8};
        INDArray nchw = Nd4j.createFromArray(data).reshape('c', 2, 3, 2, 2);
        long[] expClosed = {8, 2, 5};
        long[] expNonFinite = {0, 0, 1};
        UnitCounts c = GateCounter.count(Gate.relu(), nchw, 1, 2);
        assertArrayEquals(expClosed, c.closedCounts());
        assertArrayEquals(expNonFinite, c.nonFiniteCounts());
        assertArrayEquals(new long[]{8, 8, 8}, c.entryCounts());

        INDArray nhwcView = nchw.permute(0, 2, 3, 1);
        UnitCounts v = GateCounter.count(Gate.relu(), nhwcView, 3, 2);
        CountsAssert.assertSameCounts(c, v, "NHWC view");

        UnitCounts d = GateCounter.count(Gate.relu(), nhwcView.dup('c'), 3, 2);
        CountsAssert.assertSameCounts(c, d, "NHWC copy");
    }

    @Test
    void count_leakyNegativeShareExcludesInfinity() {
        Gate leaky = Gate.of(new ActivationLReLU()).orElseThrow();
        INDArray a = Nd4j.createFromArray(new float[][]{
                {-0.01f, 1f},
                {-INF, -0.02f},
                {0f, NAN},
                {2f, -0.03f}});
        UnitCounts c = GateCounter.count(leaky, a, 1, 4);
        assertArrayEquals(new long[]{0, 0}, c.closedCounts());
        assertArrayEquals(new long[]{1, 2}, c.negativeCounts());
        assertArrayEquals(new long[]{1, 1}, c.nonFiniteCounts());
    }

    @Test
    void count_relu6CapExcludesInfinity() {
        Gate relu6 = Gate.of(new ActivationReLU6()).orElseThrow();
        INDArray a = Nd4j.createFromArray(new float[][]{
                {0f, 6f},
                {6f, INF},
                {3f, 5.5f},
                {0f, 7f}});
        UnitCounts c = GateCounter.count(relu6, a, 1, 4);
        assertArrayEquals(new long[]{3, 2}, c.closedCounts());
        assertArrayEquals(new long[]{2, 0}, c.negativeCounts());
        assertArrayEquals(new long[]{0, 1}, c.nonFiniteCounts());
    }

    @Test
    void count_overflowingSum_staysExact() {
        // The whole-array sum overflows to -Inf, so the exact non-finite counts run: they find none.
        INDArray a = Nd4j.createFromArray(new double[][]{
                {-Double.MAX_VALUE, 1.0},
                {-Double.MAX_VALUE, 0.0}});
        assertFalse(GateCounter.allFinite(a));
        UnitCounts c = GateCounter.count(Gate.relu(), a, 1, 2);
        assertArrayEquals(new long[]{2, 1}, c.closedCounts());
        assertArrayEquals(new long[]{0, 0}, c.nonFiniteCounts());
    }

    @Test
    void count_halfPrecision() {
        INDArray a = Nd4j.createFromArray(new float[][]{
                {65504f, INF},
                {0f, -INF},
                {0f, 0f}}).castTo(DataType.FLOAT16);
        UnitCounts c = GateCounter.count(Gate.relu(), a, 1, 3);
        assertArrayEquals(new long[]{2, 1}, c.closedCounts());
        assertArrayEquals(new long[]{0, 2}, c.nonFiniteCounts());
    }

    @Test
    void allFinite_nonFiniteAnywhere() {
        int n = 1037; // not a multiple of any vector width: the tail loop is covered too
        for (int pos : new int[]{0, 517, n - 1}) {
            for (float bad : new float[]{NAN, INF, -INF}) {
                INDArray a = Nd4j.rand(DataType.FLOAT, n);
                a.putScalar(pos, bad);
                assertFalse(GateCounter.allFinite(a), "value " + bad + " at " + pos);
                assertFalse(GateCounter.allFinite(a.reshape(17, 61).permute(1, 0)), "view, " + bad + " at " + pos);
            }
        }
        INDArray both = Nd4j.rand(DataType.FLOAT, n);
        both.putScalar(3, INF);
        both.putScalar(700, -INF);
        assertFalse(GateCounter.allFinite(both));
        assertTrue(GateCounter.allFinite(Nd4j.randn(DataType.FLOAT, n)));
    }

    @Test
    void count_matchesWeightedPath() {
        Nd4j.getRandom().setSeed(7);
        for (long[] shape : new long[][]{{64, 16}, {8, 5, 6, 6}}) {
            INDArray a = Nd4j.randn(DataType.FLOAT, shape);
            Nd4j.getExecutioner().exec(new RectifiedLinear(a, a, 0.0));
            a.putScalar(3, NAN);
            a.putScalar(a.length() - 2, NAN);
            UnitCounts fast = GateCounter.count(Gate.relu(), a, 1, shape[0]);
            UnitCounts weighted = GateCounter.countWeighted(Gate.relu(), a, 1, shape[0], null, null, 1.0, false);
            CountsAssert.assertSameCounts(weighted, fast, "fast vs weighted");
            assertEquals(2, fast.totalNonFinite());
        }
    }

    @Test
    void count_stepPathMatchesReference() {
        // Finite arrays take the indicator path (Step + gemm or CountZero); the weighted path is the reference.
        Nd4j.getRandom().setSeed(11);
        Gate thresholded = Gate.of(new org.nd4j.linalg.activations.impl.ActivationThresholdedReLU(0.5)).orElseThrow();
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE}) {
            for (int round = 0; round < 2; round++) { // the second round reuses the learned workspace
                INDArray nchw = Nd4j.randn(dt, 5, 3, 4, 6);
                // What a DL4J convolution hands over: an [mb, C, H, W] view of a channel-major [C, mb, H, W] buffer.
                INDArray channelMajor = Nd4j.randn(dt, 3, 5, 4, 6).permute(1, 0, 2, 3);
                INDArray offsetView = Nd4j.randn(dt, 9, 7).get(NDArrayIndex.interval(2, 8), NDArrayIndex.all());
                INDArray[] arrays = {Nd4j.randn(dt, 37, 19), nchw, nchw.permute(0, 2, 3, 1),
                        nchw.permute(0, 2, 3, 1).dup('c'), Nd4j.randn(dt, 4, 3, 7), Nd4j.randn(dt, 200, 64),
                        channelMajor, offsetView, Nd4j.randn(dt, 'f', 6, 5)};
                int[] axes = {1, 1, 3, 3, 1, 1, 1, 1, 1};
                for (int i = 0; i < arrays.length; i++) {
                    INDArray a = arrays[i];
                    a.getScalar(0).assign(-0.0);
                    a.getScalar(1).assign(0.0);
                    for (Gate g : new Gate[]{Gate.relu(), thresholded}) {
                        UnitCounts ref = GateCounter.countWeighted(g, a, axes[i], a.size(0), null, null, 1.0, false);
                        CountsAssert.assertSameCounts(ref, GateCounter.count(g, a, axes[i], a.size(0)),
                                dt + " array " + i + " " + g);
                    }
                    INDArray relu = a.dup();
                    Nd4j.getExecutioner().exec(new RectifiedLinear(relu, relu, 0.0));
                    UnitCounts ref = GateCounter.countWeighted(Gate.relu(), relu, axes[i], a.size(0), null, null, 1.0,
                            false);
                    CountsAssert.assertSameCounts(ref, GateCounter.count(Gate.relu(), relu, axes[i], a.size(0)),
                            dt + " relu " + i);
                }
            }
        }
    }

    @Test
    void count_insideAnOpenWorkspace_leavesNothingAttached() {
        // MultiLayerNetwork calls onForwardPass with its activation workspace open and current.
        org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration conf =
                org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        UnitCounts c;
        try (org.nd4j.linalg.api.memory.MemoryWorkspace ws =
                     Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "OUTER_FOR_TEST")) {
            INDArray a = Nd4j.createFromArray(new float[][]{{0f, 1f}, {0f, 0f}, {2f, 3f}});
            c = GateCounter.count(Gate.relu(), a, 1, 3);
            assertTrue(Nd4j.getMemoryManager().getCurrentWorkspace() == ws);
        }
        assertArrayEquals(new long[]{2, 1}, c.closedCounts());
        assertArrayEquals(new long[]{3, 3}, c.entryCounts());
    }

    @Test
    void memoryOrder_viewsAndCopies() {
        assertArrayEquals(new int[]{0, 1}, GateCounter.memoryOrder(Nd4j.zeros(DataType.FLOAT, 4, 3)));
        assertArrayEquals(new int[]{1, 0}, GateCounter.memoryOrder(Nd4j.zeros(DataType.FLOAT, 4, 3).dup('f')));
        assertArrayEquals(new int[]{1, 0, 2, 3},
                GateCounter.memoryOrder(Nd4j.zeros(DataType.FLOAT, 3, 5, 4, 6).permute(1, 0, 2, 3)));
        assertArrayEquals(new int[]{0, 3, 1, 2},
                GateCounter.memoryOrder(Nd4j.zeros(DataType.FLOAT, 2, 3, 4, 5).permute(0, 2, 3, 1)));
        // Not contiguous (every other column) or not at the buffer's start: no memory-order view.
        INDArray base = Nd4j.zeros(DataType.FLOAT, 6, 8);
        assertEquals(null, GateCounter.memoryOrder(base.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2, 8))));
        assertEquals(null, GateCounter.memoryOrder(base.get(NDArrayIndex.interval(1, 6), NDArrayIndex.all())));
    }

    @Test
    void allFiniteContiguous_nonFiniteAnywhere() {
        for (int n : new int[]{1037, 300_001}) {
            for (int pos : new int[]{0, n / 2, n - 1}) {
                for (float bad : new float[]{NAN, INF, -INF}) {
                    INDArray a = Nd4j.rand(DataType.FLOAT, n);
                    a.putScalar(pos, bad);
                    assertFalse(GateCounter.allFiniteContiguous(a), "value " + bad + " at " + pos + " of " + n);
                    INDArray d = a.castTo(DataType.DOUBLE);
                    assertFalse(GateCounter.allFiniteContiguous(d), "double, " + bad + " at " + pos + " of " + n);
                }
            }
            assertTrue(GateCounter.allFiniteContiguous(Nd4j.randn(DataType.FLOAT, n)));
        }
        INDArray huge = Nd4j.valueArrayOf(new long[]{4}, Float.MAX_VALUE, DataType.FLOAT);
        assertFalse(GateCounter.allFiniteContiguous(huge), "overflow answers false (then counted exactly)");
    }
}
