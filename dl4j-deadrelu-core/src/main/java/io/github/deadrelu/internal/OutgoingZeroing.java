/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.LinkedHashSet;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToFeedForwardPreProcessor;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Plans {@link io.github.deadrelu.reinit.OutgoingWeights#ZERO}: in every consumer of the gate, the weights that read
 * the selected units are zeroed, following the units through unit-preserving layers, DL4J's CNN-to-dense flattening
 * (NCHW and NHWC), RNN/feed-forward reshapes and ComputationGraph merge, scale, shift and time-step vertices. The
 * units travel as their positions along the unit axis of each node's output ({@link Positions}).
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class OutgoingZeroing {

    /**
     * Positions of the selected units along the unit axis of a node's output, of {@code width} units; {@code units[k]}
     * is the gate unit that position {@code pos[k]} carries (a unit has several positions after flattening, or when
     * a merge vertex reads the layer twice).
     */
    static final class Positions {
        final long width;
        final int[] pos;
        final int[] units;

        /** Positions that are the gate's own units. */
        Positions(long width, int[] pos) {
            this(width, pos, pos.clone());
        }

        Positions(long width, int[] pos, int[] units) {
            this.width = width;
            this.pos = pos;
            this.units = units;
        }
    }

    /** Receives each consumer's weights that read the gate's units, instead of planning their zeroing. */
    interface Reader {
        /**
         * @param consumer the consumer layer
         * @param w        its weights
         * @param frame    the frame shape in which {@code axis} is a plain axis, or null for w's own shape
         * @param axis     the axis (of the frame) along which w reads its input units
         * @param sel      the positions of the gate's units along that axis
         */
        void read(ModelTopology.Node consumer, INDArray w, long[] frame, int axis, Positions sel);
    }

    private final ModelTopology topo;
    private final String layerName;
    private final Writes out;
    private final Reader reader;

    OutgoingZeroing(ModelTopology topo, String layerName, Writes out) {
        this.topo = topo;
        this.layerName = layerName;
        this.out = out;
        this.reader = null;
    }

    /** The same consumer walk, handing each consumer's weights to {@code reader} (frozen consumers included). */
    OutgoingZeroing(ModelTopology topo, String layerName, Reader reader) {
        this.topo = topo;
        this.layerName = layerName;
        this.out = null;
        this.reader = reader;
    }

    /**
     * Zeroes, in every consumer of {@code node}, the weights that read the selected units.
     *
     * @param node   the node whose output carries the units
     * @param sel    the units' positions in the node's output (features for FF, channels for CNN/RNN)
     * @param layout the node's output layout
     */
    void forward(ModelTopology.Node node, Positions sel, Layout layout) {
        if (node.networkOutput) {
            throw PlanResult.refuse("the output of " + node.describe() + " is a network output, which has no "
                    + "outgoing weights to zero; use OutgoingWeights.KEEP");
        }
        if (node.consumers.isEmpty()) {
            throw PlanResult.refuse(node.describe() + " has no consumer; use OutgoingWeights.KEEP");
        }
        for (String cName : new LinkedHashSet<>(node.consumers)) {
            ModelTopology.Node c = topo.node(cName);
            if (c.isLayer()) {
                Positions s = sel;
                Layout l = layout;
                if (c.pre != null) {
                    s = mapPreprocessor(c.pre, sel, c);
                    l = UnitLayouts.of(c.pre).applyTo(layout, layout);
                }
                if (c.frozen() && reader == null) {
                    throw PlanResult.refuse("layer " + c.describe() + " reading layer " + layerName + " is frozen; "
                            + "its weights cannot be zeroed; use OutgoingWeights.KEEP");
                }
                int axis = UnitLayouts.inputAxis(c.conf);
                if (axis >= 0) {
                    zeroInputs(c, s, axis);
                } else if (UnitLayouts.keepsUnits(c.conf)) {
                    forward(c, s, UnitLayouts.of(c.rawConf).applyTo(l, l));
                } else {
                    throw PlanResult.refuse("zeroing the outgoing weights of layer " + layerName + " in "
                            + c.describe() + " is not supported; use OutgoingWeights.KEEP");
                }
            } else if (c.vertexConf instanceof MergeVertex) {
                int axis = ((MergeVertex) c.vertexConf).getMergeAxis();
                if (axis != layout.channelAxis()) {
                    throw PlanResult.refuse("merge vertex " + c.name + " merges along axis " + axis + ", not the "
                            + "unit axis " + layout.channelAxis() + " of layer " + layerName
                            + "; use OutgoingWeights.KEEP");
                }
                forward(c, merged(c, node, sel), layout);
            } else if (c.vertexConf instanceof PreprocessorVertex) {
                InputPreProcessor p = ((PreprocessorVertex) c.vertexConf).getPreProcessor();
                forward(c, mapPreprocessor(p, sel, c), UnitLayouts.of(p).applyTo(layout, layout));
            } else if (c.vertexConf instanceof ScaleVertex || c.vertexConf instanceof ShiftVertex
                    || c.vertexConf instanceof LastTimeStepVertex
                    || c.vertexConf instanceof DuplicateToTimeSeriesVertex) {
                forward(c, sel, UnitLayouts.of(c.vertexConf).applyTo(layout, layout));
            } else {
                throw PlanResult.refuse("zeroing the outgoing weights of layer " + layerName + " through "
                        + c.describe() + " is not supported (it mixes or reorders units); use OutgoingWeights.KEEP");
            }
        }
    }

    /** The positions of {@code node}'s units in the output of merge vertex {@code c} (every time it is an input). */
    private Positions merged(ModelTopology.Node c, ModelTopology.Node node, Positions sel) {
        long offset = 0;
        int[] pos = new int[0];
        int[] units = new int[0];
        for (String in : c.inputs) {
            long width;
            if (in.equals(node.name)) {
                width = sel.width;
                int[] more = new int[pos.length + sel.pos.length];
                System.arraycopy(pos, 0, more, 0, pos.length);
                for (int i = 0; i < sel.pos.length; i++) {
                    more[pos.length + i] = (int) (offset + sel.pos[i]);
                }
                int[] moreUnits = Arrays.copyOf(units, more.length);
                System.arraycopy(sel.units, 0, moreUnits, units.length, sel.units.length);
                pos = more;
                units = moreUnits;
            } else {
                width = LayerKinds.width(topo, topo.node(in));
                if (width <= 0) {
                    throw PlanResult.refuse("the width of input " + in + " of merge vertex " + c.name + " is "
                            + "unknown, so the position of layer " + layerName + "'s units in it is unknown; use "
                            + "OutgoingWeights.KEEP");
                }
            }
            offset += width;
        }
        return new Positions(offset, pos, units);
    }

    private void zeroInputs(ModelTopology.Node c, Positions sel, int axis) {
        INDArray w = IncomingDraw.param(c.layer, "W", c);
        if (axis >= w.rank() || w.size(axis) != sel.width) {
            throw PlanResult.refuse("weights of layer " + c.describe() + " (shape " + Arrays.toString(w.shape())
                    + ") must read " + sel.width + " inputs along axis " + axis + " to zero the outgoing weights "
                    + "of layer " + layerName + "; use OutgoingWeights.KEEP");
        }
        long[][] f = UnitLayouts.weightFrame(c.conf, w.shape(), axis);
        if (reader != null) {
            reader.read(c, w, f == null ? null : f[0], f == null ? axis : (int) f[1][0], sel);
            return;
        }
        out.add(ParamPatch.fill(c.layer, "W", w, f == null ? null : f[0], f == null ? axis : (int) f[1][0],
                sel.pos, 0.0, layerName));
    }

    private Positions mapPreprocessor(InputPreProcessor p, Positions sel, ModelTopology.Node at) {
        if (p instanceof RnnToFeedForwardPreProcessor || p instanceof FeedForwardToRnnPreProcessor) {
            return sel;
        }
        if (p instanceof CnnToFeedForwardPreProcessor) {
            CnnToFeedForwardPreProcessor c = (CnnToFeedForwardPreProcessor) p;
            long h = c.getInputHeight();
            long w = c.getInputWidth();
            long ch = c.getNumChannels();
            if (ch != sel.width || h <= 0 || w <= 0) {
                throw PlanResult.refuse("flattening preprocessor of " + at.describe() + " must have " + sel.width
                        + " channels and a known height and width, got: " + ch + "x" + h + "x" + w
                        + "; use OutgoingWeights.KEEP");
            }
            // DL4J flattens with a c-order reshape in both formats:
            // NCHW rows c*H*W + y*W + x, NHWC rows y*W*C + x*C + c.
            boolean nhwc = c.getFormat() == CNN2DFormat.NHWC;
            long hw = h * w;
            int[] pos = new int[(int) (sel.pos.length * hw)];
            int[] units = new int[pos.length];
            int i = 0;
            for (int k = 0; k < sel.pos.length; k++) {
                int unit = sel.pos[k];
                for (long j = 0; j < hw; j++) {
                    units[i] = sel.units[k];
                    pos[i++] = (int) (nhwc ? j * ch + unit : unit * hw + j);
                }
            }
            return new Positions(ch * hw, pos, units);
        }
        throw PlanResult.refuse("zeroing the outgoing weights of layer " + layerName + " through the preprocessor "
                + p.getClass().getSimpleName() + " of " + at.describe() + " is not supported; use "
                + "OutgoingWeights.KEEP");
    }
}
