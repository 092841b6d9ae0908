/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * How the monitor-only overhead scales: one {@code fit(DataSet)} step of an MLP 784-w-w-10 (Adam) for hidden width
 * {@code w} from 256 to 4096 at batch 128, and batch 32 to 512 at width 1024, with and without
 * {@code DeadReluListener} ({@link ListenerSteps}). Counting reads each activation once (O(batch * w)) while the step
 * multiplies matrices (O(batch * w^2)), so the overhead ratio should stay flat or fall as the step grows.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ListenerScalingBenchmark -f 1}
 */
public class ListenerScalingBenchmark extends ListenerSteps {

    /** Hidden width and batch size, {@code w<width>_b<batch>}. */
    @Param({"w256_b128", "w1024_b128", "w4096_b128", "w1024_b32", "w1024_b512"})
    public String size;

    /** The listener. */
    @Param({"NONE", "DEAD_RELU"})
    public Variant listener;

    /** Builds the network, its mini-batches and the listener. */
    @Setup(Level.Trial)
    public void setUp() {
        Networks.MlpSize s = Networks.MlpSize.parse(size);
        prepare(Networks.mlp(s.width), s.batch, listener);
    }
}
