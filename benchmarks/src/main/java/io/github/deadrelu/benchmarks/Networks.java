/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The networks and in-memory data the benchmarks train on: an MLP (784-w-w-10 by default), a LeNet-sized CNN and a
 * ResNet-style ComputationGraph, all ReLU, Adam, float32, seeded ({@link #base}). Data is random (features in [0, 1),
 * one-hot labels) and built once per trial; no dataset is downloaded.
 */
final class Networks {
    /** Seed of every network and data set here. */
    static final long SEED = 12345L;

    private Networks() {
    }

    /** What every network here shares: seeded, float32, Adam 1e-3, ReLU weight init, training workspaces on. */
    private static NeuralNetConfiguration.Builder base() {
        return new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .dataType(DataType.FLOAT)
                .updater(new Adam(1e-3))
                .weightInit(WeightInit.RELU)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED);
    }

    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** An MLP size parameter of the scaling benchmarks, {@code w<width>_b<batch>} (say {@code w1024_b128}). */
    static final class MlpSize {
        /** The hidden width. */
        final int width;
        /** The batch size. */
        final int batch;

        private MlpSize(int width, int batch) {
            this.width = width;
            this.batch = batch;
        }

        /**
         * @param size {@code w<width>_b<batch>}
         * @return the width and batch
         */
        static MlpSize parse(String size) {
            String[] p = size.split("_");
            return new MlpSize(Integer.parseInt(p[0].substring(1)), Integer.parseInt(p[1].substring(1)));
        }
    }

    /**
     * An initialised MLP 784-{@code width}-{@code width}-10 with ReLU hidden layers and Adam.
     *
     * @param width hidden width
     * @return the network
     */
    static MultiLayerNetwork mlp(int width) {
        return init(base()
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(width).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(width).nOut(width).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(width).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
    }

    /**
     * An initialised LeNet-sized CNN (ReLU convolutions, NCHW) with Adam.
     *
     * @return the network
     */
    static MultiLayerNetwork cnn() {
        return init(base()
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(20).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(50).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(500).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build());
    }

    /**
     * An initialised ResNet-style ComputationGraph (NCHW): a 3x3 stride-2 stem convolution to 16 channels, then two
     * residual blocks of {@code conv3x3 - BatchNormalization - ActivationLayer(ReLU) - conv3x3 - BatchNormalization}
     * whose sum with the block input goes through an {@code ActivationLayer(ReLU)}, global average pooling and a
     * softmax output; every convolution is linear and bias-free, so every ReLU is an {@code ActivationLayer} after
     * a {@code BatchNormalization}. Adam, float32, on 28x28x1 inputs.
     *
     * @return the graph
     */
    static ComputationGraph resnet() {
        int c = 16;
        ComputationGraphConfiguration.GraphBuilder g = base()
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutionalFlat(28, 28, 1))
                .addLayer("stem", new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(c).hasBias(false)
                        .activation(Activation.IDENTITY).build(), "in")
                .addLayer("stem_bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem_bn");
        String prev = "stem_relu";
        for (int b = 1; b <= 2; b++) {
            String p = "b" + b + "_";
            g.addLayer(p + "conv1", new ConvolutionLayer.Builder(3, 3).nOut(c).hasBias(false)
                            .activation(Activation.IDENTITY).build(), prev)
                    .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "conv1")
                    .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                            p + "bn1")
                    .addLayer(p + "conv2", new ConvolutionLayer.Builder(3, 3).nOut(c).hasBias(false)
                            .activation(Activation.IDENTITY).build(), p + "relu1")
                    .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "conv2")
                    .addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), p + "bn2", prev)
                    .addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                            p + "add");
            prev = p + "relu2";
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), prev)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /**
     * Builds a network of the given model.
     *
     * @param model the model
     * @return the network
     */
    static MultiLayerNetwork build(Architecture model) {
        return model == Architecture.MLP ? mlp(1024) : cnn();
    }

    /**
     * The benchmark batch size of a model.
     *
     * @param model the model
     * @return 128 for the MLP, 64 for the CNN
     */
    static int batch(Architecture model) {
        return model == Architecture.MLP ? 128 : 64;
    }

    /**
     * Random mini-batches: features in [0, 1) of shape {@code [batch, 784]} (non-negative, like pixels), one-hot
     * labels over 10 classes.
     *
     * @param batch examples per mini-batch
     * @param count mini-batches
     * @return the mini-batches
     */
    static DataSet[] batches(int batch, int count) {
        Nd4j.getRandom().setSeed(SEED);
        DataSet[] out = new DataSet[count];
        for (int b = 0; b < count; b++) {
            INDArray features = Nd4j.rand(DataType.FLOAT, batch, 784);
            INDArray labels = Nd4j.zeros(DataType.FLOAT, batch, 10);
            for (int i = 0; i < batch; i++) {
                labels.putScalar(i, (i * 7 + b) % 10, 1.0);
            }
            out[b] = new DataSet(features, labels);
        }
        return out;
    }

    /**
     * One random mini-batch, the first of {@link #batches(int, int)}.
     *
     * @param batch examples
     * @return the mini-batch
     */
    static DataSet batch(int batch) {
        return batches(batch, 1)[0];
    }
}
