/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-unit sums of {@code |a|} (ReDo's numerator) of every counting path, on planted arrays whose sums are exact
 * in every floating-point type: read off the array literals.
 */
class AbsSumsTest {
    private static final DataType[] TYPES = {DataType.HALF, DataType.FLOAT, DataType.DOUBLE};

    /** [4 examples, 3 units], ReLU outputs: unit 0 dead, unit 1 sums 0.5 + 2 + 4 = 6.5, unit 2 sums 1 + 3 = 4. */
    private static final double[][] DENSE = {
            {0, 0.5, 0},
            {0, 2, 1},
            {0, 0, 3},
            {0, 4, 0}};

    @Test
    void fastPath_denseEveryType() {
        for (DataType dt : TYPES) {
            UnitCounts c = GateCounter.count(Gate.relu(), Nd4j.createFromArray(DENSE).castTo(dt), 1, 4);
            assertTrue(c.hasAbsSums(), dt.toString());
            assertArrayEquals(new double[]{0, 6.5, 4}, c.absSums(), 0.0, dt.toString());
            assertArrayEquals(new long[]{4, 1, 2}, c.closedCounts(), dt.toString());
            assertEquals(6.5 / 4, c.unitMeanAbs(1), 0.0);
        }
    }

    @Test
    void fastPath_nchwNhwcAndChannelMajorViews() {
        // [mb=2, C=3, H=1, W=2]: channel sums 0, 1 + 2 + 3 + 4 = 10, 0.25 + 8 = 8.25
        double[] data = {0, 0, 1, 2, 0.25, 0, /* */ 0, 0, 3, 4, 0, 8};
        for (DataType dt : TYPES) {
            INDArray nchw = Nd4j.createFromArray(data).castTo(dt).reshape('c', 2, 3, 1, 2);
            double[] expected = {0, 10, 8.25};
            assertArrayEquals(expected, GateCounter.count(Gate.relu(), nchw, 1, 2).absSums(), 0.0, dt + " NCHW");
            INDArray nhwcView = nchw.permute(0, 2, 3, 1);
            assertArrayEquals(expected, GateCounter.count(Gate.relu(), nhwcView, 3, 2).absSums(), 0.0,
                    dt + " NHWC view");
            assertArrayEquals(expected, GateCounter.count(Gate.relu(), nhwcView.dup('c'), 3, 2).absSums(), 0.0,
                    dt + " NHWC");
            // What a DL4J convolution hands over: an NCHW view of a channel-major [C, mb, H, W] buffer.
            INDArray channelMajor = nchw.permute(1, 0, 2, 3).dup('c').permute(1, 0, 2, 3);
            assertArrayEquals(expected, GateCounter.count(Gate.relu(), channelMajor, 1, 2).absSums(), 0.0,
                    dt + " channel-major");
        }
    }

    @Test
    void nonFiniteEntriesLeftOut() {
        double nan = Double.NaN;
        double inf = Double.POSITIVE_INFINITY;
        double[][] a = {
                {nan, 1, 0},
                {2, inf, 0},
                {3, 4, -inf}};
        for (DataType dt : TYPES) {
            UnitCounts c = GateCounter.count(Gate.relu(), Nd4j.createFromArray(a).castTo(dt), 1, 3);
            assertArrayEquals(new double[]{5, 5, 0}, c.absSums(), 0.0, dt + ": finite entries only, never NaN");
            assertArrayEquals(new long[]{1, 1, 1}, c.nonFiniteCounts(), dt.toString());
            assertEquals(2.5, c.unitMeanAbs(0), 0.0, "over the two finite entries");
        }
    }

    @Test
    void negativeEntries_magnitudes() {
        // Leaky outputs and arrays that are not ReLU outputs: |a|, not a.
        double[][] a = {
                {-0.5, 1},
                {2, -4},
                {-0.25, 0}};
        for (DataType dt : TYPES) {
            INDArray x = Nd4j.createFromArray(a).castTo(dt);
            UnitCounts leaky = GateCounter.count(Gate.of(new ActivationLReLU()).orElseThrow(), x, 1, 3);
            assertArrayEquals(new double[]{2.75, 5}, leaky.absSums(), 0.0, dt + " leaky");
            assertArrayEquals(new long[]{2, 1}, leaky.negativeCounts(), dt + " leaky");
            UnitCounts relu = GateCounter.count(Gate.relu(), x, 1, 3);
            assertArrayEquals(new double[]{2.75, 5}, relu.absSums(), 0.0, dt + " relu gate, negative entries");
            assertArrayEquals(new long[]{2, 2}, relu.closedCounts(), dt + " relu gate: a <= 0");
        }
    }

    @Test
    void cappedAndThresholdedGates() {
        double[][] a = {
                {0, 6},
                {6, 7},
                {3, 5.5},
                {0, 0}};
        for (DataType dt : TYPES) {
            INDArray x = Nd4j.createFromArray(a).castTo(dt);
            UnitCounts relu6 = GateCounter.count(Gate.of(new ActivationReLU6()).orElseThrow(), x, 1, 4);
            assertArrayEquals(new long[]{3, 3}, relu6.closedCounts(), dt + " relu6: a <= 0 or a >= 6");
            assertArrayEquals(new long[]{2, 1}, relu6.negativeCounts(), dt + " relu6: the low side");
            assertArrayEquals(new double[]{9, 18.5}, relu6.absSums(), 0.0, dt + " relu6");
            UnitCounts thr = GateCounter.count(Gate.of(new ActivationThresholdedReLU(0.5)).orElseThrow(), x, 1, 4);
            assertArrayEquals(new long[]{2, 1}, thr.closedCounts(), dt + " thresholded: a == 0");
            assertArrayEquals(new double[]{9, 18.5}, thr.absSums(), 0.0, dt + " thresholded");
        }
    }

    @Test
    void weighted_masksAndDropoutScaleTakenOut() {
        // Kept entries scaled by 1/p = 2 (inverted dropout), dropped and masked entries 0 weight: unit 0 keeps 2 and
        // 6 (true values 1 and 3), unit 1 keeps 4 (true 2); the masked 100 and the forced-non-finite 8 are left out.
        double[][] a = {
                {2, 100},
                {6, 4},
                {8, 0}};
        double[][] w = {
                {1, 0},
                {1, 1},
                {1, 1}};
        double[][] forced = {
                {0, 0},
                {0, 0},
                {1, 0}};
        for (DataType dt : TYPES) {
            UnitCounts c = GateCounter.countWeighted(Gate.relu(), Nd4j.createFromArray(a).castTo(dt), 1, 3,
                    Nd4j.createFromArray(w), Nd4j.createFromArray(forced), 2.0, true);
            assertArrayEquals(new double[]{4, 2}, c.absSums(), 0.0, dt.toString());
            assertArrayEquals(new long[]{3, 2}, c.entryCounts(), dt.toString());
            assertArrayEquals(new long[]{1, 0}, c.nonFiniteCounts(), dt.toString());
            assertEquals(2.0, c.unitMeanAbs(0), 0.0, "(1 + 3) over the 2 finite kept entries");
        }
    }

    @Test
    void overflowSaturates() {
        double big = Double.MAX_VALUE;
        UnitCounts c = GateCounter.count(Gate.relu(), Nd4j.createFromArray(new double[][]{{big}, {big}}), 1, 2);
        assertArrayEquals(new double[]{Double.MAX_VALUE}, c.absSums(), 0.0);
        assertEquals(0, c.totalNonFinite());
    }

    @Test
    void unitAbsSums_everyLayout() {
        double[][] eps = {
                {0.5, -1},
                {2, 1},
                {-3, 4}};
        for (DataType dt : new DataType[]{DataType.FLOAT, DataType.DOUBLE, DataType.HALF}) {
            INDArray e = Nd4j.createFromArray(eps).castTo(dt);
            assertArrayEquals(new double[]{5.5, 6}, GateCounter.unitAbsSums(e, 1), 0.0, dt.toString());
            assertArrayEquals(new double[]{5.5, 6}, GateCounter.unitAbsSums(e.dup('f'), 1), 0.0, dt + " f order");
            assertArrayEquals(new double[]{1.5, 3, 7}, GateCounter.unitAbsSums(e, 0), 0.0, dt + " units first");
        }
        double[] withNan = GateCounter.unitAbsSums(Nd4j.createFromArray(new float[][]{{Float.NaN, 1}}), 1);
        assertTrue(Double.isNaN(withNan[0]) && withNan[1] == 1.0, "NaN propagates to its own unit only");
    }
}
