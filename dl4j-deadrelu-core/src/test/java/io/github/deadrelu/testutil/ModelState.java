/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A copy of a model's flat parameters and of its optimizer state, the latter indexed by flat parameter index through
 * DL4J's own {@code GradientUpdater.getState()} (one array per state kind, e.g. Adam "M" and "V", in the updater
 * block's flat parameter order): an oracle for "which state entries belong to which parameter entries" that does not
 * reuse the library's own mapping. Also maps parameter entries to flat indices.
 */
public final class ModelState {
    /** Flat parameters. */
    public final double[] params;
    /** State kind (block index + key) to values per flat parameter index (NaN where that kind does not apply). */
    public final Map<String, double[]> state;

    private ModelState(double[] params, Map<String, double[]> state) {
        this.params = params;
        this.state = state;
    }

    /**
     * Copies the state of a model.
     *
     * @param model MLN or CG
     * @return the copy
     */
    public static ModelState of(Model model) {
        double[] params = model.params().toDoubleVector();
        Map<String, double[]> state = new TreeMap<>();
        BaseMultiLayerUpdater<?> upd = updater(model);
        if (upd != null) {
            int b = 0;
            for (UpdaterBlock ub : upd.getUpdaterBlocks()) {
                Map<String, INDArray> s = ub.getGradientUpdater().getState();
                if (s != null) {
                    for (Map.Entry<String, INDArray> e : s.entrySet()) {
                        double[] v = e.getValue().reshape(e.getValue().length()).toDoubleVector();
                        double[] byFlat = state.computeIfAbsent(e.getKey(), k -> nanArray(params.length));
                        for (int j = 0; j < v.length; j++) {
                            byFlat[(int) ub.getParamOffsetStart() + j] = v[j];
                        }
                    }
                }
                b++;
            }
        }
        return new ModelState(params, state);
    }

    private static double[] nanArray(int n) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, Double.NaN);
        return a;
    }

    /**
     * @param model MLN or CG
     * @return its updater (created if absent)
     */
    public static BaseMultiLayerUpdater<?> updater(Model model) {
        if (model instanceof MultiLayerNetwork) {
            return (BaseMultiLayerUpdater<?>) ((MultiLayerNetwork) model).getUpdater(true);
        }
        return ((ComputationGraph) model).getUpdater(true);
    }

    /**
     * Fills the whole optimizer state with positive values (so that zeroing is visible; with a zero learning rate
     * the parameters do not move).
     *
     * @param model MLN or CG
     * @param seed  seed
     */
    public static void fillState(Model model, long seed) {
        INDArray view = updater(model).getStateViewArray();
        if (view != null) {
            Nd4j.getRandom().setSeed(seed);
            view.assign(Nd4j.rand(view.dataType(), view.shape()).addi(0.1));
        }
    }

    /**
     * The flat parameter index of every entry of one parameter, as an array of that parameter's shape.
     *
     * @param model MLN or CG
     * @param layer layer (vertex) name
     * @param param parameter key, e.g. "W"
     * @return the flat indices (as doubles)
     */
    public static INDArray flatIndex(Model model, String layer, String param) {
        INDArray p = model.params();
        INDArray saved = p.dup();
        try {
            p.assign(Nd4j.linspace(0, p.length() - 1, p.length()).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE)
                    .reshape(p.shape()));
            return paramOf(model, layer, param).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup();
        } finally {
            p.assign(saved);
        }
    }

    /**
     * @param model MLN or CG
     * @param layer layer (vertex) name
     * @param param parameter key
     * @return the parameter view
     */
    public static INDArray paramOf(Model model, String layer, String param) {
        if (model instanceof MultiLayerNetwork) {
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            for (int i = 0; i < net.getnLayers(); i++) {
                String n = net.getLayerWiseConfigurations().getConf(i).getLayer().getLayerName();
                if (layer.equals(n)) {
                    return net.getLayer(i).getParam(param);
                }
            }
            throw new IllegalArgumentException("no layer " + layer);
        }
        return ((ComputationGraph) model).getLayer(layer).getParam(param);
    }

    /**
     * Expected writes of a re-initialisation, by flat parameter index.
     */
    public static final class Expect {
        /** Kind of write. */
        public enum Kind { FRESH, VALUE, ZERO }

        private final Model model;
        private final Map<Integer, Kind> kinds = new HashMap<>();
        private final Map<Integer, Double> values = new HashMap<>();

        /** @param model the model whose flat indices are used */
        public Expect(Model model) {
            this.model = model;
        }

        private List<Integer> indices(INDArray flatIdx) {
            List<Integer> r = new ArrayList<>();
            for (double d : flatIdx.dup().reshape(flatIdx.length()).toDoubleVector()) {
                r.add((int) Math.round(d));
            }
            return r;
        }

        /**
         * Entries re-drawn (must differ from before).
         *
         * @param layer layer
         * @param param param
         * @param sel   selects entries of {@link #flatIndex}
         * @return this
         */
        public Expect fresh(String layer, String param, java.util.function.Function<INDArray, INDArray> sel) {
            for (int i : indices(sel.apply(flatIndex(model, layer, param)))) {
                kinds.put(i, Kind.FRESH);
            }
            return this;
        }

        /**
         * Entries set to a value.
         *
         * @param layer layer
         * @param param param
         * @param sel   selects entries
         * @param value value
         * @return this
         */
        public Expect value(String layer, String param, java.util.function.Function<INDArray, INDArray> sel,
                            double value) {
            for (int i : indices(sel.apply(flatIndex(model, layer, param)))) {
                kinds.put(i, Kind.VALUE);
                values.put(i, value);
            }
            return this;
        }

        /**
         * Entries zeroed, unless also re-drawn (a re-drawn entry wins).
         *
         * @param layer layer
         * @param param param
         * @param sel   selects entries
         * @return this
         */
        public Expect zero(String layer, String param, java.util.function.Function<INDArray, INDArray> sel) {
            for (int i : indices(sel.apply(flatIndex(model, layer, param)))) {
                kinds.putIfAbsent(i, Kind.ZERO);
            }
            return this;
        }

        /** @return flat index to kind */
        public Map<Integer, Kind> kinds() {
            return kinds;
        }

        /** @return flat index to value, for VALUE entries */
        public Map<Integer, Double> values() {
            return values;
        }
    }

    /** Captures the model state in {@code iterationDone} of one iteration (put it before the listener under test). */
    public static final class Capture extends BaseTrainingListener {
        private final int iteration;
        /** The state captured, or null. */
        public volatile ModelState captured;

        /** @param iteration iteration to capture */
        public Capture(int iteration) {
            this.iteration = iteration;
        }

        @Override
        public void iterationDone(Model model, int it, int epoch) {
            if (it == iteration) {
                captured = ModelState.of(model);
            }
        }
    }
}
