/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.Objects;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.longer.CountZero;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.scalar.Step;
import org.nd4j.linalg.api.ops.impl.transforms.bool.MatchConditionTransform;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;

/**
 * Counts the gates of one activation array: a pure function of (gate, array, unit axis).
 *
 * <p>The fast path runs ND4J reduce-long ops ({@link MatchCondition}, {@link CountZero}) along every axis but the
 * unit axis, and one plain sum that rules out non-finite entries: no boolean copy of the array, no Java loop over
 * elements, the same code on nd4j-native and nd4j-cuda.
 * The weighted path (masks, dropout, non-finite inputs) builds indicator arrays and is used only when an entry must
 * be left out.
 *
 * <p>Never modifies or keeps the array; all work happens outside any workspace, so a call from inside a training
 * callback leaks nothing. Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class GateCounter {

    private GateCounter() {
    }

    /**
     * The axes to reduce over for a given rank and unit axis.
     *
     * @param rank     array rank, >= 2
     * @param unitAxis the unit (channel) axis
     * @return every axis but {@code unitAxis}, ascending
     */
    public static int[] reduceDims(int rank, int unitAxis) {
        Preconditions.checkArgument(rank >= 2, "rank must be >= 2, got: %s", rank);
        Preconditions.checkArgument(unitAxis >= 0 && unitAxis < rank, "unitAxis must be in [0, %s), got: %s",
                rank, unitAxis);
        int[] dims = new int[rank - 1];
        int k = 0;
        for (int d = 0; d < rank; d++) {
            if (d != unitAxis) {
                dims[k++] = d;
            }
        }
        return dims;
    }

    /**
     * Counts every entry of an activation array (no mask, nothing dropped).
     *
     * <p>The cost is one per-unit reduction per gate side (one for a ReLU; two for a capped ReLU; one for the
     * negative count of a leaky activation) plus one whole-array sum: a finite sum proves that no entry is NaN or
     * infinite (IEEE arithmetic propagates both), so the per-unit non-finite count is run only when the sum is not
     * finite (a non-finite entry, or a sum that overflows). Every count stays exact either way.
     *
     * @param gate     the activation's gate
     * @param act      post-activation values; not modified, not kept
     * @param unitAxis the unit axis of {@code act}
     * @param examples training examples the array covers
     * @return per-unit counts
     */
    public static UnitCounts count(Gate gate, INDArray act, int unitAxis, long examples) {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(act, "act");
        int[] dims = reduceDims(act.rank(), unitAxis);
        int units = (int) act.size(unitAxis);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            // DL4J hands over permuted views (a convolution's NCHW output is a view of a channel-major buffer):
            // element-wise and whole-array ops on a view take libnd4j's slow index-by-index path, on the same data
            // in memory order its fast contiguous one.
            int[] perm = memoryOrder(act);
            INDArray mem = perm == null ? null : isIdentity(perm) ? act : act.permute(perm);
            boolean finite = mem != null ? allFiniteContiguous(mem) : allFinite(act);
            double cutoff = gate.openAbove();
            if (finite && mem != null && !Double.isNaN(cutoff) && stepCountable(act, units)) {
                long[] closed = closedByStep(mem, indexOf(perm, unitAxis), cutoff);
                long[] entries = new long[units];
                Arrays.fill(entries, act.length() / Math.max(units, 1));
                return new UnitCounts(closed, closed, new long[units], entries, examples, false);
            }
            // Without non-finite entries nothing below is subtracted; with them, an infinity that satisfies a
            // closed or negative condition (-Inf <= 0, +Inf >= cap) is taken back out: non-finite entries are
            // neither closed nor negative.
            long[] negInf = finite ? null : match(act, Conditions.lessThan(-maxFinite(act.dataType())), dims);
            long[] posInf = finite ? null : match(act, Conditions.greaterThan(maxFinite(act.dataType())), dims);
            long[] closed;
            long[] negative;
            Condition lc = gate.lowCondition(1.0);
            if (!gate.isGated()) {
                closed = new long[units];
                negative = subtract(match(act, Conditions.lessThan(0.0), dims), negInf);
            } else {
                long[] low;
                if (gate.lowIsExactZero()) {
                    low = Nd4j.getExecutioner().exec(new CountZero(act, dims)).toLongVector();
                } else {
                    low = lc == null ? new long[units] : subtract(match(act, lc, dims), negInf);
                }
                Condition cap = gate.capCondition(1.0);
                closed = cap == null ? low : add(low, subtract(match(act, cap, dims), posInf));
                negative = lc != null || gate.lowIsExactZero() ? low
                        : subtract(match(act, Conditions.lessThan(0.0), dims), negInf);
            }
            long[] nonFinite = finite ? new long[units] : match(act, Conditions.notFinite(), dims);
            long[] entries = new long[units];
            Arrays.fill(entries, act.length() / Math.max(units, 1));
            return new UnitCounts(closed, negative, nonFinite, entries, examples, false);
        }
    }

    /** The workspace of the indicator arrays: one per thread, sized by the largest layer, reused every call. */
    private static final WorkspaceConfiguration INDICATOR_WS = WorkspaceConfiguration.builder()
            .initialSize(0)
            .overallocationLimit(0.05)
            .policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT)
            .policySpill(SpillPolicy.REALLOCATE)
            .policyAllocation(AllocationPolicy.OVERALLOCATE)
            .build();

    /** Its id. */
    static final String INDICATOR_WS_ID = "DEADRELU_GATE_COUNT";

    /**
     * Whether {@link #closedByStep} counts this array exactly: floating point (the indicator is summed in the array's
     * type, FLOAT or DOUBLE) with fewer entries per unit than the type counts exactly in (2^24 for FLOAT).
     */
    private static boolean stepCountable(INDArray act, int units) {
        long perUnit = act.length() / Math.max(units, 1);
        DataType dt = act.dataType();
        return units > 0 && (dt == DataType.DOUBLE || dt == DataType.FLOAT && perUnit < (1L << 24));
    }

    /**
     * Closed entries per unit of a finite, c-contiguous array whose gate is closed iff {@code a <= cutoff}. One
     * {@code Step} transform writes the open indicator ({@code a > cutoff}: 1, else 0) into a reused workspace
     * buffer; seen as {@code [P, U, Q]} (P: the axes before the unit axis, Q: those after it):
     * <ul>
     *   <li>{@code Q == 1} (dense {@code [mb, n]}, NHWC, NWC): one gemm {@code ones[1, P] x ind[P, U]} sums the
     *       columns streaming rows (a reduction along axis 0 of a row-major array walks each column with a large
     *       stride and is several times slower);</li>
     *   <li>{@code P == 1} (a convolution's channel-major output): one gemm {@code ind[U, Q] x ones[Q, 1]};</li>
     *   <li>otherwise (NCHW in example-major order, NCW): {@code CountZero} along axes 0 and 2, contiguous runs.</li>
     * </ul>
     * Sums of 0/1 stay exact integers in the array's type (below 2^24 per unit for FLOAT, checked by the caller).
     *
     * @param mem      the array, c-contiguous
     * @param unitAxis its unit axis
     * @param cutoff   open iff {@code a > cutoff}
     * @return closed entries per unit
     */
    private static long[] closedByStep(INDArray mem, int unitAxis, double cutoff) {
        long[] shape = mem.shape();
        int units = (int) shape[unitAxis];
        long p = 1;
        for (int d = 0; d < unitAxis; d++) {
            p *= shape[d];
        }
        long q = mem.length() / units / p;
        DataType dt = mem.dataType();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(INDICATOR_WS,
                INDICATOR_WS_ID)) {
            long[] target = q == 1 ? new long[]{p, units} : p == 1 ? new long[]{units, q} : new long[]{p, units, q};
            INDArray src = Arrays.equals(shape, target) ? mem : mem.reshape('c', target);
            INDArray ind = Nd4j.createUninitialized(dt, target, 'c');
            Nd4j.getExecutioner().exec(new Step(src, ind, cutoff));
            double[] open;
            if (q == 1 || p == 1) {
                INDArray out = Nd4j.createUninitialized(dt, q == 1 ? new long[]{1, units} : new long[]{units, 1}, 'f');
                if (q == 1) {
                    Nd4j.gemm(ones(dt, p, true), ind, out, false, false, 1.0, 0.0);
                } else {
                    Nd4j.gemm(ind, ones(dt, q, false), out, false, false, 1.0, 0.0);
                }
                open = out.toDoubleVector();
            } else {
                long[] zeros = Nd4j.getExecutioner().exec(new CountZero(ind, 0, 2)).toLongVector();
                long[] closed = new long[units];
                System.arraycopy(zeros, 0, closed, 0, units);
                return closed;
            }
            long perUnit = p * q;
            long[] closed = new long[units];
            for (int u = 0; u < units; u++) {
                closed[u] = perUnit - Math.round(open[u]);
            }
            return closed;
        }
    }

    /** Per-thread vectors of ones, by type, length and orientation (each thread may sit on its own device). */
    private static final ThreadLocal<java.util.Map<String, INDArray>> ONES =
            ThreadLocal.withInitial(java.util.HashMap::new);

    private static INDArray ones(DataType dt, long n, boolean row) {
        java.util.Map<String, INDArray> cache = ONES.get();
        String key = dt + (row ? "r" : "c") + n;
        INDArray o = cache.get(key);
        if (o == null) {
            if (cache.size() >= 16) {
                cache.clear(); // sizes seen change only with the network or the batch size
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                o = Nd4j.ones(dt, row ? new long[]{1, n} : new long[]{n, 1});
            }
            cache.put(key, o);
        }
        return o;
    }

    /**
     * The permutation that puts an array's axes in memory order (strides descending), when the permuted array is
     * c-contiguous and starts at its buffer's first element; null otherwise.
     *
     * @param a any array
     * @return the permutation, or null
     */
    static int[] memoryOrder(INDArray a) {
        int rank = a.rank();
        if (a.isEmpty() || a.offset() != 0 || rank == 0) {
            return null;
        }
        long[] stride = a.stride();
        long[] shape = a.shape();
        Integer[] order = new Integer[rank];
        for (int d = 0; d < rank; d++) {
            order[d] = d;
        }
        // Size-1 axes have arbitrary strides: keep them in place relative to each other (stable sort, key 0 wins
        // nothing); every other axis by stride, largest first.
        Arrays.sort(order, (x, y) -> Long.compare(shape[y] == 1 ? Long.MAX_VALUE : stride[y],
                shape[x] == 1 ? Long.MAX_VALUE : stride[x]));
        int[] perm = new int[rank];
        long expected = 1;
        for (int i = rank - 1; i >= 0; i--) {
            perm[i] = order[i];
            int d = order[i];
            if (shape[d] != 1 && stride[d] != expected) {
                return null;
            }
            expected *= shape[d];
        }
        return perm;
    }

    private static boolean isIdentity(int[] perm) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] != i) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(int[] perm, int axis) {
        for (int i = 0; i < perm.length; i++) {
            if (perm[i] == axis) {
                return i;
            }
        }
        throw new IllegalStateException("axis " + axis + " not in permutation " + Arrays.toString(perm));
    }

    /**
     * {@link #allFinite} for a c-contiguous FLOAT or DOUBLE array starting at its buffer's first element: BLAS
     * {@code asum} (NaN and infinities propagate through it as through any sum) reads the memory at full speed,
     * where ND4J's own sum is several times slower. Other types take {@link #allFinite}.
     */
    static boolean allFiniteContiguous(INDArray mem) {
        DataType dt = mem.dataType();
        if (dt != DataType.FLOAT && dt != DataType.DOUBLE) {
            return allFinite(mem);
        }
        return Double.isFinite(Nd4j.getBlasWrapper().level1().asum(mem.reshape('c', new long[]{mem.length()})));
    }

    /**
     * Whether every entry is finite, from one plain whole-array sum: NaN and infinities propagate through IEEE
     * addition, so a finite sum means no entry is NaN or infinite. A non-finite sum (such an entry, or an overflow of
     * finite entries) answers false, and the caller then counts exactly.
     *
     * @param act any array
     * @return true when the sum of all entries is finite
     */
    static boolean allFinite(INDArray act) {
        if (act.isEmpty()) {
            return true;
        }
        return Double.isFinite(act.sumNumber().doubleValue());
    }

    /**
     * Counts only the entries selected by {@code weights} (masks, entries kept by dropout), treating the entries
     * selected by {@code forcedNonFinite} as non-finite whatever their value.
     *
     * @param gate            the activation's gate
     * @param act             post-activation values; not modified, not kept
     * @param unitAxis        the unit axis of {@code act}
     * @param examples        training examples the array covers
     * @param weights         null (every entry counts) or an array of {@code act}'s shape holding 1 for entries that
     *                        count and 0 for entries that do not
     * @param forcedNonFinite null or an array of {@code act}'s shape holding 1 for entries whose pre-activation was
     *                        not finite (the activation mapped it to a finite value)
     * @param scale           factor the kept entries were multiplied by (1/p under inverted dropout, else 1)
     * @param estimated       whether to flag the result as an estimate
     * @return per-unit counts
     */
    public static UnitCounts countWeighted(Gate gate, INDArray act, int unitAxis, long examples, INDArray weights,
                                           INDArray forcedNonFinite, double scale, boolean estimated) {
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(act, "act");
        Preconditions.checkArgument(scale > 0 && Double.isFinite(scale), "scale must be > 0 and finite, got: %s",
                scale);
        int[] dims = reduceDims(act.rank(), unitAxis);
        int units = (int) act.size(unitAxis);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            DataType dt = DataType.DOUBLE;
            INDArray w = weights == null ? Nd4j.ones(dt, act.shape()) : weights.castTo(dt).reshape(act.shape());
            INDArray keep = w;
            if (forcedNonFinite != null) {
                INDArray forced = forcedNonFinite.castTo(dt).reshape(act.shape());
                keep = w.mul(forced.rsub(1.0));
            }
            INDArray lowInd;
            if (gate.lowIsExactZero()) {
                lowInd = act.eq(0.0).castTo(dt);
            } else {
                Condition lc = gate.lowCondition(scale);
                lowInd = lc == null ? null : indicator(act, lc, dt);
            }
            long[] low = lowInd == null ? new long[units] : sumToLong(lowInd.muli(keep), dims);
            long[] closed;
            Condition cap = gate.capCondition(scale);
            if (!gate.isGated()) {
                closed = new long[units];
            } else if (cap != null) {
                closed = add(low, sumToLong(indicator(act, cap, dt).muli(keep), dims));
            } else {
                closed = low;
            }
            long[] negative = lowInd != null ? low
                    : sumToLong(indicator(act, Conditions.lessThan(0.0), dt).muli(keep), dims);
            INDArray notFinite = indicator(act, Conditions.notFinite(), dt);
            INDArray nonFiniteW = notFinite.mul(keep);
            if (forcedNonFinite != null) {
                // entries of w that were dropped from "keep" are non-finite by force
                nonFiniteW.addi(w.sub(keep));
            }
            long[] nonFinite = sumToLong(nonFiniteW, dims);
            long[] entries = sumToLong(w, dims);
            return new UnitCounts(closed, negative, nonFinite, entries, examples, estimated);
        }
    }

    private static long[] match(INDArray act, Condition c, int[] dims) {
        return Nd4j.getExecutioner().exec(new MatchCondition(act, c, dims)).toLongVector();
    }

    private static INDArray indicator(INDArray act, Condition c, DataType dt) {
        INDArray b = Nd4j.getExecutioner().exec(new MatchConditionTransform(act, c));
        return b.castTo(dt);
    }

    private static long[] sumToLong(INDArray a, int[] dims) {
        double[] d = a.sum(dims).toDoubleVector();
        long[] r = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = Math.round(d[i]);
        }
        return r;
    }

    /**
     * The largest finite value of a floating-point type, as the double that converts to it exactly: ND4J hands a
     * condition's value to the kernel in the array's own type, so {@code a < -maxFinite} holds for {@code -Inf} only
     * and {@code a > maxFinite} for {@code +Inf} only.
     */
    static double maxFinite(DataType dt) {
        switch (dt) {
            case HALF:
                return 65504.0;
            case BFLOAT16:
                return 3.3895313892515355E38;
            case FLOAT:
                return Float.MAX_VALUE;
            default:
                return Double.MAX_VALUE;
        }
    }

    private static long[] subtract(long[] a, long[] b) {
        if (b == null) {
            return a;
        }
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    private static long[] add(long[] a, long[] b) {
        long[] r = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }
}
