/*
 * Copyright the dl4j-deadrelu contributors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance with
 * the License. You may obtain a copy of the License at https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed on
 * an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for the
 * specific language governing permissions and limitations under the License.
 *
 * SPDX-License-Identifier: Apache-2.0
 */

package io.github.deadrelu.examples;

import io.github.deadrelu.examples.support.Choices;
import io.github.deadrelu.examples.support.Mlp;
import io.github.deadrelu.examples.support.Models;
import java.util.Locale;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The three networks of {@link ReinitDefaultsStudy} and the model-generic training steps it needs (the MLP is
 * {@link Mlp}'s; LeNet and the ResNet-style graph are built here).
 *
 * <ul>
 *   <li>{@code mlp}: {@link Mlp#build} with the {@code --hidden} widths, ReLU.</li>
 *   <li>{@code lenet}: a scaled-down LeNet-5 on 28 x 28 x 1 (flat input): conv 5x5 (c1 channels, ReLU), max-pool 2x2,
 *       conv 5x5 (c2 channels, ReLU), max-pool 2x2, dense (d units, ReLU), softmax.</li>
 *   <li>{@code resnet}: a ComputationGraph: dense stem (identity) + BatchNormalization + {@code ActivationLayer(ReLU)},
 *       then residual blocks of dense + BN + ReLU + dense + BN, added to the block's input with an
 *       {@code ElementWiseVertex(Add)}, then {@code ActivationLayer(ReLU)}; softmax output.</li>
 * </ul>
 * Every layer has He initialisation ({@code WeightInit.RELU}); float, DL4J's default.
 */
final class ReinitDefaultsModels {

    private ReinitDefaultsModels() {
    }

    /** The architectures. */
    enum Arch implements Choices.Named {
        MLP("MLP"), LENET("LeNet"), RESNET("ResNet-style CG");

        final String label;

        Arch(String label) {
            this.label = label;
        }

        static Arch parse(String s) {
            return Choices.parse(values(), Arch::csvName, s, "must be mlp, lenet or resnet");
        }
    }

    /**
     * The sizes of the three networks.
     *
     * @param mlpHidden     MLP hidden widths
     * @param lenetChannels LeNet's two convolution widths
     * @param lenetDense    LeNet's dense width
     * @param resnetWidth   the ResNet-style graph's width
     * @param resnetBlocks  its residual blocks
     */
    record Sizes(int[] mlpHidden, int[] lenetChannels, int lenetDense, int resnetWidth, int resnetBlocks) {

        String describe(Arch a, int features, int classes) {
            return switch (a) {
                case MLP -> "MLP " + features + "-" + join(mlpHidden) + "-" + classes;
                case LENET -> String.format(Locale.ROOT, "LeNet conv5x5x%d-pool-conv5x5x%d-pool-dense%d-%d",
                        lenetChannels[0], lenetChannels[1], lenetDense, classes);
                case RESNET -> String.format(Locale.ROOT, "ResNet-style CG dense %d + BN + ReLU, %d residual "
                        + "blocks of width %d", resnetWidth, resnetBlocks, resnetWidth);
            };
        }

        private static String join(int[] w) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                b.append(i == 0 ? "" : "-").append(w[i]);
            }
            return b.toString();
        }
    }

    /**
     * Builds and initialises a network.
     *
     * @param a        the architecture
     * @param sizes    the sizes
     * @param features input features (784 for LeNet)
     * @param classes  classes
     * @param updater  the updater
     * @param seed     the seed of the initial weights
     * @return the network, a MultiLayerNetwork or a ComputationGraph
     */
    static Model build(Arch a, Sizes sizes, int features, int classes, IUpdater updater, long seed) {
        return switch (a) {
            case MLP -> Mlp.build(features, sizes.mlpHidden(), classes, Activation.RELU, updater, seed);
            case LENET -> lenet(sizes, features, classes, updater, seed);
            case RESNET -> resnet(sizes, features, classes, updater, seed);
        };
    }

    private static MultiLayerNetwork lenet(Sizes s, int features, int classes, IUpdater updater, long seed) {
        if (features != 28 * 28) {
            throw new IllegalArgumentException("features must be 784 for LeNet, got: " + features);
        }
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed).updater(updater).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(s.lenetChannels()[0]).activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(s.lenetChannels()[1]).activation(Activation.RELU)
                        .build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(s.lenetDense()).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph resnet(Sizes s, int features, int classes, IUpdater updater, long seed) {
        int w = s.resnetWidth();
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(seed).updater(updater).weightInit(WeightInit.RELU).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.feedForward(features))
                .addLayer("stem", new DenseLayer.Builder().nOut(w).activation(Activation.IDENTITY).build(), "in")
                .addLayer("stem_bn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stem_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem_bn");
        String prev = "stem_relu";
        for (int b = 1; b <= s.resnetBlocks(); b++) {
            String p = "b" + b + "_";
            g.addLayer(p + "dense1", new DenseLayer.Builder().nOut(w).activation(Activation.IDENTITY).build(), prev)
                    .addLayer(p + "bn1", new BatchNormalization.Builder().build(), p + "dense1")
                    .addLayer(p + "relu1", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                            p + "bn1")
                    .addLayer(p + "dense2", new DenseLayer.Builder().nOut(w).activation(Activation.IDENTITY).build(),
                            p + "relu1")
                    .addLayer(p + "bn2", new BatchNormalization.Builder().build(), p + "dense2")
                    .addVertex(p + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), p + "bn2", prev)
                    .addLayer(p + "relu2", new ActivationLayer.Builder().activation(Activation.RELU).build(),
                            p + "add");
            prev = p + "relu2";
        }
        g.addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                .activation(Activation.SOFTMAX).build(), prev).setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    /**
     * One training step on a MultiLayerNetwork or a ComputationGraph. The step has diverged when it throws while the
     * parameters are non-finite, or when the score after it is NaN or infinite; any other failure is rethrown.
     *
     * @param net   the network
     * @param batch the mini-batch
     * @return true when the step completed with a finite score, false when training diverged
     */
    static boolean fit(Model net, DataSet batch) {
        try {
            Models.fit(net, batch);
        } catch (RuntimeException e) {
            if (Mlp.finite(net)) {
                throw e;
            }
            return false;
        }
        return Double.isFinite(net.score());
    }
}
