/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

/**
 * Where the unit axis of a layer's activation array is, by array rank, read from the built configuration.
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

    private final int axis2;
    private final int axis3;
    private final int axis4;
    private final int axis5;

    Layout(int axis2, int axis3, int axis4, int axis5) {
        this.axis2 = axis2;
        this.axis3 = axis3;
        this.axis4 = axis4;
        this.axis5 = axis5;
    }

    /**
     * The unit axis of an activation array of this layout.
     *
     * @param rank array rank, 2 to 5
     * @return the unit axis
     * @throws IllegalArgumentException for another rank
     */
    public int unitAxis(int rank) {
        switch (rank) {
            case 2:
                return axis2;
            case 3:
                return axis3;
            case 4:
                return axis4;
            case 5:
                return axis5;
            default:
                throw new IllegalArgumentException("rank must be in [2, 5], got: " + rank);
        }
    }

    /** @return true for a channels-last layout */
    public boolean channelsLast() {
        return this == NHWC || this == NWC || this == NDHWC;
    }
}
