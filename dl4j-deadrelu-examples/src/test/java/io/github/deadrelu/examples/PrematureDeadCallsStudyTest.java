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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.examples.PrematureDeadCallsRunner.Calls;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.Criterion;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.ObserveResult;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.ReinitResult;
import io.github.deadrelu.examples.PrematureDeadCallsRunner.Setup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

class PrematureDeadCallsStudyTest {

    private static final int EXAMPLES = 4096;
    private static final int PERIOD = 1024;
    private static final int BATCH = 32;

    /**
     * Planted first layer of 3 units over 2 inputs (input 0 is 1 on one example in {@value #PERIOD}, else 0; input 1
     * is always 1): unit 0 = relu(x0 - 0.5) fires once in {@value #PERIOD} examples; unit 1 = relu(x1 + 0.5) always;
     * unit 2 = relu(-x1 - 0.5) never. Learning rate 0: no weight moves, so every dead call is judged on fixed
     * weights.
     */
    private static MultiLayerNetwork planted() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Sgd(0.0)).dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        net.getLayer(0).setParam("W", Nd4j.createFromArray(new float[][] {{1, 0, 0}, {0, 1, -1}}));
        net.getLayer(0).setParam("b", Nd4j.createFromArray(new float[][] {{-0.5f, 0.5f, -0.5f}}));
        return net;
    }

    private static Setup plantedSetup(int epochs) {
        INDArray x = Nd4j.zeros(DataType.FLOAT, EXAMPLES, 2);
        x.getColumn(1).assign(1);
        for (int i = PERIOD / 2; i < EXAMPLES; i += PERIOD) {
            x.putScalar(i, 0, 1);
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, EXAMPLES, 2);
        y.getColumn(0).assign(1);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < EXAMPLES; i += BATCH) {
            batches.add(new DataSet(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + BATCH)).dup(),
                    y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(i, i + BATCH)).dup()));
        }
        return new Setup(batches, x, x, null, epochs);
    }

    /**
     * The claim that can fail: the rare unit (once in 1,024 examples) is called dead by the fixed 256 streak, every
     * such call is premature by the independent check (open on a training digit), and the product's reopened count
     * equals the calls that reopened; the calibrated threshold does not call it dead. The never-firing unit is called
     * dead by both and is never premature. With re-initialisation the fixed streak re-draws the rare unit (not
     * needed) while the calibrated one re-draws only the never-firing unit.
     */
    @Test
    @Timeout(300)
    void plantedRareUnit_fixedStreakCallsItDeadAndItReopens_calibratedDoesNot() {
        Setup setup = plantedSetup(3);
        List<Criterion> criteria = List.of(Criterion.fixed(256), Criterion.calibrated(EXAMPLES));
        ObserveResult o = PrematureDeadCallsRunner.observe(setup, PrematureDeadCallsStudyTest::planted, criteria);
        Calls fixed = o.calls().get(0);
        Calls calibrated = o.calls().get(1);

        // fixed 256: unit 2 once (truly dead); unit 0 before its first firing and after each of its 12 firings
        // (the last call, after the firing at example 3,584 of the last epoch, has no firing left to reopen it)
        assertEquals(2, fixed.unitsCalled(), fixed.toString());
        assertEquals(2 + 3 * EXAMPLES / PERIOD, fixed.calls(), fixed.toString());
        assertEquals(fixed.calls() - 1, fixed.premature(), fixed.toString());
        assertEquals(1, fixed.prematureLate(), fixed.toString());
        assertEquals(fixed.premature() - 1, fixed.reopenedProduct(), "product's reopened: " + fixed);
        assertEquals(fixed.reopenedProduct(), fixed.prematureReopened(), fixed.toString());
        assertEquals(0, fixed.trueDeadReopened(), fixed.toString());
        assertEquals(0, fixed.prematureMissed(), fixed.toString());
        assertEquals(0, fixed.weightsChanged(), fixed.toString());

        // calibrated: only the never-firing unit, never premature
        assertEquals(1, calibrated.unitsCalled(), calibrated.toString());
        assertEquals(1, calibrated.calls(), calibrated.toString());
        assertEquals(0, calibrated.premature(), calibrated.toString());
        assertEquals(0, calibrated.reopenedProduct(), calibrated.toString());

        ReinitResult rf = PrematureDeadCallsRunner.reinit(setup, PrematureDeadCallsStudyTest::planted,
                criteria.get(0), BATCH, 1);
        assertEquals(rf.redrawnProduct(), rf.redrawn(), rf.toString());
        assertTrue(rf.unneeded() >= 1, "the rare unit re-drawn although it fires: " + rf);
        ReinitResult rc = PrematureDeadCallsRunner.reinit(setup, PrematureDeadCallsStudyTest::planted,
                criteria.get(1), BATCH, 1);
        assertEquals(rc.redrawnProduct(), rc.redrawn(), rc.toString());
        assertEquals(0, rc.unneeded(), rc.toString());
    }

    @Test
    @Timeout(300)
    void study_cli_mnist_writesOutputs(@TempDir Path out) throws IOException {
        StudyTests.run(new PrematureDeadCallsStudy(), out, "--mnist",
                StudyTests.mnist().toString(), "--train-size", "1000", "--eval-size", "200", "--hidden", "32",
                "--epochs", "2", "--seeds", "1", "--streaks", "256,1024", "--calibrated-max", "2000");
        List<Map<String, String>> rows = StudyTests.csv(out.resolve("premature-dead-calls.csv"),
                PrematureDeadCallsResults.CSV_HEADER);
        assertEquals(List.of("fixed 256", "fixed 1024", "calibrated (max 2000)"),
                rows.stream().map(m -> m.get("criterion")).toList());
        for (Map<String, String> r : rows) {
            // the product and the independent check agree on every run
            assertEquals(r.get("reopened_product"), r.get("reopened_tracked"), r.toString());
            assertEquals(r.get("reopened_product"), r.get("premature_reopened"), r.toString());
            assertEquals("0", r.get("true_dead_reopened"), r.toString());
            assertEquals("0", r.get("weights_changed_while_dead"), r.toString());
            assertEquals(r.get("reinit_redrawn"), r.get("reinit_redrawn_product"), r.toString());
        }
        StudyTests.assertFiles(out, "premature-dead-calls.md", "premature-dead-calls.png");
    }
}
