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

import io.github.deadrelu.examples.plasticity.LossOfPlasticityStudy;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every study's command line: a bad option is a usage error (exit code 2) with the project's message before anything
 * runs, and {@code --help} names the options. One case per study and option; the studies' own tests keep what they
 * train.
 */
class StudyCommandLineTest {

    private static Arguments usageError(Supplier<Callable<Integer>> study, String message, String... args) {
        return Arguments.of(study.get().getClass().getSimpleName(), study, message, args);
    }

    static Stream<Arguments> usageErrors() {
        return Stream.of(
                usageError(BornDeadStudy::new, "--trials must be >= 1, got: 0", "--trials", "0"),
                usageError(BornDeadStudy::new, "--depths must be >= 2", "--depths", "1"),
                usageError(DeathInStagesStudy::new, "--partial must be in (0, 1), got: 1.0", "--partial", "1"),
                usageError(FirstLayerStudy::new, "--hidden must list at least two widths", "--hidden", "64"),
                usageError(LearningRateStudy::new,
                        "variant must be one of relu, leaky, reinit-zero, reinit-keep, got: elu", "--variants",
                        "relu,elu"),
                usageError(LearningRateStudy::new, "must list at least one rate, got: none", "--sgd-rates", "",
                        "--adam-rates", ""),
                usageError(RemediesStudy::new, "--optimizer must be sgd or adam, got: rmsprop", "--optimizer",
                        "rmsprop"),
                usageError(SeedScenarioStudy::new, "--target must be in (-1, 0), got: 0.1", "--target", "0.1"),
                usageError(ReinitDefaultsStudy::new,
                        "--mlp-sgd must be three rates (normal, high, killing), got: 0.1,1.0", "--mlp-sgd",
                        "0.1,1.0"),
                usageError(ReinitDefaultsStudy::new, "--policies entries must be a valid policy", "--policies",
                        "25/25/2/zero"),
                usageError(ReinitDefaultsStudy::new, "--models must be mlp, lenet or resnet, got: vgg", "--models",
                        "vgg"),
                usageError(LossOfPlasticityStudy::new, "--regression-batch must be >= 1, got: 0",
                        "--regression-batch", "0"),
                usageError(LossOfPlasticityStudy::new, "--variants must be one of linear, backprop, reinit-dead",
                        "--variants", "sometimes"),
                usageError(LossOfPlasticityStudy::new, "--regression-lr", "--regression-lr", "-1"));
    }

    @ParameterizedTest(name = "{0} {3}: {2}")
    @MethodSource("usageErrors")
    @Timeout(30)
    void badOption_usageErrorBeforeTheStudyRuns(String name, Supplier<Callable<Integer>> study, String message,
            String[] args, @TempDir Path out) {
        StudyTests.assertUsageError(study.get(), message, StudyTests.withOut(out, args));
    }

    private static Arguments help(Supplier<Callable<Integer>> study, String... options) {
        return Arguments.of(study.get().getClass().getSimpleName(), study, options);
    }

    static Stream<Arguments> helps() {
        return Stream.of(
                help(BornDeadStudy::new, "--out", "--trials", "--widths", "--depths", "--seed"),
                help(DeathInStagesStudy::new, "--mnist", "--out", "--optimizer", "--lr", "--epochs", "--window",
                        "--partial", "--bin"),
                help(FirstLayerStudy::new, "--mnist", "--out", "--lr", "--epochs", "--hidden", "--dead-after",
                        "--seed"),
                help(LearningRateStudy::new, "--mnist", "--out", "--sgd-rates", "--adam-rates", "--variants",
                        "--seeds", "--epochs", "--batch", "--threads"),
                help(PrematureDeadCallsStudy::new, "--mnist", "--out", "--lr", "--epochs", "--hidden", "--seeds",
                        "--streaks", "--calibrated-max", "--reinit-every"),
                help(ReinitDefaultsStudy::new, "--mnist", "--out", "--seeds", "--models", "--mlp-sgd",
                        "--lenet-adam", "--resnet-sgd", "--policies", "--high-policies", "--no-transfer",
                        "--transfer-fractions", "--threads"),
                help(RemediesStudy::new, "--mnist", "--out", "--optimizer", "--lr", "--seeds", "--eval-every",
                        "--reinit-every", "--threads"),
                help(SeedScenarioStudy::new, "--out", "--before", "--after", "--batch", "--lr", "--target",
                        "--seed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("helps")
    void help_listsOptions(String name, Supplier<Callable<Integer>> study, String[] options) {
        StudyTests.assertHelpLists(study.get(), options);
    }
}
