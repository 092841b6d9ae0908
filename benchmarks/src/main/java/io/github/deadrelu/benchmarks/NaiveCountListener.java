/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference "naive" dead-ReLU counter a user would write first: for the activation of every hidden ReLU layer
 * (dense, convolution, {@code ActivationLayer}; not the output layer), a boolean copy {@code a > 0}, a cast and a
 * per-unit sum ({@code gt(0).castTo(INT32).sum(dims)}), copied to a Java array at once (so nothing leaks from the
 * workspace). No masks, dropout or NaN handling, no tracking. MultiLayerNetwork and ComputationGraph.
 */
final class NaiveCountListener extends BaseTrainingListener {
    private long sink;
    private List<Integer> mlnLayers;
    private List<String> cgLayers;

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        if (mlnLayers == null) {
            mlnLayers = new ArrayList<>();
            MultiLayerNetwork net = (MultiLayerNetwork) model;
            for (int i = 0; i < net.getnLayers() - 1; i++) {
                if (isRelu(net.getLayer(i))) {
                    mlnLayers.add(i);
                }
            }
        }
        for (int i : mlnLayers) {
            if (i + 1 < activations.size()) {
                count(activations.get(i + 1));
            }
        }
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        if (cgLayers == null) {
            cgLayers = new ArrayList<>();
            ComputationGraph cg = (ComputationGraph) model;
            for (Layer l : cg.getLayers()) {
                String name = l.conf().getLayer().getLayerName();
                if (isRelu(l) && !cg.getConfiguration().getNetworkOutputs().contains(name)) {
                    cgLayers.add(name);
                }
            }
        }
        for (String name : cgLayers) {
            INDArray a = activations.get(name);
            if (a != null) {
                count(a);
            }
        }
    }

    private void count(INDArray a) {
        int[] dims = a.rank() == 2 ? new int[]{0} : new int[]{0, 2, 3};
        long[] open = a.gt(0).castTo(DataType.INT32).sum(dims).toLongVector();
        sink += open[0];
    }

    private static boolean isRelu(Layer l) {
        org.deeplearning4j.nn.conf.layers.Layer c = l.conf().getLayer();
        IActivation fn = c instanceof BaseLayer ? ((BaseLayer) c).getActivationFn()
                : c instanceof ActivationLayer ? ((ActivationLayer) c).getActivationFn() : null;
        return fn instanceof ActivationReLU;
    }

    /** @return a value that depends on every count, so the counting cannot be optimised away */
    long sink() {
        return sink;
    }
}
