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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class StudyOptionsTest {

    /** A study that records what it was given instead of training. */
    @Command(name = "probe-study", mixinStandardHelpOptions = true)
    static final class Probe extends StudyCommand {
        @Mixin
        StudyOptions.Data data;
        @Mixin
        StudyOptions.Training training = new StudyOptions.Training(7);
        @Mixin
        StudyOptions.Runs runs;
        @Mixin
        StudyOptions.Optimizer optimizer = new StudyOptions.Optimizer("adam", 0.01);
        final List<Path> outs = new ArrayList<>();

        @Override
        protected void check(Checks check) {
            data.check(check);
            training.check(check, 2, "two widths");
            runs.check(check);
            optimizer.check(check);
        }

        @Override
        protected boolean quietListenerLog() {
            return false;
        }

        @Override
        protected void study(Path out) {
            outs.add(out);
        }
    }

    /** A study that leaves every check to its mixins and sets a default of its own for {@code --seeds}. */
    @Command(name = "seeded-probe", mixinStandardHelpOptions = true)
    static final class SeededProbe extends StudyCommand {
        @Mixin
        StudyOptions.Training training = new StudyOptions.Training(1, 2, "two widths");
        @Mixin
        StudyOptions.Seeds seeds = new StudyOptions.Seeds("1,2,3,4,5");
        @Mixin
        StudyOptions.Threads threads;
        int studied;

        @Override
        protected boolean quietListenerLog() {
            return false;
        }

        @Override
        protected void study(Path out) {
            studied++;
        }
    }

    @Test
    void seeds_defaultOfTheMixee_appliedAndShown() {
        SeededProbe p = new SeededProbe();
        assertEquals(0, new CommandLine(p).execute());
        assertArrayEquals(new long[] {1, 2, 3, 4, 5}, p.seeds.seeds());
        assertEquals(2000, p.seeds.evalSize());
        assertEquals(2, p.threads.threads());
        assertEquals(1, p.training.epochs());
        SeededProbe given = new SeededProbe();
        assertEquals(0, new CommandLine(given).execute("--seeds", "7,8"));
        assertArrayEquals(new long[] {7, 8}, given.seeds.seeds());
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(new SeededProbe());
        cli.setOut(new PrintWriter(text));
        assertEquals(0, cli.execute("--help"));
        assertTrue(text.toString().replaceAll("\\s+", " ").contains("(default: 1,2,3,4,5)"), text.toString());
    }

    @Test
    void mixins_checkedWithoutTheStudyCallingThem() {
        for (String[] args : new String[][] {{"--hidden", "8"}, {"--epochs", "0"}, {"--batch", "0"},
            {"--eval-size", "2001"}, {"--threads", "0"}}) {
            SeededProbe p = new SeededProbe();
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(p);
            cli.setErr(new PrintWriter(err));
            assertEquals(2, cli.execute(args), String.join(" ", args));
            assertEquals(0, p.studied);
            assertTrue(err.toString().contains(args[0] + " must "), err.toString());
        }
    }

    private static int run(Probe p, StringWriter err, String... args) {
        CommandLine cli = new CommandLine(p);
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void defaults_outFromCommandName_epochsFromMixee() {
        Probe p = new Probe();
        assertEquals(0, run(p, new StringWriter()));
        assertEquals(List.of(Paths.get("target/studies/probe-study")), p.outs);
        assertEquals(7, p.training.epochs());
        assertEquals(64, p.training.batch());
        assertArrayEquals(new int[] {256, 256}, p.training.hidden());
        assertArrayEquals(new long[] {1, 2, 3}, p.runs.seeds());
        assertEquals(2000, p.runs.evalSize());
        assertEquals(25, p.runs.reinitEvery());
        assertEquals(2, p.runs.threads());
        assertEquals("adam", p.optimizer.name());
        assertEquals("Adam", p.optimizer.label());
        assertEquals(0.01, p.optimizer.lr());
        assertEquals(new Adam(0.01), p.optimizer.updater());
    }

    @Test
    void given_optimizer_sgdUpdaterAtTheRate() {
        Probe p = new Probe();
        assertEquals(0, run(p, new StringWriter(), "--optimizer", "sgd", "--lr", "0.5"));
        assertTrue(p.optimizer.sgd());
        assertEquals("Sgd", p.optimizer.label());
        assertEquals(new Sgd(0.5), p.optimizer.updater());
    }

    @Test
    void given_outAndOptions_used() {
        Probe p = new Probe();
        assertEquals(0, run(p, new StringWriter(), "--out", "x/y", "--epochs", "2", "--hidden", "8,4", "--seeds",
                "5", "--threads", "1"));
        assertEquals(List.of(Paths.get("x/y")), p.outs);
        assertEquals(2, p.training.epochs());
        assertArrayEquals(new int[] {8, 4}, p.training.hidden());
        assertArrayEquals(new long[] {5}, p.runs.seeds());
        assertEquals(1, p.runs.threads());
    }

    @Test
    void invalid_usageErrorBeforeTheStudyRuns() {
        for (String[] args : new String[][] {{"--train-size", "8001"}, {"--epochs", "0"}, {"--hidden", "8"},
            {"--hidden", "8,0"}, {"--eval-size", "0"}, {"--threads", "0"}, {"--reinit-every", "0"},
            {"--optimizer", "rmsprop"}, {"--lr", "0"}}) {
            Probe p = new Probe();
            StringWriter err = new StringWriter();
            assertEquals(2, run(p, err, args), String.join(" ", args));
            assertTrue(p.outs.isEmpty());
            assertTrue(err.toString().contains(" must "), err.toString());
        }
        StringWriter err = new StringWriter();
        run(new Probe(), err, "--train-size", "8001");
        assertTrue(err.toString().contains("--train-size must be in [1, 8000], got: 8001"), err.toString());
    }

    @Test
    void help_showsDefaults() {
        StringWriter text = new StringWriter();
        CommandLine cli = new CommandLine(new Probe());
        cli.setOut(new PrintWriter(text));
        assertEquals(0, cli.execute("--help"));
        // Whitespace normalised: picocli wraps the description column where the longest option name sets it.
        String help = text.toString().replaceAll("\\s+", " ");
        for (String expected : List.of("Output directory (default: target/studies/probe-study).",
                "Training epochs (default: 7).", "Mini-batch size (default: 64).", "--mnist=DIR",
                "Training examples used, at most 8000 (default: 8000).", "(default: 1,2,3)", "--threads=N",
                "Optimizer (default: adam).", "Learning rate (default: 0.01).")) {
            assertTrue(help.contains(expected), expected + " in\n" + help);
        }
    }
}
