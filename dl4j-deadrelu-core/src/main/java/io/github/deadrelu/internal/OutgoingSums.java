/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per unit of a gated layer, the sum of |w| over every outgoing weight that reads it: {@code sum_k |w_out[j, k]|},
 * the second factor of Continual Backprop's contribution utility. The consumers are found by the same walk that
 * zeroes outgoing weights ({@link OutgoingZeroing}: through unit-preserving layers, CNN-to-dense flattening in NCHW and
 * NHWC, RNN/feed-forward reshapes, merge, scale, shift and time-step vertices), so a conv channel's sum covers every
 * flattened position of it, and a unit read by several consumers sums over all of them. Frozen consumers count (their
 * weights still carry the unit's contribution).
 *
 * <p>One ND4J reduction per consumer (|W| summed over every axis but the input-unit axis); the Java loop runs over the
 * input positions of the consumer (rows of its weights), never over weight or activation elements.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class OutgoingSums {

    private OutgoingSums() {
    }

    /**
     * The per-unit outgoing weight magnitude of a gated layer.
     *
     * @param model the model (MLN or CG)
     * @param spec  the gated layer
     * @param units its units
     * @return {@code sum_k |w_out[j, k]|} per unit j (DOUBLE arithmetic), or null when the walk does not support the
     *         network after this layer (a consumer that mixes units, a network output, no consumer)
     * @throws IllegalArgumentException when {@code units < 1}
     */
    public static double[] of(Model model, LayerSpec spec, int units) {
        return of(ModelTopology.of(model), spec, units);
    }

    /**
     * {@link #of(Model, LayerSpec, int)} on a topology the caller keeps (building one walks the configuration).
     *
     * @param topo  the model's topology
     * @param spec  the gated layer
     * @param units its units
     * @return the sums per unit, or null when unsupported
     * @throws IllegalArgumentException when {@code units < 1}
     */
    public static double[] of(ModelTopology topo, LayerSpec spec, int units) {
        Objects.requireNonNull(topo, "topo");
        Objects.requireNonNull(spec, "spec");
        if (units < 1) {
            throw new IllegalArgumentException("units must be >= 1, got: " + units);
        }
        double[] sums = new double[units];
        int[] all = new int[units];
        for (int u = 0; u < units; u++) {
            all[u] = u;
        }
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            new OutgoingZeroing(topo, spec.name(), (consumer, w, frame, axis, sel) -> {
                INDArray a = frame == null ? w : w.dup('c').reshape('c', frame);
                int[] dims = new int[a.rank() - 1];
                for (int d = 0, k = 0; d < a.rank(); d++) {
                    if (d != axis) {
                        dims[k++] = d;
                    }
                }
                double[] perInput = absSums(a, dims).toDoubleVector();
                for (int k = 0; k < sel.pos.length; k++) {
                    sums[sel.units[k]] += perInput[sel.pos[k]];
                }
            }).forward(topo.node(spec.name()), new OutgoingZeroing.Positions(units, all), spec.layout());
        } catch (PlanResult.Refusal r) {
            return null;
        }
        return sums;
    }

    /**
     * Sum of |x| along {@code dims} ({@code norm1}, no copy of {@code x}), in DOUBLE; HALF and BFLOAT16 are widened
     * to FLOAT first so the sum does not lose precision.
     *
     * @param x    the array
     * @param dims the axes to reduce
     * @return the sums, DOUBLE, a new array
     */
    static INDArray absSums(INDArray x, int... dims) {
        INDArray a = x.dataType() == DataType.HALF || x.dataType() == DataType.BFLOAT16 ? x.castTo(DataType.FLOAT) : x;
        return a.norm1(dims).castTo(DataType.DOUBLE);
    }
}
