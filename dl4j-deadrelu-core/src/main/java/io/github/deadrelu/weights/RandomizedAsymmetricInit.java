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

package io.github.deadrelu.weights;

import io.github.deadrelu.internal.Models;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the randomized asymmetric initialization (RAI) of Lu, Shin, Su and Karniadakis to every gated dense layer
 * of an initialised network, in place.
 *
 * <p>A deep, narrow ReLU network initialised from symmetric distributions (He, Xavier, ...) is often <em>born
 * dead</em>: some hidden layer is closed for every input, so the network computes a constant function and no gradient
 * reaches the layers below it. RAI makes each unit's pre-activation asymmetric by giving it one positive parameter:
 * <pre>
 * Lu, L., Shin, Y., Su, Y. and Karniadakis, G. E. (2020).
 * Dying ReLU and Initialization: Theory and Numerical Examples.
 * Communications in Computational Physics 28(5), 1671-1706. doi:10.4208/cicp.OA-2020-0165 (arXiv:1903.06733)
 * </pre>
 *
 * <p>For each unit j of a gated dense layer with fan-in {@code n} (the layer's {@code nIn}):
 * <ol>
 *   <li>form the vector {@code V_j = [w_1j, ..., w_nj, b_j]} of the unit's incoming weights and its bias, length
 *       {@code n + 1};</li>
 *   <li>draw every entry of {@code V_j} from {@code N(0, sigma^2 / n)} with {@code sigma = 0.6007} (the standard
 *       deviation is {@code 0.6007 / sqrt(n)}; the fan-in excludes the bias slot, as in the authors' code);</li>
 *   <li>choose one index {@code k} uniformly from the {@code n + 1} slots (the bias included);</li>
 *   <li>replace {@code V_jk} with a draw from {@code Beta(2, 1)}, a positive, asymmetric distribution on [0, 1]
 *       (drawn as {@code sqrt(U)}, {@code U ~ Uniform(0, 1)}, because its distribution function is {@code x^2});</li>
 *   <li>write the first {@code n} entries into column j of {@code W} ({@code [nIn, nOut]}) and the last into
 *       {@code b[j]}.</li>
 * </ol>
 * A dense layer configured with {@code hasBias(false)} has no bias slot: its vector is the {@code n} weights alone.
 * Layer-norm gains, if present, are left unchanged.
 *
 * <p>A <em>gated dense layer</em> is a {@link DenseLayer} whose activation has a zero-gradient regime: ReLU
 * ({@link ActivationReLU} with no negative slope, including its {@code max} and {@code threshold} variants),
 * {@link ActivationReLU6} and {@link ActivationThresholdedReLU}. Wrappers ({@code FrozenLayer},
 * {@code FrozenLayerWithBackprop} and other {@link BaseWrapperLayer}s) are unwrapped, so a frozen layer is written as
 * well. Every other layer, including the output layer, keeps its parameters bit for bit. RAI needs the weights and
 * the bias together, which a DL4J {@code IWeightInit} never sees, so it is applied to a network after {@code init()}:
 * <pre>{@code
 * MultiLayerNetwork net = new MultiLayerNetwork(conf);
 * net.init();
 * RandomizedAsymmetricInit.apply(net, 42);   // same seed, same parameters
 * }</pre>
 *
 * <p>The Gaussian and Beta draws are ND4J random ops on an ND4J {@link Random} created from the seed (so they run on
 * any backend); the per-unit index choice uses a {@link SplittableRandom} created from the same seed. Layers are
 * processed in network order (MLN index order, CG topological order), so a given network and seed always give the same
 * parameters on a given backend.
 */
public final class RandomizedAsymmetricInit {

    private static final Logger log = LoggerFactory.getLogger(RandomizedAsymmetricInit.class);

    /** The paper's sigma: every Gaussian entry has standard deviation {@code SIGMA / sqrt(fanIn)}. */
    static final double SIGMA = 0.6007;

    private RandomizedAsymmetricInit() {
    }

    /**
     * Re-draws the incoming weights and bias of every unit of every gated dense layer of {@code net} with RAI, in place.
     * A network without a gated dense layer is left unchanged and one WARN is logged.
     *
     * @param net  an initialised {@link MultiLayerNetwork} or {@link ComputationGraph}
     * @param seed the seed of all random draws; the same network and seed give bit-identical parameters
     * @throws NullPointerException     if {@code net} is null
     * @throws IllegalArgumentException if {@code net} is neither a {@code MultiLayerNetwork} nor a
     *                                  {@code ComputationGraph}
     * @throws IllegalStateException    if {@code net} has not been initialised ({@code init()} not called)
     */
    public static void apply(Model net, long seed) {
        Objects.requireNonNull(net, "net");
        List<Layer> gated = gatedDenseLayers(layersOf(net));
        if (gated.isEmpty()) {
            log.warn("RandomizedAsymmetricInit did nothing: {} has no gated dense layer (a DenseLayer with ReLU, ReLU6 "
                    + "or ThresholdedReLU activation)", net.getClass().getSimpleName());
            return;
        }
        SplittableRandom indexRng = new SplittableRandom(seed);
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(seed);
        try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            for (Layer layer : gated) {
                draw(layer, rng, indexRng);
            }
        } finally {
            closeQuietly(rng);
        }
    }

    /** Returns the model's layers in network order, validating the model type and its lifecycle. */
    private static Layer[] layersOf(Model net) {
        Layer[] layers;
        if (Models.isMultiLayer(net)) {
            layers = ((MultiLayerNetwork) net).getLayers();
        } else if (Models.isGraph(net)) {
            layers = ((ComputationGraph) net).getLayers();
        } else {
            throw new IllegalArgumentException("Unsupported model type: " + net.getClass().getName()
                    + " (expected MultiLayerNetwork or ComputationGraph)");
        }
        if (layers == null) {
            throw new IllegalStateException("Cannot apply RAI: the network is not initialised (call net.init() first)");
        }
        return layers;
    }

    /** Returns the unwrapped gated dense layers among {@code layers}, in the same order. */
    private static List<Layer> gatedDenseLayers(Layer[] layers) {
        List<Layer> gated = new ArrayList<>();
        for (Layer layer : layers) {
            Layer inner = layer;
            while (inner instanceof BaseWrapperLayer) {
                inner = ((BaseWrapperLayer) inner).getUnderlying();
            }
            org.deeplearning4j.nn.conf.layers.Layer conf = inner.conf().getLayer();
            if (conf instanceof DenseLayer && isGated(((DenseLayer) conf).getActivationFn())) {
                gated.add(inner);
            }
        }
        return gated;
    }

    /**
     * Tells whether an activation has a zero-gradient regime (a gate that can close): ReLU without a negative slope
     * (any {@code max} or {@code threshold}), ReLU6 and ThresholdedReLU.
     *
     * @param activation the layer's activation function
     * @return true if the activation passes no gradient for some inputs
     */
    static boolean isGated(IActivation activation) {
        if (activation instanceof ActivationReLU) {
            Double negativeSlope = ((ActivationReLU) activation).getNegativeSlope();
            return negativeSlope == null || negativeSlope == 0.0;
        }
        return activation instanceof ActivationReLU6 || activation instanceof ActivationThresholdedReLU;
    }

    /** Draws RAI parameters for every unit of one dense layer, writing into its parameter views. */
    private static void draw(Layer layer, Random rng, SplittableRandom indexRng) {
        INDArray w = layer.getParam(DefaultParamInitializer.WEIGHT_KEY);           // [nIn, nOut], unit j = column j
        boolean hasBias = ((DenseLayer) layer.conf().getLayer()).hasBias();
        INDArray b = hasBias ? layer.getParam(DefaultParamInitializer.BIAS_KEY) : null;   // [nOut]
        long fanIn = w.size(0);
        long units = w.size(1);
        double std = SIGMA / Math.sqrt(fanIn);

        Nd4j.randn(0.0, std, w, rng);
        if (b != null) {
            Nd4j.randn(0.0, std, b, rng);
        }
        // Beta(2, 1) has CDF x^2 on [0, 1], so sqrt(U) with U ~ Uniform[0, 1) is an exact draw.
        INDArray beta = Transforms.sqrt(Nd4j.rand(Nd4j.createUninitialized(w.dataType(), units), rng), false);

        long slots = fanIn + (b != null ? 1 : 0);
        for (long j = 0; j < units; j++) {
            long k = indexRng.nextLong(slots);
            double value = beta.getDouble(j);
            if (k < fanIn) {
                w.putScalar(k, j, value);
            } else {
                b.putScalar(j, value);
            }
        }
        log.debug("RAI applied to layer {}: {} units, fan-in {}, sigma/sqrt(fan-in) {}",
                layer.conf().getLayer().getLayerName(), units, fanIn, std);
    }

    private static void closeQuietly(Random rng) {
        try {
            rng.close();
        } catch (Exception e) {
            log.debug("Could not close the ND4J random generator", e);
        }
    }
}
