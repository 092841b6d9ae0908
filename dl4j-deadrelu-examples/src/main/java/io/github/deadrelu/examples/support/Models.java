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


package io.github.deadrelu.examples.support;

import java.util.function.Function;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The studies' model dispatch: the one place in the examples that tells a {@link MultiLayerNetwork} from a
 * {@link ComputationGraph}, for the calls DL4J's {@link Model} interface does not have.
 */
public final class Models {

    private Models() {
    }

    /**
     * One training step on {@code batch}.
     *
     * @param net   a MultiLayerNetwork or a single-input, single-output ComputationGraph
     * @param batch the mini-batch
     * @throws IllegalArgumentException if {@code net} is neither
     */
    public static void fit(Model net, DataSet batch) {
        dispatch(net, m -> {
            m.fit(batch);
            return null;
        }, g -> {
            g.fit(batch);
            return null;
        });
    }

    /**
     * Increments the epoch count ({@code fit(DataSet)} does not), so listeners see the right epoch.
     *
     * @param net a MultiLayerNetwork or a ComputationGraph
     * @throws IllegalArgumentException if {@code net} is neither
     */
    public static void incrementEpochCount(Model net) {
        dispatch(net, m -> {
            m.incrementEpochCount();
            return null;
        }, g -> {
            g.incrementEpochCount();
            return null;
        });
    }

    /**
     * The network's output at inference ({@code train = false}).
     *
     * @param net      a MultiLayerNetwork or a single-output ComputationGraph
     * @param features the input
     * @return the output activations
     * @throws IllegalArgumentException if {@code net} is neither
     */
    public static INDArray output(Model net, INDArray features) {
        return dispatch(net, m -> m.output(features, false), g -> g.outputSingle(false, features));
    }

    private static <T> T dispatch(Model net, Function<MultiLayerNetwork, T> network,
            Function<ComputationGraph, T> graph) {
        if (net instanceof MultiLayerNetwork m) {
            return network.apply(m);
        }
        if (net instanceof ComputationGraph g) {
            return graph.apply(g);
        }
        throw new IllegalArgumentException("net must be a MultiLayerNetwork or a ComputationGraph, got: "
                + (net == null ? "null" : net.getClass().getName()));
    }
}
