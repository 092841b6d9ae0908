/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Per unit of a gated layer, the sum of |w| over every outgoing weight that reads it: {@code sum_k |w_out[j, k]|},
 * the second factor of Continual Backprop's contribution utility. The consumers are found by the same walk that
 * zeroes outgoing weights ({@link OutgoingZeroing}: through unit-preserving layers, CNN-to-dense flattening in NCHW and
 * NHWC, RNN/feed-forward reshapes, merge, scale, shift and time-step vertices), so a conv channel's sum covers every
 * flattened position of it, and a unit read by several consumers sums over all of them. Frozen consumers count (their
 * weights still carry the unit's contribution).
 *
 * <p>Per consumer, |W| summed over every axis but the input-unit axis ({@link #unitAbsSums}: one reduction, or for
 * dense weights with a multiple of 512 inputs |W| into a reused workspace and a matrix-vector product); the Java loop
 * runs over the input positions of the consumer (rows of its weights), never over weight or activation elements.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class OutgoingSums {

    /** The id of the workspace the sums' temporaries live in (reused across calls, one per thread). */
    private static final String SUMS_WORKSPACE_ID = "DEADRELU_ABS_SUMS";
    /** The most entries of |w| held at once by {@link #unitAbsSums} (4 MB in FLOAT). */
    private static final long MAX_BLOCK_ENTRIES = 1L << 20;
    /** Strides (in entries) that are multiples of this make a strided reduction slow (cache-set aliasing). */
    private static final long ALIASING_STRIDE = 512;
    /** Below this many entries the reduction is as fast as the product, whose fixed cost is about 0.1 ms. */
    private static final long STREAM_MIN_ENTRIES = 1L << 19;

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
        try {
            new OutgoingZeroing(topo, spec.name(), (consumer, w, frame, axis, sel) -> {
                double[] perInput = unitAbsSums(w, frame, axis);
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
     * Per index along {@code axis} of {@code w} (viewed in {@code frame}), the sum of |w| over every other axis:
     * one {@code norm1} over the other axes, except where that reduction reads memory badly. That is when the axis is
     * the innermost in memory order (each index's entries strided: the input-unit axis of dense weights, the
     * input-channel axis of a convolution in its frame), the stride is a multiple of 512 entries and the array has at
     * least 2^19 entries. A reduction per index then hits the same cache sets again and again (FLOAT, one thread:
     * 1024 x 1024 'f' rows 4.0 ms, 4096 x 1024 18 ms, 512 x 2048 3.4 ms). Instead, |w| goes into a reused workspace
     * in blocks of at most 2^20 entries, and a matrix-vector product with a vector of ones (BLAS {@code gemv}) sums
     * it, streaming the memory (1.6, 6.2 and 1.6 ms). Other strides (1000, 784, 700) reduce as fast as the product.
     * NaN and infinities propagate into the sums of the indices whose entries hold them. HALF and BFLOAT16 are
     * widened to FLOAT first so the sums do not lose precision; FLOAT and DOUBLE are summed in their own type and
     * returned widened to double.
     *
     * @param w     the array
     * @param frame the shape to view {@code w} in ('c' reshape of a 'c' copy), or null for its own shape
     * @param axis  the axis (of the frame) whose indices get a sum each
     * @return the sums, one per index along {@code axis}
     */
    static double[] unitAbsSums(INDArray w, long[] frame, int axis) {
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
             MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(Reinitializer.SCRATCH_WORKSPACE,
                     SUMS_WORKSPACE_ID)) {
            INDArray a = frame == null ? w : w.dup('c').reshape('c', frame);
            if (a.dataType() == DataType.HALF || a.dataType() == DataType.BFLOAT16) {
                a = a.castTo(DataType.FLOAT);
            }
            int ax = axis;
            if (!ParamPatch.dense(a, 'c') && ParamPatch.dense(a, 'f')) {
                int[] reversed = new int[a.rank()];
                for (int d = 0; d < reversed.length; d++) {
                    reversed[d] = a.rank() - 1 - d;
                }
                a = a.permute(reversed);   // the same memory as a 'c' array of the reversed shape
                ax = a.rank() - 1 - axis;
            }
            long units = a.size(ax);
            long rest = a.length() / units;
            INDArray sums;
            if (a.rank() >= 2 && ParamPatch.dense(a, 'c') && ax == a.rank() - 1 && units % ALIASING_STRIDE == 0
                    && a.length() >= STREAM_MIN_ENTRIES) {
                // Each index's entries are a column of [rest, units], strided by a multiple of 512 entries: the
                // reduction per index hits the same cache sets again and again, the product streams the memory.
                // In blocks of rows, so that the scratch stays small for any size of weights.
                INDArray m = a.reshape('c', rest, units);
                long block = Math.max(1, Math.min(rest, MAX_BLOCK_ENTRIES / units));
                INDArray scratch = Nd4j.createUninitialized(a.dataType(), new long[]{block, units}, 'c');
                INDArray ones = Nd4j.ones(a.dataType(), block, 1);
                sums = null;
                for (long r = 0; r < rest; r += block) {
                    long n = Math.min(block, rest - r);
                    INDArray abs = n == block ? scratch : scratch.get(NDArrayIndex.interval(0, n), NDArrayIndex.all());
                    Nd4j.exec(new Abs(m.get(NDArrayIndex.interval(r, r + n), NDArrayIndex.all()), abs));
                    INDArray part = abs.transpose().mmul(n == block ? ones
                            : ones.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()));
                    sums = sums == null ? part : sums.addi(part);
                }
            } else {
                // Each index's entries in one block (or no simple layout): one reduction over the other axes.
                int[] dims = new int[a.rank() - 1];
                for (int d = 0, k = 0; d < a.rank(); d++) {
                    if (d != ax) {
                        dims[k++] = d;
                    }
                }
                sums = dims.length == 0 ? Transforms.abs(a, true) : a.norm1(dims);
            }
            return sums.castTo(DataType.DOUBLE).reshape(units).toDoubleVector();
        }
    }
}
