/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import io.github.deadrelu.internal.LayerSpec;
import io.github.deadrelu.internal.NetworkInspector;
import io.github.deadrelu.internal.Reinitializer;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * One re-initialisation event against one training step (the contract: an event costs at most half a step), on
 * the MLP 784-1024-1024-10 (batch 128, Adam): re-draw the incoming weights of {@code units} units of a hidden layer
 * from its weight init, reset their biases, zero their outgoing weights and the Adam state of every entry written.
 * The event is what {@code DeadReluListener} runs in {@code iterationDone} when its policy selects those units. JMH
 * measures steps and events minutes apart; the paired ratio (each event divided by the step just before it, in one
 * run) is the core module's test-side {@code internal.ReinitCost} (see benchmarks/README.md).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar ReinitBenchmark -f 1}
 */
public class ReinitBenchmark extends BenchmarkDefaults {

    /**
     * The hidden layers re-initialised in one event: layer0 (784 x 1024 incoming), layer1 (1024 x 1024 incoming), or
     * both ({@code layer0+layer1}).
     */
    @Param({"layer0", "layer1", "layer0+layer1"})
    public String layer;

    /** Units re-initialised in one event: 1% (10), 10% (102) or all 1024 of the layer. */
    @Param({"10", "102", "1024"})
    public int units;

    private MultiLayerNetwork net;
    private DataSet data;
    private List<LayerSpec> specs;
    private int[] selected;
    private ReinitPolicy policy;
    private long iteration;

    @Setup(Level.Trial)
    public void setUp() {
        net = Networks.mlp(1024);
        data = Networks.batch(128);
        net.fit(data); // creates the updater state, as in training
        List<String> names = Arrays.asList(layer.split("\\+"));
        specs = NetworkInspector.discover(net).stream().filter(s -> names.contains(s.name()))
                .collect(Collectors.toList());
        if (specs.size() != names.size()) {
            throw new IllegalStateException("no monitored layers " + layer + ", got: " + specs);
        }
        // Spread the units over the layer, as dead units are.
        selected = IntStream.range(0, units).map(i -> (int) ((long) i * 1024 / units)).toArray();
        policy = ReinitPolicy.builder().every(1).seed(Networks.SEED).build();
    }

    /**
     * The reference: one training step without listener.
     *
     * @return the parameters
     */
    @Benchmark
    public INDArray step() {
        net.fit(data);
        return net.params();
    }

    /**
     * One re-initialisation event.
     *
     * @return the parameters
     */
    @Benchmark
    public INDArray reinitEvent() {
        Reinitializer.Event e = Reinitializer.event(net, policy, iteration++);
        for (LayerSpec spec : specs) {
            e.add(spec, selected, 1024);
        }
        if (!e.commit().ok()) {
            throw new IllegalStateException("the re-initialisation event failed");
        }
        return net.params();
    }
}
