/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.DataFormat;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.Convolution3D;

/**
 * Where the unit axis of a layer's activation array is, by array rank, read from the built configuration.
 *
 * <p>{@link UnitLayouts} decides which layout a layer, preprocessor or vertex produces; this type only answers
 * questions about one layout (unit axis, reduce dimensions, channel axis, the matching DL4J {@link DataFormat}).
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public enum Layout {
    /** Feed-forward {@code [mb, n]}; rank 3 is read as NCW, rank 4 as NCHW. */
    FF(1, 1, 1, 1),
    /** Convolution 2D, channels first {@code [mb, C, H, W]}. */
    NCHW(1, 1, 1, 1),
    /** Convolution 2D, channels last {@code [mb, H, W, C]}. */
    NHWC(1, 2, 3, 4),
    /** Recurrent or 1D, channels first {@code [mb, C, T]}. */
    NCW(1, 1, 1, 1),
    /** Recurrent or 1D, channels last {@code [mb, T, C]}. */
    NWC(1, 2, 3, 4),
    /** Convolution 3D, channels first. */
    NCDHW(1, 1, 1, 1),
    /** Convolution 3D, channels last. */
    NDHWC(1, 2, 3, 4);

    /** The unit axis at ranks 2, 3, 4 and 5. */
    private final int[] unitAxes;

    Layout(int... unitAxes) {
        this.unitAxes = unitAxes;
    }

    /**
     * The unit axis of an activation array of this layout.
     *
     * @param rank array rank, 2 to 5
     * @return the unit axis
     * @throws IllegalArgumentException for another rank
     */
    public int unitAxis(int rank) {
        if (rank < 2 || rank > 5) {
            throw new IllegalArgumentException("rank must be in [2, 5], got: " + rank);
        }
        return unitAxes[rank - 2];
    }

    /**
     * The dimensions to reduce over to get one value per unit: every axis but {@link #unitAxis(int)}.
     *
     * @param rank array rank, 2 to 5
     * @return the axes, ascending
     * @throws IllegalArgumentException for another rank
     */
    public int[] reduceDimensions(int rank) {
        int unit = unitAxis(rank);
        int[] dims = new int[rank - 1];
        for (int d = 0, k = 0; d < rank; d++) {
            if (d != unit) {
                dims[k++] = d;
            }
        }
        return dims;
    }

    /**
     * The channel (unit) axis of an array of this layout's own rank: 1 for feed-forward and channels-first layouts,
     * 3 for NHWC, 2 for NWC, 4 for NDHWC (the axis a {@code MergeVertex} must merge along to keep units apart).
     *
     * @return the axis
     */
    public int channelAxis() {
        switch (this) {
            case NHWC:
                return 3;
            case NWC:
                return 2;
            case NDHWC:
                return 4;
            default:
                return 1;
        }
    }

    /**
     * The DL4J data format of this layout.
     *
     * @return a {@link CNN2DFormat}, {@link RNNFormat} or {@link Convolution3D.DataFormat}; null for {@link #FF}
     */
    public DataFormat dataFormat() {
        switch (this) {
            case NCHW:
                return CNN2DFormat.NCHW;
            case NHWC:
                return CNN2DFormat.NHWC;
            case NCW:
                return RNNFormat.NCW;
            case NWC:
                return RNNFormat.NWC;
            case NCDHW:
                return Convolution3D.DataFormat.NCDHW;
            case NDHWC:
                return Convolution3D.DataFormat.NDHWC;
            default:
                return null;
        }
    }

    /**
     * The layout of a DL4J data format.
     *
     * @param format a {@link CNN2DFormat}, {@link RNNFormat} or {@link Convolution3D.DataFormat}; null means
     *               feed-forward {@code [mb, n]}
     * @return the layout
     * @throws IllegalArgumentException for another DataFormat implementation
     */
    public static Layout of(DataFormat format) {
        if (format == null) {
            return FF;
        }
        if (format == CNN2DFormat.NCHW) {
            return NCHW;
        }
        if (format == CNN2DFormat.NHWC) {
            return NHWC;
        }
        if (format == RNNFormat.NCW) {
            return NCW;
        }
        if (format == RNNFormat.NWC) {
            return NWC;
        }
        if (format == Convolution3D.DataFormat.NCDHW) {
            return NCDHW;
        }
        if (format == Convolution3D.DataFormat.NDHWC) {
            return NDHWC;
        }
        throw new IllegalArgumentException("format must be null, a CNN2DFormat, an RNNFormat or a "
                + "Convolution3D.DataFormat, got: " + format + " (" + format.getClass().getName() + ")");
    }

    /** @return true for a channels-last layout */
    public boolean channelsLast() {
        return this == NHWC || this == NWC || this == NDHWC;
    }
}
