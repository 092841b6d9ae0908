/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.AMSGradUpdater;
import org.nd4j.linalg.learning.AdaBeliefUpdater;
import org.nd4j.linalg.learning.AdaDeltaUpdater;
import org.nd4j.linalg.learning.AdaGradUpdater;
import org.nd4j.linalg.learning.AdaMaxUpdater;
import org.nd4j.linalg.learning.AdamUpdater;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.NadamUpdater;
import org.nd4j.linalg.learning.NesterovsUpdater;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.RmsPropUpdater;
import org.nd4j.linalg.learning.SgdUpdater;
import org.nd4j.linalg.learning.config.AMSGrad;
import org.nd4j.linalg.learning.config.AdaBelief;
import org.nd4j.linalg.learning.config.AdaDelta;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.AdaMax;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nadam;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Maps parameter writes onto the optimizer state that must be zeroed with them. The layout is verified, never
 * assumed: a block's updater must be one of DL4J's own (exact classes of both the {@link IUpdater} configuration and
 * its {@link GradientUpdater}), whose state is k consecutive segments of the block's parameter count, each in the
 * block's flat parameter order (Adam, AdaMax, Nadam, AdaDelta, AdaBelief: 2; AMSGrad: 3; Nesterovs, RmsProp,
 * AdaGrad: 1; Sgd, NoOp: 0), with {@code stateSize(n) == k * n} and a block view of that length. Anything else (a
 * custom updater, whose state may be interleaved) is refused, and the state is never touched.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
final class UpdaterStatePatch {

    /** Known updater configurations: {gradient updater class, segments}. */
    private static final Map<Class<?>, Object[]> KNOWN = new IdentityHashMap<>();

    static {
        KNOWN.put(Adam.class, new Object[]{AdamUpdater.class, 2});
        KNOWN.put(AdaMax.class, new Object[]{AdaMaxUpdater.class, 2});
        KNOWN.put(Nadam.class, new Object[]{NadamUpdater.class, 2});
        KNOWN.put(AdaDelta.class, new Object[]{AdaDeltaUpdater.class, 2});
        KNOWN.put(AdaBelief.class, new Object[]{AdaBeliefUpdater.class, 2});
        KNOWN.put(AMSGrad.class, new Object[]{AMSGradUpdater.class, 3});
        KNOWN.put(Nesterovs.class, new Object[]{NesterovsUpdater.class, 1});
        KNOWN.put(RmsProp.class, new Object[]{RmsPropUpdater.class, 1});
        KNOWN.put(AdaGrad.class, new Object[]{AdaGradUpdater.class, 1});
        KNOWN.put(Sgd.class, new Object[]{SgdUpdater.class, 0});
        KNOWN.put(NoOp.class, new Object[]{NoOpUpdater.class, 0});
    }

    private UpdaterStatePatch() {
    }

    /** The model's updater, or null when it has none yet (no state to zero). */
    static BaseMultiLayerUpdater<?> updaterOf(Model model) {
        if (Models.isMultiLayer(model)) {
            return (BaseMultiLayerUpdater<?>) ((MultiLayerNetwork) model).getUpdater(false);
        }
        if (Models.isGraph(model)) {
            return ((ComputationGraph) model).getUpdater(false);
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * Adds to {@code out} the zeroing of the optimizer state of every entry {@code w} writes.
     *
     * @throws PlanResult.Refusal when a block holding the parameter has an unknown or unexpected state layout
     */
    static void plan(BaseMultiLayerUpdater<?> updater, ParamPatch w, Writes out) {
        for (UpdaterBlock ub : updater.getUpdaterBlocks()) {
            List<UpdaterBlock.ParamState> states = ub.getLayersAndVariablesInBlock();
            UpdaterBlock.ParamState ps = null;
            for (UpdaterBlock.ParamState s : states) {
                if (s.getParamName().equals(w.param) && sameLayer(s.getLayer(), w.layer)) {
                    ps = s;
                }
            }
            if (ps == null) {
                continue;
            }
            long n = ub.getParamOffsetEnd() - ub.getParamOffsetStart();
            long total = ub.getUpdaterViewOffsetEnd() - ub.getUpdaterViewOffsetStart();
            int k = segments(ub, n, total, w.param);
            if (k == 0) {
                continue;
            }
            INDArray view = ub.getUpdaterView();
            long len = ps.getParamOffsetEnd() - ps.getParamOffsetStart();
            if (view == null || view.length() != total || len != w.paramView.length()) {
                throw PlanResult.refuse("updater state of parameter " + w.param + " must be " + k + " segments of "
                        + "its block, got: block of " + n + " parameters with " + (view == null ? 0 : view.length())
                        + " state entries, parameter of " + len + " entries");
            }
            if (view.dataType() != w.paramView.dataType()) {
                throw PlanResult.refuse("updater state of parameter " + w.param + " must have the parameter's type "
                        + w.paramView.dataType() + ", got: " + view.dataType());
            }
            checkContiguous(w);
            INDArray flat = view.rank() == 1 ? view : view.reshape(view.length());
            long o = ps.getParamOffsetStart() - ub.getParamOffsetStart();
            for (long s = 0; s < k; s++) {
                INDArray seg = flat.get(NDArrayIndex.interval(s * n + o, s * n + o + len));
                INDArray shaped = seg.reshape(w.paramView.ordering(), w.paramView.shape());
                if (!ParamPatch.sharesMemory(shaped, seg)) {
                    throw PlanResult.refuse("updater state of parameter " + w.param + " must be viewable in the "
                            + "parameter's shape " + Arrays.toString(w.paramView.shape()) + ", got: a copy");
                }
                out.add(w.zeroState(shaped));
            }
        }
    }

    /** The number of state segments of a block, verified against DL4J's known updaters. */
    private static int segments(UpdaterBlock ub, long n, long total, String param) {
        GradientUpdater<?> gu = ub.getGradientUpdater();
        IUpdater conf = gu == null ? null : gu.getConfig();
        Object[] known = conf == null ? null : KNOWN.get(conf.getClass());
        if (known == null || gu.getClass() != known[0]) {
            throw PlanResult.refuse("the optimizer of parameter " + param + " must be one of DL4J's updaters with a "
                    + "known state layout (Adam, AdaMax, Nadam, AdaDelta, AdaBelief, AMSGrad, Nesterovs, RmsProp, "
                    + "AdaGrad, Sgd, NoOp), got: " + (conf == null ? "none" : conf.getClass().getName())
                    + (gu == null ? "" : " / " + gu.getClass().getName())
                    + "; its state cannot be zeroed, so the layer is not re-initialised");
        }
        int k = (Integer) known[1];
        if (n <= 0 || conf.stateSize(n) != k * n || total != k * n) {
            throw PlanResult.refuse("updater state of parameter " + param + " must be " + k + " segments of the "
                    + "block's " + n + " parameters, got: " + total + " state entries");
        }
        return k;
    }

    /** The parameter must be a contiguous view of the flat parameters, in its own order. */
    private static void checkContiguous(ParamPatch w) {
        if (!ParamPatch.dense(w.paramView, w.paramView.ordering())) {
            throw PlanResult.refuse("parameter " + w.param + " must be a contiguous view of the flat "
                    + "parameters, got: strides " + Arrays.toString(w.paramView.stride()) + " for shape "
                    + Arrays.toString(w.paramView.shape()));
        }
    }

    private static boolean sameLayer(Trainable t, Layer layer) {
        return t == layer || (t instanceof GraphVertex && ((GraphVertex) t).getLayer() == layer);
    }
}
