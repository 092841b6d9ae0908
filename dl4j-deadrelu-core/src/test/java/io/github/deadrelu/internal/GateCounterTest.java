/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class GateCounterTest {

    private static Gate gate(Activation a) {
        return Gate.of(a.getActivationFunction()).orElseThrow();
    }



    @Test
    void reduceDims_allButUnitAxis() {
        assertArrayEquals(new int[]{0}, GateCounter.reduceDims(2, 1));
        assertArrayEquals(new int[]{0, 2, 3}, GateCounter.reduceDims(4, 1));
        assertArrayEquals(new int[]{0, 1, 2}, GateCounter.reduceDims(4, 3));
        var e = assertThrows(IllegalArgumentException.class, () -> GateCounter.reduceDims(3, 3));
        assertEquals("unitAxis must be in [0, 3), got: 3", e.getMessage());
        assertEquals("rank must be >= 2, got: 1",
                assertThrows(IllegalArgumentException.class, () -> GateCounter.reduceDims(1, 0)).getMessage());
    }

    @Test
    void count_reluDense() {
        INDArray a = Nd4j.createFromArray(new float[][]{{0f, 1f, -0f}, {0f, 2f, 3f}, {0f, 0f, Float.NaN}});
        INDArray copy = a.dup();
        UnitCounts c = GateCounter.count(gate(Activation.RELU), a, 1, 3);
        assertArrayEquals(new long[]{3, 1, 1}, c.closedCounts());
        assertArrayEquals(new long[]{0, 0, 1}, c.nonFiniteCounts());
        assertEquals(3, c.entries(0));
        assertEquals(3, c.examples());
        assertArrayEquals(copy.data().asFloat(), a.data().asFloat(), "not modified (NaN included)");
    }

    @Test
    void count_relu6ClosedAtZeroAndCap() {
        INDArray a = Nd4j.createFromArray(new double[][]{{0, 6, 3}, {0, 6, 5.999}});
        UnitCounts c = GateCounter.count(gate(Activation.RELU6), a, 1, 2);
        assertArrayEquals(new long[]{2, 2, 0}, c.closedCounts());
        assertEquals(2, c.totalNegative(), "negative counts the low side only");
    }

    @Test
    void count_leakyNeverClosed() {
        INDArray a = Nd4j.createFromArray(new double[][]{{-0.01, 1}, {-0.02, 0}});
        UnitCounts c = GateCounter.count(gate(Activation.LEAKYRELU), a, 1, 2);
        assertArrayEquals(new long[]{0, 0}, c.closedCounts());
        assertEquals(2, c.negative(0));
        assertEquals(0, c.negative(1), "0 is not negative");
    }

    @Test
    void count_thresholdedRelu() {
        INDArray a = Nd4j.createFromArray(new double[][]{{0, 1.5}, {0, 0}});
        UnitCounts c = GateCounter.count(Gate.of(new ActivationThresholdedReLU(1.0)).orElseThrow(), a, 1, 2);
        assertArrayEquals(new long[]{2, 1}, c.closedCounts());
    }

    @Test
    void count_channelsLastEqualsChannelsFirst() {
        Nd4j.getRandom().setSeed(1);
        INDArray nchw = Nd4j.rand(DataType.FLOAT, 3, 4, 5, 6).subi(0.5);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear(nchw, nchw));
        INDArray nhwc = nchw.permute(0, 2, 3, 1).dup('c');
        UnitCounts first = GateCounter.count(gate(Activation.RELU), nchw, 1, 3);
        UnitCounts last = GateCounter.count(gate(Activation.RELU), nhwc, 3, 3);
        CountsAssert.assertSameCounts(first, last, "NCHW vs NHWC");
        assertEquals(4, first.units());
        assertEquals(3 * 5 * 6, first.entries(0));
        CountsAssert.assertSameCounts(first, GateCounter.count(gate(Activation.RELU), nchw.permute(0, 2, 3, 1), 3, 3),
                "a permuted view counts the same");
    }

    @Test
    void countWeighted_leavesOutZeroWeightAndForcedEntries() {
        INDArray a = Nd4j.createFromArray(new double[][]{{0, 1}, {0, 0}, {0, 2}});
        INDArray w = Nd4j.createFromArray(new double[][]{{1, 1}, {0, 0}, {1, 1}});
        INDArray forced = Nd4j.createFromArray(new double[][]{{0, 0}, {0, 0}, {1, 0}});
        UnitCounts c = GateCounter.countWeighted(gate(Activation.RELU), a, 1, 3, w, forced, 1.0, false);
        assertArrayEquals(new long[]{1, 0}, c.closedCounts());
        assertArrayEquals(new long[]{1, 0}, c.nonFiniteCounts());
        assertEquals(2, c.entries(0));
        assertEquals(2, c.entries(1));
    }

    @Test
    void countWeighted_scaleAppliesToThresholds() {
        // kept entries of an inverted dropout with p = 0.5 are doubled: a ReLU6 cap of 6 is 12 in the array
        INDArray a = Nd4j.createFromArray(new double[][]{{12, 6}, {0, 11.9}});
        UnitCounts c = GateCounter.countWeighted(gate(Activation.RELU6), a, 1, 2, null, null, 2.0, true);
        assertArrayEquals(new long[]{2, 0}, c.closedCounts());
        assertEquals(true, c.estimated());
        assertEquals("scale must be > 0 and finite, got: 0.0", assertThrows(IllegalArgumentException.class,
                () -> GateCounter.countWeighted(gate(Activation.RELU), a, 1, 2, null, null, 0.0, false))
                .getMessage());
    }

    @Test
    void count_insideWorkspaceLeavesNothingAttached() {
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
        UnitCounts c;
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "GateCounterTestWS")) {
            INDArray a = Nd4j.createFromArray(new float[][]{{0f, 1f}, {0f, 2f}});
            INDArray attached = a.leverageTo("GateCounterTestWS");
            c = GateCounter.count(gate(Activation.RELU), attached, 1, 2);
        }
        assertArrayEquals(new long[]{2, 0}, c.closedCounts(), "plain Java values, usable after the workspace closed");
    }
}
