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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;

@Timeout(120)
class BornDeadNetworkTest {

    /** The study's fast forward pass must compute exactly what DL4J computes, for both initialisations. */
    @Test
    void output_equalsDl4jOutput() {
        Random rng = Nd4j.getRandomFactory().getNewRandomInstance(42);
        for (int width : new int[] {1, 2, 5}) {
            for (int depth : new int[] {2, 5, 12}) {
                BornDeadNetwork network = new BornDeadNetwork(width, depth);
                for (int trial = 0; trial < 4; trial++) {
                    if (trial % 2 == 0) {
                        network.drawHe(rng);
                    } else {
                        network.drawRai(rng, trial);
                    }
                    double[] expected = network.network().output(network.grid()).toDoubleVector();
                    double[] actual = network.output().toDoubleVector();
                    assertArrayEquals(expected, actual, 1e-12, "width " + width + ", depth " + depth);
                }
            }
        }
    }

    @Test
    void network_shapeAndPrecision() {
        BornDeadNetwork network = new BornDeadNetwork(3, 5);
        MultiLayerNetwork net = network.network();
        assertEquals(5, net.getnLayers());
        assertEquals(DataType.DOUBLE, net.params().dataType());
        assertEquals(BornDeadNetwork.GRID_POINTS, network.grid().size(0));
        assertEquals(-1.0, network.grid().getDouble(0), 0.0);
        assertEquals(0.0, network.grid().getDouble(1000), 0.0);
        assertEquals(1.0, network.grid().getDouble(2000), 0.0);
    }

    /** He draws: W ~ N(0, 2 / fanIn) as WeightInitRelu, every bias 0. */
    @Test
    void drawHe_normalWithVarianceTwoOverFanIn() {
        BornDeadNetwork network = new BornDeadNetwork(300, 3);
        network.drawHe(Nd4j.getRandomFactory().getNewRandomInstance(7));
        MultiLayerNetwork net = network.network();
        INDArray w1 = net.getLayer(1).getParam("W");
        assertEquals(0.0, w1.meanNumber().doubleValue(), 0.002);
        assertEquals(Math.sqrt(2.0 / 300), w1.stdNumber().doubleValue(), 0.02 * Math.sqrt(2.0 / 300));
        INDArray w0 = net.getLayer(0).getParam("W");
        assertEquals(Math.sqrt(2.0), w0.stdNumber().doubleValue(), 0.2);
        for (int i = 0; i < 3; i++) {
            assertEquals(0.0, net.getLayer(i).getParam("b").amaxNumber().doubleValue(), 0.0);
        }
    }

    /** Planted parameters: a hidden layer that is closed on the whole grid makes the output exactly constant. */
    @Test
    void bornDead_closedHiddenLayer() {
        BornDeadNetwork network = new BornDeadNetwork(2, 3);
        MultiLayerNetwork net = network.network();
        net.params().assign(1.0);
        // h1 = relu(x + 1) = x + 1, h2 = relu(2 (x + 1) + 1) = 2x + 3, out = 2 (2x + 3) + 1 = 4x + 7: range 8.
        assertEquals(8.0, network.outputRange(), 1e-12);
        assertFalse(network.bornDead());
        net.getLayer(1).getParam("W").assign(0.0);
        net.getLayer(1).getParam("b").assign(-1.0);
        assertTrue(network.bornDead());
        assertEquals(0.0, network.outputRange(), 0.0);
    }

    @Test
    void constructor_invalidSizes() {
        var width = assertThrows(IllegalArgumentException.class, () -> new BornDeadNetwork(0, 5));
        assertEquals("width must be >= 1, got: 0", width.getMessage());
        var depth = assertThrows(IllegalArgumentException.class, () -> new BornDeadNetwork(2, 1));
        assertEquals("depth must be >= 2, got: 1", depth.getMessage());
    }
}
