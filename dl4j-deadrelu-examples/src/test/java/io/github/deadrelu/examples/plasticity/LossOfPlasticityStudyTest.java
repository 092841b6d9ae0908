/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.examples.plasticity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.deadrelu.examples.plasticity.PlasticityRunner.Bin;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Problem;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Run;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Setup;
import io.github.deadrelu.examples.plasticity.PlasticityRunner.Variant;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine;

/** {@link LossOfPlasticityStudy} end to end on reduced data, and the claims its README section makes. */
class LossOfPlasticityStudyTest {

    private static int execute(StringWriter err, String... args) {
        CommandLine cli = new CommandLine(new LossOfPlasticityStudy());
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    /**
     * The regression part, 4,000 examples in bins of 1,000 (one thread): the CSV has every variant plus the linear
     * baseline, 4 bins each, shares in [0, 1] (empty for the linear learner, which has no hidden unit), and plain
     * backprop re-initialises nothing while re-initialisation by utility does; the table and the PNG are written.
     */
    @Test
    @Timeout(240)
    void study_reducedRegression_outputs(@TempDir Path out) throws IOException {
        StringWriter err = new StringWriter();
        assertEquals(0, execute(err, "--regression-examples", "4000", "--regression-bin", "1000", "--threads", "1",
                "--out", out.toString()), err.toString());
        List<String> lines = Files.readAllLines(out.resolve("loss-of-plasticity.csv"), StandardCharsets.UTF_8);
        assertEquals(String.join(",", PlasticityResults.HEADER), lines.get(0));
        assertEquals(1 + 6 * 4, lines.size(), "6 runs x 4 bins");
        List<String> variants = lines.subList(1, lines.size()).stream().map(l -> l.split(",", -1)[1]).distinct()
                .toList();
        assertEquals(List.of("linear", "backprop", "reinit-dead", "reinit-dormant", "reinit-gradient",
                "reinit-utility"), variants);
        long utilityReinits = 0;
        for (String line : lines.subList(1, lines.size())) {
            String[] f = line.split(",", -1);
            assertEquals("regression", f[0]);
            assertTrue(Double.parseDouble(f[5]) > 0, line);
            for (int i = 6; i <= 8; i++) {
                assertEquals(f[1].equals("linear"), f[i].isEmpty(), line);
                if (!f[i].isEmpty()) {
                    double share = Double.parseDouble(f[i]);
                    assertTrue(share >= 0 && share <= 1, line);
                }
            }
            if (f[1].equals("backprop") || f[1].equals("linear")) {
                assertEquals("0", f[9], line);
            }
            if (f[1].equals("reinit-utility")) {
                utilityReinits += Long.parseLong(f[9]);
            }
        }
        assertTrue(utilityReinits > 0, "Continual Backprop replaces units at its rate");
        assertTrue(Files.readString(out.resolve("loss-of-plasticity.md")).contains("| reinit-utility"));
        assertTrue(Files.size(out.resolve("loss-of-plasticity.png")) > 0);
    }

    /**
     * LOW_UTILITY re-draws at the configured rate: 1,000 iterations of 5 units at rate 0.01 and maturity 10 accumulate
     * 0.01 x (mature units) per iteration, so at most floor(0.01 x 5 x 1000) = 50 replacements; each replaced unit is
     * immature for 10 iterations and no unit is mature in the first 10, so at least 0.01 x (5 x 990 - 10 x 50) = 44.5
     * (minus the fraction left over). The dead-unit variant on the same run re-draws only when units are dead.
     */
    @Test
    @Timeout(240)
    void lowUtility_redrawsAtTheConfiguredRate() {
        Setup s = new Setup(8, 0.08, 8000, 8000, new int[]{5}, 100, 10, 0.01, 1);
        Run r = PlasticityRunner.run(Problem.REGRESSION, Variant.LOW_UTILITY, s, new SlowlyChangingRegression(1)::next,
                SlowlyChangingRegression.INPUTS, 1);
        assertTrue(r.reinitialized() >= 44 && r.reinitialized() <= 50, "replaced " + r.reinitialized());
        Run b = PlasticityRunner.run(Problem.REGRESSION, Variant.BACKPROP, s, new SlowlyChangingRegression(1)::next,
                SlowlyChangingRegression.INPUTS, 1);
        assertEquals(0, b.reinitialized());
        assertEquals(1, b.bins().size());
        Bin only = b.bins().get(0);
        assertEquals(8000, only.examples());
        assertTrue(only.lowUtilShare() >= 0 && only.lowUtilShare() <= 1);
    }

    /**
     * The MNIST path on 100 synthetic "digits" of 784 pixels and 10 classes, 2 tasks of 100 examples in batches of 20:
     * one bin per task, accuracies (fractions of the examples, scored before each update) in [0, 1] and multiples of
     * 1/100, shares in [0, 1].
     */
    @Test
    @Timeout(60)
    void mnistPath_onePerTaskBin_accuracyIsAFractionOfTheTask() {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, 100, 784);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 100, 10);
        for (int i = 0; i < 100; i++) {
            y.putScalar(i, i % 10, 1);
        }
        OnlinePermutedMnist data = new OnlinePermutedMnist(new DataSet(x, y), 1);
        Setup s = new Setup(20, 0.05, 200, 100, new int[]{16, 16, 16}, 5, 1, 0.01, 1);
        Run r = PlasticityRunner.run(Problem.MNIST, Variant.DORMANT, s, data::next, 784, 10);
        assertEquals(2, r.bins().size());
        for (Bin bin : r.bins()) {
            assertTrue(bin.metric() >= 0 && bin.metric() <= 1, bin.toString());
            assertEquals(Math.rint(bin.metric() * 100), bin.metric() * 100, 1e-9, bin.toString());
            assertTrue(bin.deadShare() >= 0 && bin.deadShare() <= 1 && bin.dormantShare() >= 0
                    && bin.dormantShare() <= 1, bin.toString());
        }
        assertEquals(List.of(100L, 200L), r.bins().stream().map(Bin::examples).toList());
    }
}
