/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.api.ops.impl.reduce.longer.CountZero;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarSubtraction;
import org.nd4j.linalg.api.ops.impl.transforms.bool.MatchConditionTransform;
import org.nd4j.linalg.api.ops.impl.transforms.same.Abs;
import org.nd4j.linalg.api.ops.impl.transforms.same.Sign;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.indexing.conditions.Condition;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Counts the gates of one activation array: a pure function of (gate, array, unit axis).
 *
 * <p><b>Fast path</b> (a finite FLOAT, DOUBLE or HALF array whose memory is one contiguous block, every gate): the
 * per-unit sums are matrix-vector products with a vector of ones (one BLAS {@code gemv} through ND4J's {@code Mmul},
 * which streams the memory in order), and the gate conditions are read off the sign of {@code a - c}:
 * <ol>
 *   <li>{@code S = sum(a)} per unit: finite for every unit exactly when no entry is NaN or infinite (IEEE
 *       arithmetic propagates both; a sum that overflows is not finite either and takes the exact path), and, for the
 *       non-negative output of a ReLU, the unit's sum of {@code |a|};</li>
 *   <li>{@code s = sign(a - c)} written once into a reused per-thread buffer; {@code G = sum(s)} per unit, and the
 *       whole-buffer {@code asum(s)} (BLAS) counts the entries that are not {@code c}. When {@code asum(s) == sum(G)}
 *       no entry is below {@code c}: for a ReLU ({@code c = 0}) {@code G} is the open count, and the work stops here
 *       (two {@code gemv}, one {@code sign}, one {@code asum}: about three reads and one write of the array);</li>
 *   <li>otherwise {@code |s|} in place and its sums {@code N} give, per unit, {@code (N + G) / 2} entries above
 *       {@code c}, {@code (N - G) / 2} below and the rest equal, and {@code |a|} in the same buffer gives the sums
 *       of {@code |a|}.</li>
 * </ol>
 * The sums of signs are integers below 2^24 (FLOAT, checked) and so exact in any order of summation. No boolean copy
 * of the array, no Java loop over elements, the same ops on nd4j-native and nd4j-cuda.
 *
 * <p><b>Exact path</b> (non-finite entries, views that are not one block, integer types): per-unit
 * {@code MatchCondition} and {@code CountZero} reductions. The weighted path (masks, dropout, non-finite inputs)
 * builds indicator arrays and is used only when an entry must be left out.
 *
 * <p>Never modifies or keeps the array. Results are copied to Java arrays at once; the scratch buffers are per-thread
 * arrays outside every workspace (sized by the largest layer seen), so a call from inside a training callback leaks
 * nothing into the caller's workspaces. Used by dl4j-deadrelu internals, and should not be called by external code.
 *
 * <p>Why one class of this length: the fast path and the exact paths must agree count for count (the exactness tests
 * compare them), and they share the layout views, the per-thread scratch buffers and the reused matrix-vector op; kept
 * together, a change to one path is checked against the others in one place.
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
     * <p>A finite array in one contiguous block takes the fast path of the class comment (two matrix-vector products
     * and one sign transform for a ReLU output); anything else the exact per-unit reductions. Every count is exact
     * either way, and the result carries the per-unit sums of {@code |a|} over finite entries.
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
            UnitCounts fast = fastCount(gate, act, unitAxis, units, examples);
            if (fast != null) {
                return fast;
            }
            boolean finite = allFinite(act);
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
            return UnitCounts.owning(closed, negative, nonFinite, entries, finiteAbsSums(act, null, dims, 1.0),
                    examples, false);
        }
    }

    /**
     * Per-unit sums of {@code |a|} over every entry (NaN and infinities propagate: a unit with such an entry gets a
     * non-finite sum): one {@code abs} into this thread's scratch buffer and one matrix-vector product for a FLOAT or
     * DOUBLE array in one block of memory; a DOUBLE copy and a per-unit sum otherwise.
     *
     * @param a        any array; not modified, not kept
     * @param unitAxis its unit axis
     * @return one sum per unit
     */
    public static double[] unitAbsSums(INDArray a, int unitAxis) {
        return perUnitSums(a, unitAxis, true);
    }

    /**
     * Per-unit sums of {@code a} over every entry (NaN and infinities propagate): one matrix-vector product with ones
     * for a FLOAT or DOUBLE array in one block of memory (no copy of the array, no ND4J array object but views of
     * it); a DOUBLE copy and a per-unit sum otherwise. The same array always gives the same sums, whichever thread
     * count: each unit's sum is one dot product. About ten times faster than ND4J's {@code sum} reduction on a
     * [784, 1024] weight matrix (one thread).
     *
     * @param a        any array (activations, weights); not modified, not kept
     * @param unitAxis its unit axis
     * @return one sum per unit
     */
    public static double[] unitSums(INDArray a, int unitAxis) {
        return perUnitSums(a, unitAxis, false);
    }

    /** {@link #unitAbsSums} ({@code abs}) or {@link #unitSums}. */
    private static double[] perUnitSums(INDArray a, int unitAxis, boolean abs) {
        Objects.requireNonNull(a, "a");
        int[] dims = reduceDims(a.rank(), unitAxis);
        int units = (int) a.size(unitAxis);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            DataType dt = a.dataType();
            // Plain sums: any offset, the product reads the view itself (a layer's W is a view into the network's
            // parameters). Sums of |a| write the abs into this thread's scratch buffer: an array at offset 0.
            int[] perm = units > 0 && !a.isEmpty() && (dt == DataType.FLOAT || dt == DataType.DOUBLE)
                    ? (abs ? memoryOrder(a) : blockOrder(a)) : null;
            if (perm == null) {
                INDArray d = a.castTo(DataType.DOUBLE);
                return (abs ? Transforms.abs(d, true) : d).sum(dims).toDoubleVector();
            }
            INDArray mem = isIdentity(perm) ? a : a.permute(perm);
            Blocks b = Blocks.of(mem.shape(), indexOf(perm, unitAxis));
            Scratch.Views v = Scratch.get().views(dt, mem.shape(), b);
            return abs ? v.absSums(mem) : v.unitSums(v.operand(mem));
        }
    }

    // ------------------------------------------------------------------------------------------ fast path

    /**
     * The fast path of the class comment, or null when it does not apply (a non-finite entry or an overflowing sum,
     * a view that is not one block, an integer type, no units, too many entries per unit to count exactly).
     */
    private static UnitCounts fastCount(Gate gate, INDArray act, int unitAxis, int units, long examples) {
        DataType dt = act.dataType();
        if (units <= 0 || act.isEmpty() || !(dt == DataType.FLOAT || dt == DataType.DOUBLE || dt == DataType.HALF
                || dt == DataType.BFLOAT16)) {
            return null;
        }
        long perUnit = act.length() / units;
        if (dt != DataType.DOUBLE && perUnit >= EXACT_FLOAT) {
            return null;
        }
        int[] perm = memoryOrder(act);
        if (perm == null) {
            return null;
        }
        INDArray mem = isIdentity(perm) ? act : act.permute(perm);
        int axis = indexOf(perm, unitAxis);
        if (dt == DataType.HALF || dt == DataType.BFLOAT16) {
            // Sums of signs are exact in FLOAT (below 2^24 per unit) but not in HALF (2^11): count a FLOAT copy.
            mem = Scratch.get().halfCopy(mem);
        }
        Blocks b = Blocks.of(mem.shape(), axis);
        Scratch.Views v = Scratch.get().views(mem.dataType(), mem.shape(), b);
        double[] sums = v.unitSums(v.operand(mem));
        for (int u = 0; u < units; u++) {
            if (!Double.isFinite(sums[u])) {
                return null;
            }
            sums[u] += 0.0; // -0.0 (a sum of -0.0 entries) becomes 0.0
        }
        // Low side of a gated activation (a <= v, a < v or a == 0), the negative side of any: the sign of a - c.
        Condition lc = gate.lowCondition(1.0);
        Condition cap = gate.capCondition(1.0);
        double c = lc != null ? lc.getValue() : 0.0;
        SignCounts low = v.signCounts(mem, c, perUnit, true);
        long[] closed;
        long[] negative;
        if (!gate.isGated()) {
            closed = new long[units];
            negative = low.below;
        } else {
            long[] lowSide;
            if (lc != null) {
                lowSide = lc.conditionType() == Conditions.ConditionMode.LESS_THAN_OR_EQUAL ? low.atOrBelow()
                        : low.below;
            } else if (gate.lowIsExactZero()) {
                lowSide = low.equal();
            } else {
                lowSide = new long[units];
            }
            negative = lc != null || gate.lowIsExactZero() ? lowSide : low.below;
            closed = lowSide;
            if (cap != null) {
                long[] top = v.signCounts(mem, cap.getValue(), perUnit, false).atOrAbove();
                closed = new long[units];
                for (int u = 0; u < units; u++) {
                    closed[u] = lowSide[u] + top[u];
                }
                if (negative == lowSide) {
                    negative = lowSide.clone();
                }
            }
        }
        long[] entries = new long[units];
        Arrays.fill(entries, perUnit);
        return UnitCounts.owning(closed, negative, new long[units], entries,
                low.absSums != null ? low.absSums : sums, examples, false);
    }

    /** Per-unit counts of one sign pass: entries below, above and equal to the compared value. */
    private static final class SignCounts {
        final long[] below;
        final long[] above;
        final long perUnit;
        /** Sums of |a| when the pass had to compute them (negative entries present), else null. */
        final double[] absSums;

        SignCounts(long[] below, long[] above, long perUnit, double[] absSums) {
            this.below = below;
            this.above = above;
            this.perUnit = perUnit;
            this.absSums = absSums;
        }

        long[] atOrBelow() {
            long[] r = new long[above.length];
            for (int u = 0; u < r.length; u++) {
                r[u] = perUnit - above[u];
            }
            return r;
        }

        long[] atOrAbove() {
            long[] r = new long[below.length];
            for (int u = 0; u < r.length; u++) {
                r[u] = perUnit - below[u];
            }
            return r;
        }

        long[] equal() {
            long[] r = new long[below.length];
            for (int u = 0; u < r.length; u++) {
                r[u] = perUnit - below[u] - above[u];
            }
            return r;
        }
    }

    /** Whether the backend is the CPU one (host memory is the memory ops write). */
    private static final boolean CPU = Nd4j.getEnvironment().isCPU();

    /** Entries per unit below which sums of +-1 are exact integers in FLOAT (its 24-bit significand). */
    private static final long EXACT_FLOAT = 1L << 24;

    /**
     * A c-contiguous array seen as {@code [P, U, Q]}: P the product of the axes before the unit axis, Q of those
     * after it.
     */
    private static final class Blocks {
        final long p;
        final int u;
        final long q;

        private Blocks(long p, int u, long q) {
            this.p = p;
            this.u = u;
            this.q = q;
        }

        static Blocks of(long[] shape, int unitAxis) {
            long p = 1;
            for (int d = 0; d < unitAxis; d++) {
                p *= shape[d];
            }
            long q = 1;
            for (int d = unitAxis + 1; d < shape.length; d++) {
                q *= shape[d];
            }
            return new Blocks(p, (int) shape[unitAxis], q);
        }
    }

    /**
     * Per-thread scratch of the fast path, outside every workspace: one flat buffer per data type, as long as the
     * largest array counted on this thread, and for each array shape the views into it and the small result vectors
     * (a few hundred bytes), so that a call creates almost no ND4J array objects (each costs a native shape buffer).
     * Bounded: the views of at most {@value #MAX_SHAPES} shapes are kept.
     */
    private static final class Scratch {
        private static final int MAX_SHAPES = 64;
        private static final ThreadLocal<Scratch> LOCAL = ThreadLocal.withInitial(Scratch::new);

        private final Map<DataType, INDArray> flat = new EnumMap<>(DataType.class);
        private final Map<String, Views> views = new HashMap<>();
        private final Map<String, INDArray> ones = new HashMap<>();

        /** One reused op and context per transpose flag: building them costs more than a small product. */
        private final OpContext[] contexts = new OpContext[2];
        private final Mmul[] mmuls = new Mmul[2];

        static Scratch get() {
            return LOCAL.get();
        }

        /**
         * {@code z = op(x) y} for a matrix x and vectors y and z ({@code op} transposes when asked), through a
         * {@link Mmul} op and an {@link OpContext} kept by this thread (a fresh op and context per call cost about
         * as much again as the product of a dense layer's activations).
         */
        void mmul(INDArray x, boolean transposeX, INDArray y, INDArray z) {
            int k = transposeX ? 1 : 0;
            if (contexts[k] == null) {
                mmuls[k] = new Mmul(x, y, z, 1.0, 0.0, MMulTranspose.builder().transposeA(transposeX).build());
                OpContext c = Nd4j.getExecutioner().buildContext();
                c.setIArguments(transposeX ? 1 : 0, 0, 0);
                c.setTArguments(1.0, 0.0);
                contexts[k] = c;
            }
            OpContext c = contexts[k];
            c.setInputArray(0, x);
            c.setInputArray(1, y);
            c.setOutputArray(0, z);
            Nd4j.getExecutioner().exec(mmuls[k], c);
        }

        /** A small result vector as doubles: a bulk copy of host memory on CPU, the portable copy elsewhere. */
        static double[] read(INDArray v) {
            if (!CPU) {
                return v.toDoubleVector();
            }
            int n = (int) v.length();
            double[] r = new double[n];
            if (v.dataType() == DataType.DOUBLE) {
                v.data().asNio().asDoubleBuffer().get(r);
            } else {
                float[] f = new float[n];
                v.data().asNio().asFloatBuffer().get(f);
                for (int i = 0; i < n; i++) {
                    r[i] = f[i];
                }
            }
            return r;
        }

        /** A FLOAT copy of a HALF or BFLOAT16 array, in a scratch buffer of this thread. */
        INDArray halfCopy(INDArray mem) {
            INDArray dst = buffer(DataType.FLOAT, mem.length() * 2).get(
                    NDArrayIndex.interval(mem.length(), 2 * mem.length())).reshape('c', mem.shape());
            dst.assign(mem);
            return dst;
        }

        /** The flat buffer of a type, at least {@code length} long; a regrow forgets every view. */
        private INDArray buffer(DataType dt, long length) {
            INDArray f = flat.get(dt);
            if (f == null || f.length() < length) {
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    f = Nd4j.createUninitialized(dt, Math.max(length, f == null ? 0 : f.length()));
                }
                flat.put(dt, f);
                views.keySet().removeIf(k -> k.startsWith(dt.name() + ":"));
            }
            return f;
        }

        INDArray ones(DataType dt, long n) {
            String key = dt.name() + n;
            INDArray o = ones.get(key);
            if (o == null) {
                if (ones.size() >= MAX_SHAPES) {
                    ones.clear();
                }
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    o = Nd4j.ones(dt, n);
                }
                ones.put(key, o);
            }
            return o;
        }

        Views views(DataType dt, long[] shape, Blocks b) {
            String key = dt.name() + ":" + Arrays.toString(shape) + ":" + b.p + ":" + b.u;
            Views v = views.get(key);
            if (v == null) {
                long length = b.p * b.u * b.q;
                INDArray f = buffer(dt, length);
                if (views.size() >= MAX_SHAPES) {
                    views.clear();
                }
                v = new Views(this, dt, shape, b, f.get(NDArrayIndex.interval(0, length)));
                views.put(key, v);
            }
            return v;
        }

        /** The views and result vectors of one array shape. */
        static final class Views {
            private final Scratch owner;
            private final DataType dt;
            private final Blocks b;
            /** The sign buffer with the array's shape (the transforms' output). */
            private final INDArray signShaped;
            /** The same buffer flat, for the whole-buffer {@code asum}. */
            private final INDArray signFlat;
            /** The same buffer as the matrix operand of {@link #unitSums}. */
            private final INDArray signOperand;
            private final INDArray out;
            private final INDArray mid;
            private final INDArray midOperand;

            Views(Scratch owner, DataType dt, long[] shape, Blocks b, INDArray flatPrefix) {
                this.owner = owner;
                this.dt = dt;
                this.b = b;
                try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                    this.signFlat = flatPrefix;
                    this.signShaped = flatPrefix.reshape('c', shape);
                    this.signOperand = operand(signShaped);
                    this.out = Nd4j.createUninitialized(dt, b.u);
                    boolean general = b.p > 1 && b.q > 1;
                    this.mid = general ? Nd4j.createUninitialized(dt, b.u * b.q) : null;
                    this.midOperand = general ? mid.reshape('c', b.u, b.q) : null;
                }
            }

            /**
             * The matrix whose product with a vector of ones gives the per-unit sums of a c-contiguous
             * {@code [P, U, Q]} array: {@code [P, U]} transposed by the product (Q == 1: dense, NHWC), {@code [U, Q]}
             * (P == 1: a convolution's channel-major output), or {@code [P, U*Q]} transposed, whose product is then
             * summed per unit by {@code [U, Q] x ones} (NCHW in example-major order). A view of a rank-2 array is
             * the array itself: no ND4J array object is created.
             */
            INDArray operand(INDArray mem) {
                if (b.q == 1) {
                    return mem.rank() == 2 ? mem : mem.reshape('c', b.p, b.u);
                }
                if (b.p == 1) {
                    return mem.rank() == 2 ? mem : mem.reshape('c', b.u, b.q);
                }
                return mem.reshape('c', b.p, b.u * b.q);
            }

            /** Per-unit sums of an operand made by {@link #operand}, as doubles. */
            double[] unitSums(INDArray operand) {
                if (b.q == 1) {
                    owner.mmul(operand, true, owner.ones(dt, b.p), out);
                } else if (b.p == 1) {
                    owner.mmul(operand, false, owner.ones(dt, b.q), out);
                } else {
                    owner.mmul(operand, true, owner.ones(dt, b.p), mid);
                    owner.mmul(midOperand, false, owner.ones(dt, b.q), out);
                }
                return read(out);
            }

            /** Per-unit sums of {@code |a|} of an array of this shape: {@code abs} into the buffer, then its sums. */
            double[] absSums(INDArray mem) {
                Nd4j.exec(new Abs(mem, signShaped));
                return unitSums(signOperand);
            }

            /**
             * Counts of {@code a < c} and {@code a > c} per unit of a finite c-contiguous array, from the sign of
             * {@code a - c} (the buffer is reused). With {@code wantAbs} and some entry below {@code c >= 0} (so
             * possibly below 0), also the sums of {@code |a|}; otherwise no entry is negative and the caller's plain
             * sums are the sums of {@code |a|}.
             */
            SignCounts signCounts(INDArray mem, double c, long perUnit, boolean wantAbs) {
                if (c == 0.0) {
                    Nd4j.exec(new Sign(mem, signShaped));
                } else {
                    Nd4j.getExecutioner().exec(new ScalarSubtraction(mem, null, signShaped, c));
                    Nd4j.exec(new Sign(signShaped, signShaped));
                }
                double[] g = unitSums(signOperand);
                long sumG = 0;
                long[] gl = new long[g.length];
                for (int u = 0; u < g.length; u++) {
                    gl[u] = Math.round(g[u]);
                    sumG += gl[u];
                }
                long nonZero = exactAsum(signFlat);
                long[] below = new long[g.length];
                long[] above;
                double[] absSums = null;
                if (nonZero == sumG) {
                    // No entry below c: every sign is 0 or 1, and G counts the entries above c.
                    above = gl;
                } else {
                    above = new long[g.length];
                    Nd4j.exec(new Abs(signShaped, signShaped));
                    double[] n = unitSums(signOperand);
                    for (int u = 0; u < g.length; u++) {
                        long nu = Math.round(n[u]);
                        above[u] = (nu + gl[u]) / 2;
                        below[u] = (nu - gl[u]) / 2;
                    }
                    if (wantAbs && c >= 0) {
                        absSums = absSums(mem);
                    }
                }
                return new SignCounts(below, above, perUnit, absSums);
            }
        }
    }


    /**
     * The exact count of non-zero entries of a flat buffer holding 0 and +-1 only: BLAS {@code asum}, in chunks whose
     * sums stay exact integers in the buffer's type.
     */
    private static long exactAsum(INDArray flat) {
        long n = flat.length();
        long chunk = flat.dataType() == DataType.DOUBLE ? n : EXACT_FLOAT / 2;
        if (n <= chunk) {
            return Math.round(Nd4j.getBlasWrapper().level1().asum(flat));
        }
        // Chunks by offset into the buffer (the buffer starts at the array's first entry, see memoryOrder).
        long total = 0;
        for (long from = 0; from < n; from += chunk) {
            total += Math.round(Nd4j.getBlasWrapper().level1().asum(Math.min(chunk, n - from), flat.data(),
                    (int) from, 1));
        }
        return total;
    }

    /**
     * The permutation that puts an array's axes in memory order (strides descending), when the permuted array is
     * c-contiguous and starts at its buffer's first element; null otherwise.
     *
     * @param a any array
     * @return the permutation, or null
     */
    static int[] memoryOrder(INDArray a) {
        return a.offset() != 0 ? null : blockOrder(a);
    }

    /**
     * Like {@link #memoryOrder} but for an array anywhere in its buffer (a parameter view): the permutation that makes
     * it one c-contiguous block, or null. For ops that take the view itself (matrix products, BLAS), not the scratch
     * buffers.
     */
    private static int[] blockOrder(INDArray a) {
        int rank = a.rank();
        if (a.isEmpty() || rank == 0) {
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
     * The sum of {@code |a|} over every entry (NaN and infinities propagate): one BLAS {@code asum} when the array is
     * one block of memory in some axis order (about ten times faster than ND4J's {@code sumNumber} on 800k
     * parameters, one thread), else an ND4J reduction in DOUBLE. The same array always gives the same value at the
     * same thread count.
     *
     * @param a any array (e.g. a layer's parameters, a view); not modified
     * @return the sum of the magnitudes, 0 for an empty array
     */
    public static double absSum(INDArray a) {
        Objects.requireNonNull(a, "a");
        if (a.isEmpty()) {
            return 0.0;
        }
        DataType dt = a.dataType();
        int[] perm = dt == DataType.FLOAT || dt == DataType.DOUBLE ? blockOrder(a) : null;
        if (perm == null) {
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                return Transforms.abs(a.castTo(DataType.DOUBLE), true).sumNumber().doubleValue();
            }
        }
        INDArray mem = isIdentity(perm) ? a : a.permute(perm);
        return Nd4j.getBlasWrapper().level1().asum(mem.reshape('c', new long[]{mem.length()}));
    }

    /**
     * Whether every entry of any array is finite, as cheaply as its layout allows: one BLAS {@code asum} when the
     * array is one block of memory in some axis order (an overflowing sum answers false), else {@link #allFinite}.
     *
     * @param a any array; not modified
     * @return true when the sum of all |entries| is finite
     */
    public static boolean allFiniteFast(INDArray a) {
        if (a.isEmpty()) {
            return true;
        }
        int[] perm = memoryOrder(a);
        if (perm == null) {
            return allFinite(a);
        }
        return allFiniteContiguous(isIdentity(perm) ? a : a.permute(perm));
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
            return UnitCounts.owning(closed, negative, nonFinite, entries, finiteAbsSums(act, keep, dims, scale),
                    examples, estimated);
        }
    }

    /**
     * {@code |a|} as a new DOUBLE array with every NaN and infinite entry replaced by 0. (ND4J 1.0.0-M2.1's
     * {@code replaceWhere(..., Conditions.notFinite())} replaces nothing, "Undefined boolean operation: [15]"; NaN
     * and infinities are replaced separately.)
     *
     * @param a any array; not modified
     * @return the finite magnitudes
     */
    public static INDArray finiteAbs(INDArray a) {
        INDArray abs = Transforms.abs(a.castTo(DataType.DOUBLE), true);
        BooleanIndexing.replaceWhere(abs, 0.0, Conditions.isNan());
        BooleanIndexing.replaceWhere(abs, 0.0, Conditions.isInfinite());
        return abs;
    }

    /**
     * Per-unit sums of {@code |a|} over the finite entries, each weighted by {@code keep} (null: every entry counts),
     * divided by {@code scale} (the factor inverted dropout multiplied kept entries by): in DOUBLE, NaN-free
     * (non-finite entries are left out), a sum beyond the largest double saturating there.
     */
    private static double[] finiteAbsSums(INDArray act, INDArray keep, int[] dims, double scale) {
        INDArray abs = finiteAbs(act);
        if (keep != null) {
            abs.muli(keep);
        }
        double[] s = abs.sum(dims).toDoubleVector();
        for (int u = 0; u < s.length; u++) {
            s[u] = UnitCounts.saturate(s[u] / scale);
        }
        return s;
    }

    private static long[] match(INDArray act, Condition c, int[] dims) {
        if (reducesOnlySizeOne(act, dims)) {
            // ND4J's MatchCondition along dimensions fails when every reduced axis has size 1 (a mini-batch of one
            // dense example); then the per-unit count is the indicator itself, in unit order.
            return indicator(act, c, DataType.LONG).reshape(act.length()).toLongVector();
        }
        return Nd4j.getExecutioner().exec(new MatchCondition(act, c, dims)).toLongVector();
    }

    private static boolean reducesOnlySizeOne(INDArray act, int[] dims) {
        for (int d : dims) {
            if (act.size(d) != 1) {
                return false;
            }
        }
        return true;
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
