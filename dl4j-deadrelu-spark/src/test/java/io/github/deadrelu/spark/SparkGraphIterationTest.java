/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Issue 10 item 13: DL4J 1.0.0-M2.1's {@code ComputationGraphConfiguration.clone()} drops the iteration count, so the
 * workers of a {@link SparkComputationGraph} count every averaging round from 0. The aggregator numbers rounds at the
 * driver: consecutive iterations over rounds and fits, unit ages that grow, and re-initialisation that happens.
 */
class SparkGraphIterationTest {
    private static final int EXAMPLES = 256;
    private static final int BATCH = 16;
    private static final int AVERAGING = 2;
    /** Two workers, {@value #AVERAGING} mini-batches each per averaging round. */
    private static final int ITERATIONS_PER_FIT = EXAMPLES / BATCH / 2;

    private static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        sc = LocalSpark.start("dl4j-deadrelu-spark-graph-test");
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.stop();
        }
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void sparkComputationGraph_iterationsNumberedAtTheDriverAndReinitialisationHappens() {
        ComputationGraph cg = Nets.planted(new Sgd(0.01), 17).toComputationGraph();
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, cg, LocalSpark.master(BATCH, AVERAGING));
        DeadReluAggregator dead = DeadReluAggregator.builder().deadAfterExamples(2 * BATCH).frequency(0)
                .reinitialize(ReinitPolicy.builder().maturity(ITERATIONS_PER_FIT + 2).seed(5).build()).build()
                .attach(sparkNet);
        sparkNet.fit(sc.parallelize(Nets.examples(EXAMPLES, 21), 2));
        assertEquals(Map.of(), dead.reinitialize(), "no unit is old enough after one fit");
        sparkNet.fit(sc.parallelize(Nets.examples(EXAMPLES, 22), 2));

        List<Integer> iterations = dead.history().stream().map(GateSnapshot::iteration).collect(Collectors.toList());
        assertEquals(IntStream.range(0, 2 * ITERATIONS_PER_FIT).boxed().collect(Collectors.toList()), iterations,
                "one snapshot per driver iteration, numbered on over rounds and fits");
        for (GateSnapshot s : dead.history()) {
            ParallelWrapperTest.assertPlanted(s, "0", "1");
        }
        Map<String, int[]> done = dead.reinitialize();
        assertArrayEquals(Nets.DEAD0, done.get("0"), "ages grew past maturity: " + done.keySet());
        assertArrayEquals(Nets.DEAD1, done.get("1"));
        assertEquals(0, dead.snapshot().layer("0").orElseThrow().deadUnits().length);
    }
}
