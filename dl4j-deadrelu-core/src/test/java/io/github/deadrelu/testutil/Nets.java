/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.testutil;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Tiny seeded networks and data for tests. Networks train with {@code new Sgd(0.0)} unless told otherwise, so planted
 * dead units stay planted; call {@link Planted} on their layers to plant.
 */
public final class Nets {
    /** Layer sizes of {@link #mlp(long)}: 4 inputs, hidden 6 and 5, 3 classes. */
    public static final int N_IN = 4;
    /** Units of the first hidden layer of {@link #mlp(long)}. */
    public static final int H0 = 6;
    /** Units of the second hidden layer of {@link #mlp(long)}. */
    public static final int H1 = 5;
    /** Classes of {@link #mlp(long)}. */
    public static final int CLASSES = 3;

    private Nets() {
    }

    /**
     * A configuration builder: seeded, float, Xavier init, the given updater.
     *
     * @param seed    seed
     * @param updater updater
     * @return the builder
     */
    public static NeuralNetConfiguration.Builder base(long seed, IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT).updater(updater)
                .weightInit(WeightInit.XAVIER);
    }

    /**
     * An initialised MultiLayerNetwork of a configuration.
     *
     * @param conf the configuration
     * @return the network, initialised
     */
    public static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * An initialised ComputationGraph of a configuration.
     *
     * @param conf the configuration
     * @return the graph, initialised
     */
    public static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph graph = new ComputationGraph(conf);
        graph.init();
        return graph;
    }

    /**
     * An initialised MultiLayerNetwork of the given layers, trained by {@code Sgd(0.0)} (nothing moves).
     *
     * @param seed   seed
     * @param input  input type (preprocessors and nIn are inferred)
     * @param layers the layers, the last an output layer
     * @return the network
     */
    public static MultiLayerNetwork mln(long seed, InputType input, Layer... layers) {
        return init(base(seed, new Sgd(0.0)).list(layers).setInputType(input).build());
    }

    /**
     * The output layer of the planted test networks: {@link #CLASSES} softmax units, MCXENT loss.
     *
     * @return the layer configuration
     */
    public static OutputLayer softmaxOut() {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES).activation(Activation.SOFTMAX)
                .build();
    }

    /**
     * One dense layer ("layer0") and the {@link #softmaxOut()} layer, {@code Sgd(0.0)}: the network of the tests
     * that plant one layer's units.
     *
     * @param seed       seed
     * @param nIn        inputs
     * @param units      units of the dense layer
     * @param activation its activation
     * @return the network, initialised
     */
    public static MultiLayerNetwork denseSoftmax(long seed, int nIn, int units, IActivation activation) {
        return mln(seed, InputType.feedForward(nIn),
                new DenseLayer.Builder().nOut(units).activation(activation).build(), softmaxOut());
    }

    /**
     * {@link #denseSoftmax(long, int, int, IActivation)} with one of DL4J's activations.
     *
     * @param seed       seed
     * @param nIn        inputs
     * @param units      units of the dense layer
     * @param activation its activation
     * @return the network, initialised
     */
    public static MultiLayerNetwork denseSoftmax(long seed, int nIn, int units, Activation activation) {
        return denseSoftmax(seed, nIn, units, activation.getActivationFunction());
    }

    /**
     * MLP 4-6-5-3 with ReLU hidden layers ("layer0", "layer1"), softmax output, {@code Sgd(0.0)}; nothing planted.
     *
     * @param seed seed
     * @return the network
     */
    public static MultiLayerNetwork mlp(long seed) {
        return mlp(seed, Activation.RELU, 0.0);
    }

    /**
     * MLP 4-6-5-3 with the given hidden activation, softmax output, {@code Sgd(0.0)}.
     *
     * @param seed       seed
     * @param hidden     activation of both hidden layers
     * @param dropOutL1  retain probability of the dropout on layer1 (the consumer of layer0), 0 for none
     * @return the network
     */
    public static MultiLayerNetwork mlp(long seed, Activation hidden, double dropOutL1) {
        DenseLayer.Builder l1 = new DenseLayer.Builder().nOut(H1).activation(hidden);
        if (dropOutL1 > 0) {
            l1.dropOut(dropOutL1);
        }
        return mln(seed, InputType.feedForward(N_IN),
                new DenseLayer.Builder().nOut(H0).activation(hidden).build(),
                l1.build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build());
    }

    /**
     * The reference plant: {@link #mlp(long)} with units 0 and 2 of layer0 and unit 1 of layer1 dead.
     *
     * @param seed seed
     * @return the planted network
     */
    public static MultiLayerNetwork plantedMlp(long seed) {
        MultiLayerNetwork net = mlp(seed);
        plantMlp(net);
        return net;
    }

    /**
     * Plants units 0 and 2 of layer 0 and unit 1 of layer 1 dead.
     *
     * @param net an MLP from {@link #mlp}
     */
    public static void plantMlp(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(7);
        Planted.dense(net.getLayer(0), 0, 2);
        Planted.dense(net.getLayer(1), 1);
    }

    /**
     * Non-negative data for {@link #mlp(long)}.
     *
     * @param n    examples
     * @param seed seed
     * @return the data set
     */
    public static DataSet mlpData(int n, long seed) {
        return Planted.data(n, new long[]{N_IN}, CLASSES, seed);
    }

    /**
     * Non-negative sequence data with a features and labels mask: example i has {@code 2 + i % (t - 1)} unmasked
     * leading steps (so the last steps of most examples are masked).
     *
     * @param n       examples
     * @param nIn     features per step
     * @param t       time steps, >= 3
     * @param classes label classes
     * @param format  NCW or NWC
     * @param seed    seed
     * @return the data set
     */
    public static DataSet sequenceData(int n, int nIn, int t, int classes, RNNFormat format, long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray f = Nd4j.rand(DataType.FLOAT, n, nIn, t);
        INDArray l = Nd4j.zeros(DataType.FLOAT, n, classes, t);
        INDArray mask = Nd4j.zeros(DataType.FLOAT, n, t);
        for (int i = 0; i < n; i++) {
            int len = unmaskedSteps(i, t);
            for (int s = 0; s < t; s++) {
                l.putScalar(new long[]{i, (i + s) % classes, s}, 1.0);
                if (s < len) {
                    mask.putScalar(i, s, 1.0);
                }
            }
        }
        if (format == RNNFormat.NWC) {
            f = f.permute(0, 2, 1).dup('c');
            l = l.permute(0, 2, 1).dup('c');
        }
        return new DataSet(f, l, mask, mask.dup());
    }

    /**
     * Unmasked leading steps of example i in {@link #sequenceData}.
     *
     * @param i example
     * @param t time steps
     * @return the number of unmasked steps
     */
    public static int unmaskedSteps(int i, int t) {
        return 2 + i % (t - 1);
    }

    /**
     * Sets the listeners of an MLN or CG.
     *
     * @param model     the model
     * @param listeners the listeners
     */
    public static void listen(Model model, org.deeplearning4j.optimize.api.TrainingListener... listeners) {
        if (model instanceof MultiLayerNetwork) {
            ((MultiLayerNetwork) model).setListeners(listeners);
        } else {
            ((ComputationGraph) model).setListeners(listeners);
        }
    }

    /**
     * One training step on an MLN or CG.
     *
     * @param model the model
     * @param ds    the mini-batch
     */
    public static void fit(Model model, DataSet ds) {
        if (model instanceof MultiLayerNetwork) {
            ((MultiLayerNetwork) model).fit(ds);
        } else {
            ((ComputationGraph) model).fit(ds);
        }
    }

    /**
     * An MLP with two ActivationLayers of the same name: {@code Dense(6, identity) -> "act" (ReLU) ->
     * Dense(5, identity) -> "act" (ReLU) -> softmax(3)}, {@code Sgd(0.0)}; the gates are layers 1 and 3.
     *
     * @param seed seed
     * @return the network, nothing planted
     */
    public static MultiLayerNetwork duplicateActivationNames(long seed) {
        return mln(seed, InputType.feedForward(N_IN),
                new DenseLayer.Builder().nOut(H0).activation(Activation.IDENTITY).build(),
                new ActivationLayer.Builder().activation(Activation.RELU).name("act").build(),
                new DenseLayer.Builder().nOut(H1).activation(Activation.IDENTITY).build(),
                new ActivationLayer.Builder().activation(Activation.RELU).name("act").build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build());
    }

    /**
     * The model to train: {@code net} itself or its equivalent ComputationGraph (same parameters), with the
     * listeners set.
     *
     * @param net       the network
     * @param graph     true for {@code net.toComputationGraph()}
     * @param listeners the listeners
     * @return the model
     */
    public static Model listened(MultiLayerNetwork net, boolean graph,
                                 org.deeplearning4j.optimize.api.TrainingListener... listeners) {
        if (graph) {
            ComputationGraph cg = net.toComputationGraph();
            cg.setListeners(listeners);
            return cg;
        }
        net.setListeners(listeners);
        return net;
    }

    /**
     * The name of MLN layer i in {@link #listened}'s model.
     *
     * @param i     the MLN layer index
     * @param graph as given to {@link #listened}
     * @return "layer&lt;i&gt;" in the MLN, "&lt;i&gt;" in the graph made by {@code toComputationGraph()}
     */
    public static String layerName(int i, boolean graph) {
        return graph ? String.valueOf(i) : "layer" + i;
    }
}
