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

import io.github.deadrelu.examples.support.Checks;
import io.github.deadrelu.weights.RandomizedAsymmetricInit;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * One deep, narrow ReLU network of the born-dead study, built once and re-drawn for every trial.
 *
 * <p>Input dimension 1; {@code depth - 1} hidden {@link DenseLayer}s of {@code width} ReLU units; a linear output
 * layer of one unit; double precision. Building a DL4J network per trial would dominate the study's run time, so the
 * parameters are re-drawn in place (He: {@link #drawHe}; RAI: {@link #drawRai}) and the output on the input grid is
 * computed with the same ND4J operations as {@code DenseLayer}/{@code OutputLayer} ({@code x.mmul(W).addiRowVector(b)},
 * then the activation), skipping DL4J's per-call setup. {@code BornDeadNetworkTest} checks that {@link #output()}
 * equals {@code net.output(grid)}.
 */
final class BornDeadNetwork {

    /** Number of input points on [-1, 1]. */
    static final int GRID_POINTS = 2001;
    /** A network is born dead if its output range over the grid is below this. */
    static final double DEAD_RANGE = 1e-9;

    private final int width;
    private final int depth;
    private final MultiLayerNetwork net;
    private final INDArray grid;
    private final INDArray[] weights;
    private final INDArray[] biases;
    /** Two hidden-activation buffers used alternately, and the output buffer: the forward pass allocates nothing. */
    private final INDArray[] hidden;
    private final INDArray out;

    /**
     * Builds and initialises the network.
     *
     * @param width the hidden width N, at least 1
     * @param depth the depth L including the output layer, at least 2
     */
    BornDeadNetwork(int width, int depth) {
        Checks.requireAtLeast("width", width, 1);
        Checks.requireAtLeast("depth", depth, 2);
        this.width = width;
        this.depth = depth;
        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(width * 1000L + depth)
                .dataType(DataType.DOUBLE)
                .weightInit(WeightInit.RELU)
                .biasInit(0.0)
                .list();
        for (int i = 0; i < depth - 1; i++) {
            list.layer(new DenseLayer.Builder().nIn(i == 0 ? 1 : width).nOut(width).activation(Activation.RELU)
                    .build());
        }
        list.layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(width).nOut(1)
                .activation(Activation.IDENTITY).build());
        this.net = new MultiLayerNetwork(list.build());
        net.init();
        this.weights = new INDArray[depth];
        this.biases = new INDArray[depth];
        for (int i = 0; i < depth; i++) {
            weights[i] = net.getLayer(i).getParam(DefaultParamInitializer.WEIGHT_KEY);
            biases[i] = net.getLayer(i).getParam(DefaultParamInitializer.BIAS_KEY);
        }
        double[] x = new double[GRID_POINTS];
        int half = GRID_POINTS / 2;
        for (int i = 0; i < GRID_POINTS; i++) {
            x[i] = (i - half) / (double) half;          // exactly -1, ..., 0, ..., 1
        }
        this.grid = Nd4j.create(x, new long[] {GRID_POINTS, 1}, DataType.DOUBLE);
        // 'f' order: BLAS gemm writes 'f' results directly; a 'c' result would cost a temporary and a copy per layer.
        this.hidden = new INDArray[] {Nd4j.create(DataType.DOUBLE, new long[] {GRID_POINTS, width}, 'f'),
                Nd4j.create(DataType.DOUBLE, new long[] {GRID_POINTS, width}, 'f')};
        this.out = Nd4j.create(DataType.DOUBLE, new long[] {GRID_POINTS, 1}, 'f');
    }

    /**
     * Re-draws every layer as DL4J's {@code WeightInit.RELU} (He) does: {@code W ~ N(0, 2 / fanIn)}, and sets every
     * bias to 0 (the network's {@code biasInit}).
     *
     * @param rng the ND4J generator to draw from
     */
    void drawHe(Random rng) {
        for (int i = 0; i < depth; i++) {
            drawHeLayer(i, rng);
        }
    }

    /**
     * Re-draws the hidden layers with {@link RandomizedAsymmetricInit} and the linear output layer, which RAI does not
     * touch, with He and bias 0.
     *
     * @param rng     the ND4J generator for the output layer
     * @param raiSeed the seed passed to {@link RandomizedAsymmetricInit#apply}
     */
    void drawRai(Random rng, long raiSeed) {
        drawHeLayer(depth - 1, rng);
        RandomizedAsymmetricInit.apply(net, raiSeed);
    }

    private void drawHeLayer(int i, Random rng) {
        double fanIn = weights[i].size(0);
        Nd4j.randn(0.0, Math.sqrt(2.0 / fanIn), weights[i], rng);
        biases[i].assign(0.0);
    }

    /**
     * Computes the network output on the grid with plain ND4J operations into preallocated buffers (a DL4J
     * {@code output} call would open workspaces and validate its input on every call).
     *
     * @return the output, shape {@code [GRID_POINTS, 1]}; a buffer that the next call overwrites
     */
    INDArray output() {
        INDArray h = grid;
        for (int i = 0; i < depth - 1; i++) {
            INDArray next = hidden[i % 2];
            h.mmul(weights[i], next);
            Transforms.relu(next.addiRowVector(biases[i]), false);
            h = next;
        }
        return h.mmul(weights[depth - 1], out).addiRowVector(biases[depth - 1]);
    }

    /**
     * Returns max minus min of the output over the grid.
     *
     * @return the output range, 0 for a constant function
     */
    double outputRange() {
        INDArray out = output();
        return out.maxNumber().doubleValue() - out.minNumber().doubleValue();
    }

    /**
     * Tells whether the current parameters make the network a constant function on the grid.
     *
     * @return true if the output range is below {@value #DEAD_RANGE}
     */
    boolean bornDead() {
        return outputRange() < DEAD_RANGE;
    }

    /** Returns the DL4J network whose parameters this instance re-draws. */
    MultiLayerNetwork network() {
        return net;
    }

    /** Returns the input grid, shape {@code [GRID_POINTS, 1]}, from -1 to 1. */
    INDArray grid() {
        return grid;
    }

    int width() {
        return width;
    }

    int depth() {
        return depth;
    }
}
