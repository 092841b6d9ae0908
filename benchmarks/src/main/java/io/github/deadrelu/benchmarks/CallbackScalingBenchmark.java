/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * {@link ListenerScalingBenchmark} measured the precise way of {@link CallbackCostBenchmark}: the monitor-only
 * callbacks of {@code DeadReluListener} ({@code onForwardPass} + {@code iterationDone}) on the activations of one real
 * forward pass of an MLP 784-w-w-10, next to one training step of the same network ({@code step}, no listener), for
 * width 256 to 4096 at batch 128 and batch 32 to 512 at width 1024 ({@link CachedCallbacks}). {@code deadRelu / step}
 * is the overhead on cached arrays, a lower bound of what training pays ({@link InTrainingBenchmark} measures inside
 * training).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar CallbackScalingBenchmark -f 1}
 */
public class CallbackScalingBenchmark extends CachedCallbacks {

    /** Hidden width and batch size, {@code w<width>_b<batch>}. */
    @Param({"w256_b128", "w1024_b128", "w4096_b128", "w1024_b32", "w1024_b512"})
    public String size;

    /** Builds the network and its batch, and the cached activations. */
    @Setup(Level.Trial)
    public void setUp() {
        Networks.MlpSize s = Networks.MlpSize.parse(size);
        prepare(Networks.mlp(s.width), Networks.batch(s.batch));
    }
}
