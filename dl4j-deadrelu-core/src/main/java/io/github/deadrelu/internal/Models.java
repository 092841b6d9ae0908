/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Model dispatch in one place (as DL4J's {@code CheckpointListener} has {@code getIter}/{@code getEpoch}/
 * {@code getModelType}): the kind of a model, its iteration and epoch counters, its layer structure and the example
 * count of a forward pass. The front ends and the engine ask here instead of testing the model type themselves.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class Models {
    private Models() {
    }

    /**
     * @param model any object DL4J passes to a listener (a network, or a single layer during layer-wise pretraining)
     * @return true for a {@link MultiLayerNetwork} or {@link ComputationGraph}, the models the library monitors
     */
    public static boolean isSupported(Object model) {
        return isMultiLayer(model) || isGraph(model);
    }

    /**
     * @param model a model, or null
     * @return true for a {@link MultiLayerNetwork}
     */
    public static boolean isMultiLayer(Object model) {
        return model instanceof MultiLayerNetwork;
    }

    /**
     * @param model a model, or null
     * @return true for a {@link ComputationGraph}
     */
    public static boolean isGraph(Object model) {
        return model instanceof ComputationGraph;
    }

    /**
     * @param model a supported model
     * @return its configuration's iteration count
     * @throws IllegalArgumentException when the model is not supported
     */
    public static int iteration(Model model) {
        return byConfiguration(model, MultiLayerConfiguration::getIterationCount,
                ComputationGraphConfiguration::getIterationCount);
    }

    /**
     * @param model a supported model
     * @return its configuration's epoch count
     * @throws IllegalArgumentException when the model is not supported
     */
    public static int epoch(Model model) {
        return byConfiguration(model, MultiLayerConfiguration::getEpochCount,
                ComputationGraphConfiguration::getEpochCount);
    }

    /**
     * The layer structure of a network, for telling a replica of the same network (ParallelWrapper worker) from a
     * different network. Not the whole configuration: its iteration/epoch counters and workspace modes differ between
     * replicas of one network while they train.
     *
     * @param model a supported model
     * @return a value equal for networks of the same structure
     * @throws IllegalArgumentException when the model is not supported
     */
    public static Object structure(Model model) {
        return byConfiguration(model, c -> Arrays.asList(c.getConfs(), c.getInputPreProcessors()),
                c -> Arrays.asList(c.getVertices(), c.getVertexInputs(), c.getNetworkInputs(), c.getNetworkOutputs()));
    }

    /**
     * Reads a value from a model's configuration.
     *
     * @param model a supported model
     * @param mln   what to read from a MultiLayerNetwork's configuration
     * @param graph what to read from a ComputationGraph's configuration
     * @param <T>   the value's type
     * @return the value
     * @throws IllegalArgumentException when the model is not supported
     */
    private static <T> T byConfiguration(Model model, Function<MultiLayerConfiguration, T> mln,
                                         Function<ComputationGraphConfiguration, T> graph) {
        if (isMultiLayer(model)) {
            return mln.apply(((MultiLayerNetwork) model).getLayerWiseConfigurations());
        }
        if (isGraph(model)) {
            return graph.apply(((ComputationGraph) model).getConfiguration());
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * The example count of a {@link ComputationGraph} forward pass: the leading size of its first network input.
     *
     * @param model       a graph
     * @param activations the activations DL4J passed to {@code onForwardPass}
     * @return the examples, or 0 when the first input is missing
     * @throws IllegalArgumentException when the model is not a graph
     */
    public static long graphExamples(Model model, Map<String, INDArray> activations) {
        if (!isGraph(model)) {
            throw NetworkInspector.unsupported(model);
        }
        List<String> inputs = ((ComputationGraph) model).getConfiguration().getNetworkInputs();
        INDArray first = inputs.isEmpty() ? null : activations.get(inputs.get(0));
        return first == null ? 0 : first.size(0);
    }

    /**
     * The layer object of a monitored layer in a model (or replica).
     *
     * @param model    a supported model
     * @param name     the layer (vertex) name, used in a ComputationGraph
     * @param mlnIndex the layer index, used in a MultiLayerNetwork
     * @return the layer
     * @throws IllegalArgumentException when the model is not supported
     */
    public static org.deeplearning4j.nn.api.Layer layer(Model model, String name, int mlnIndex) {
        if (isMultiLayer(model)) {
            return ((MultiLayerNetwork) model).getLayer(mlnIndex);
        }
        if (isGraph(model)) {
            return ((ComputationGraph) model).getLayer(name);
        }
        throw NetworkInspector.unsupported(model);
    }

    /**
     * @param model a model
     * @return its number of layers (MLN layers, CG layer vertices), 0 for anything else
     */
    public static int layerCount(Model model) {
        if (isMultiLayer(model)) {
            return ((MultiLayerNetwork) model).getnLayers();
        }
        if (isGraph(model)) {
            return ((ComputationGraph) model).getNumLayers();
        }
        return 0;
    }
}
