/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scatter.ScatterUpdate;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One planned write: the slices {@code indices} along axis {@code axis} of a <em>frame</em> (a writable view of a
 * parameter, or of a segment of its optimizer state, in which the unit axis is a plain axis) get {@code values}
 * (the frame's shape with {@code indices.length} along the axis). Entries outside the slices are never touched, so
 * "keep" is not encoded in any data (no NaN sentinel; exact in HALF, FLOAT and DOUBLE). Reading the old values is
 * one {@code gather}, writing one {@code scatter_update} (ND4J ops; no Java loop over the array); slices that form
 * one run of consecutive indices are read and written through one interval view instead.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class ParamPatch {
    /** The layer owning the parameter (a network layer object). */
    final Layer layer;
    /** The parameter key. */
    final String param;
    /** The parameter's nominal view (for mapping onto its optimizer state). */
    final INDArray paramView;
    /** The frame shape the parameter is viewed in, or null for its nominal shape. */
    final long[] frameShape;
    /** The writable frame. */
    final INDArray frame;
    /** The axis of the frame the slices are taken along. */
    final int axis;
    /** The slice indices (INT32). */
    final INDArray indices;
    /** The new values of the slices, or null for a fill with {@link #fillValue}. */
    final INDArray values;
    /** The value of every written entry when {@link #values} is null. */
    final double fillValue;
    /** The monitored layer whose plan made this write. */
    final String planner;
    /** True for a write of optimizer state. */
    final boolean state;
    /** The slices as one interval view when the indices are one ascending run, else null. */
    private final INDArray run;

    private ParamPatch(Layer layer, String param, INDArray paramView, long[] frameShape, INDArray frame, int axis,
                       INDArray indices, INDArray values, double fillValue, String planner, boolean state) {
        this.layer = layer;
        this.param = param;
        this.paramView = paramView;
        this.frameShape = frameShape;
        this.frame = frame;
        this.axis = axis;
        this.indices = indices;
        this.values = values;
        this.fillValue = fillValue;
        this.planner = planner;
        this.state = state;
        this.run = runView(frame, axis, indices);
    }

    /** @return the first index when {@code indices} is {@code a, a+1, ..., a+k-1}, else -1 */
    private static int runStart(INDArray indices) {
        int[] idx = indices.toIntVector();
        for (int i = 1; i < idx.length; i++) {
            if (idx[i] != idx[0] + i) {
                return -1;
            }
        }
        return idx.length == 0 ? -1 : idx[0];
    }

    /**
     * The slices as one interval view of the frame when the indices are one run, else null (also when ND4J cannot
     * make a sound view of this frame: M2.1 returns arrays without data for some reshaped parameter views).
     */
    private static INDArray runView(INDArray frame, int axis, INDArray indices) {
        int start = runStart(indices);
        if (start < 0) {
            return null;
        }
        INDArrayIndex[] at = new INDArrayIndex[frame.rank()];
        for (int d = 0; d < at.length; d++) {
            at[d] = d == axis ? NDArrayIndex.interval(start, start + indices.length()) : NDArrayIndex.all();
        }
        INDArray v = frame.get(at);
        return v.data() == null || v.isEmpty() || v.length() != frame.length() / frame.size(axis) * indices.length()
                ? null : v;
    }

    /**
     * A write of new values into a parameter.
     *
     * @param frameShape the frame to view the parameter in ('c' reshape in the parameter's order), or null
     * @param values     the values, the frame's shape with {@code idx.length} along {@code axis}
     */
    static ParamPatch of(Layer layer, String param, INDArray view, long[] frameShape, int axis, int[] idx,
                         INDArray values, String planner) {
        INDArray frame = frameOf(view, frameShape, param);
        long[] expected = frame.shape().clone();
        expected[axis] = idx.length;
        if (!Arrays.equals(expected, values.shape())) {
            throw new PlanResult.Failure("values of parameter " + param + " must have shape "
                    + Arrays.toString(expected) + ", got: " + Arrays.toString(values.shape()));
        }
        INDArray v = values.dataType() == view.dataType() ? values : values.castTo(view.dataType());
        return new ParamPatch(layer, param, view, frameShape, frame, axis, Nd4j.createFromArray(idx), v, 0.0,
                planner, false);
    }

    /** A write of one value into the slices {@code idx} of a parameter. */
    static ParamPatch fill(Layer layer, String param, INDArray view, long[] frameShape, int axis, int[] idx,
                           double value, String planner) {
        INDArray frame = frameOf(view, frameShape, param);
        return new ParamPatch(layer, param, view, frameShape, frame, axis, Nd4j.createFromArray(idx), null, value,
                planner, false);
    }

    /** The same slices of {@code stateView} (a view of this parameter's state, in its nominal shape), zeroed. */
    ParamPatch zeroState(INDArray stateView) {
        INDArray f = frameOf(stateView, frameShape, param);
        return new ParamPatch(layer, param, paramView, frameShape, f, axis, indices, null, 0.0, planner, true);
    }

    /** The frame of a vector parameter ({@code [n]} or {@code [1, n]}): {@code [n, 1]}, slices along axis 0. */
    static long[] vectorFrame(INDArray p) {
        return new long[]{p.length(), 1};
    }

    /** @return the current values of the slices (a new array) */
    INDArray read() {
        if (run != null) {
            return run.dup(frame.ordering());
        }
        return Nd4j.exec(new Gather(frame, indices, axis))[0];
    }

    /** Writes the new values into the slices, in place. */
    void apply() {
        if (values != null) {
            write(values);
        } else if (run != null) {
            run.assign(fillValue);
        } else {
            long[] shape = frame.shape().clone();
            shape[axis] = indices.length();
            write(Nd4j.valueArrayOf(shape, fillValue, frame.dataType()));
        }
    }

    /** Writes {@code v} (the slices' shape, as {@link #read} returns it) into the slices, in place. */
    void write(INDArray v) {
        if (run != null) {
            run.assign(v);
            return;
        }
        int[] tad = new int[frame.rank() - 1];
        for (int d = 0, j = 0; d < frame.rank(); d++) {
            if (d != axis) {
                tad[j++] = d;
            }
        }
        Nd4j.scatterUpdate(ScatterUpdate.UpdateOp.ASSIGN, frame, indices, v, tad);
    }

    private static INDArray frameOf(INDArray view, long[] frameShape, String param) {
        if (frameShape == null || Arrays.equals(frameShape, view.shape())) {
            return view;
        }
        INDArray f = view.reshape(view.ordering(), frameShape);
        if (!sharesMemory(f, view)) {
            throw PlanResult.refuse("parameter " + param + " of shape " + Arrays.toString(view.shape())
                    + " must be viewable as " + Arrays.toString(frameShape) + " without a copy, got: a copy");
        }
        return f;
    }

    /**
     * @return true when every entry of this write's frame is written again by {@code later}: {@code later} writes
     *         every slice of its frame, and that frame is a dense block of memory holding this write's frame
     */
    boolean coveredBy(ParamPatch later) {
        if (later.run == null || later.indices.length() != later.frame.size(later.axis)) {
            return false;
        }
        long[] mine = extent(frame);
        long[] theirs = extent(later.frame);
        return mine != null && theirs != null && theirs[0] <= mine[0] && mine[1] <= theirs[1];
    }

    /** @return the address range {@code [first, end)} of a dense array, or null when it is not one dense block */
    private static long[] extent(INDArray a) {
        if (a.data() == null || a.isEmpty() || !(dense(a, 'c') || dense(a, 'f'))) {
            return null;
        }
        long size = a.data().getElementSize();
        long first = a.data().address() + a.offset() * size;
        return new long[]{first, first + a.length() * size};
    }

    /** @return true when {@code a}'s entries are laid out as a dense array of its shape in {@code order} */
    static boolean dense(INDArray a, char order) {
        long[] shape = a.shape();
        long[] expected = Nd4j.getStrides(shape, order);
        long[] actual = a.stride();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] > 1 && expected[i] != actual[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return true when {@code a} is a view of the memory of {@code b} (same first element) */
    static boolean sharesMemory(INDArray a, INDArray b) {
        return a.data().address() + a.offset() * a.data().getElementSize()
                == b.data().address() + b.offset() * b.data().getElementSize();
    }

    @Override
    public String toString() {
        return (state ? "state of " : "") + param + " " + Arrays.toString(frame.shape()) + " axis " + axis;
    }
}
