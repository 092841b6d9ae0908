/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import io.github.deadrelu.internal.engine.ReinitStep;
import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.listeners.ReinitNets;
import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.testutil.LogCapture;
import io.github.deadrelu.testutil.ModelState;
import io.github.deadrelu.testutil.Planted;
import io.github.deadrelu.testutil.SameClassEquality;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * Faults planted inside a re-initialisation event, through the listener (which runs {@link ReinitStep}): a weight
 * init that throws, returns the wrong shape or NaN (dense and SimpleRnn), a write failing on its Nth kernel, a custom
 * optimizer with an interleaved state layout. Each leaves the faulty layer untouched (every parameter and optimizer
 * state entry bit for bit), logs one WARN naming the layer and the cause, and lets the other layer and the snapshot go
 * ahead. The optimizer is Adam with learning rate 0, so training itself changes no parameter.
 */
@Timeout(60)
class ReinitializerFaultTest {

    private static final int BATCH = ReinitNets.BATCH;

    /** What {@link FaultyInit} does after the network was initialised. */
    enum Mode { NORMAL, THROW_ISE, THROW_NPE, WRONG_SHAPE, NAN }

    /** Xavier at init, then the planted fault. Public with a no-arg constructor for DL4J's JSON cloning. */
    public static final class FaultyInit extends SameClassEquality implements IWeightInit {
        private static final long serialVersionUID = 1L;
        static volatile Mode mode = Mode.NORMAL;

        @Override
        public INDArray init(double fanIn, double fanOut, long[] shape, char order, INDArray paramView) {
            switch (mode) {
                case THROW_ISE:
                    throw new IllegalStateException("planted init failure");
                case THROW_NPE:
                    throw new NullPointerException("planted null");
                case WRONG_SHAPE:
                    return Nd4j.zeros(paramView.dataType(), 1, 1);
                case NAN:
                    return paramView.assign(Double.NaN).reshape(order, shape);
                default:
                    return WeightInit.XAVIER.getWeightInitFunction().init(fanIn, fanOut, shape, order, paramView);
            }
        }
    }

    @AfterEach
    void reset() {
        FaultyInit.mode = Mode.NORMAL;
        Writes.hook = null;
    }

    /** ReinitNets' MLP 4-6-5-3: d0 (weight init {@code init0}) dead {0, 2}, d1 dead {1}. */
    private static MultiLayerNetwork mlp(IUpdater updater, IWeightInit init0) {
        return ReinitNets.mlp(updater, DataType.FLOAT, init0);
    }

    /** SimpleRnn 3-4-5 then RNN output: d0 (weight init {@code init0}) dead {1}, d1 dead {0, 3}. */
    private static MultiLayerNetwork rnn(IWeightInit init0) {
        MultiLayerConfiguration conf = ReinitNets.base(new Adam(0.0))
                .layer(new SimpleRnn.Builder().name("d0").nIn(3).nOut(4).weightInit(init0)
                        .activation(Activation.RELU).build())
                .layer(new SimpleRnn.Builder().name("d1").nIn(4).nOut(5).activation(Activation.RELU).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE).name("out").nIn(5).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        Planted.rnn(net.getLayer(0), 1);
        Planted.rnn(net.getLayer(1), 0, 3);
        return net;
    }

    private static DataSet data(MultiLayerNetwork net) {
        if (net.getLayer(0).conf().getLayer() instanceof SimpleRnn) {
            Nd4j.getRandom().setSeed(3);
            return new DataSet(Nd4j.rand(DataType.FLOAT, BATCH, 3, 4), Nd4j.rand(DataType.FLOAT, BATCH, 2, 4));
        }
        return ReinitNets.mlpData();
    }

    private static DeadReluListener listener() {
        return DeadReluListener.builder().deadAfterExamples(BATCH).frequency(0).reinitialize(
                ReinitPolicy.builder().every(1).maturity(0).outgoing(OutgoingWeights.ZERO).seed(7).build()).build();
    }

    private static double[] params(MultiLayerNetwork net, int layer) {
        return net.getLayer(layer).params().toDoubleVector();
    }

    static Stream<Arguments> planFaults() {
        List<Arguments> a = new ArrayList<>();
        for (boolean rnn : new boolean[]{false, true}) {
            for (Mode m : new Mode[]{Mode.THROW_ISE, Mode.THROW_NPE, Mode.WRONG_SHAPE, Mode.NAN}) {
                a.add(Arguments.of(rnn ? "SimpleRnn" : "dense", m));
            }
        }
        return a.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("planFaults")
    void planFailure_leavesThatLayerUntouched_othersGoAhead(String kind, Mode mode) {
        MultiLayerNetwork net = kind.equals("dense") ? mlp(new Adam(0.0), new FaultyInit()) : rnn(new FaultyInit());
        FaultyInit.mode = mode;
        ModelState.Capture before = new ModelState.Capture(0);
        DeadReluListener l = listener();
        net.setListeners(before, l);
        try (LogCapture warn = LogCapture.of(DeadReluListener.class);
             LogCapture info = LogCapture.of(ReinitStep.class)) {
            net.fit(data(net));
            int n0 = (int) net.getLayer(0).numParams();
            int n1 = (int) net.getLayer(1).numParams();
            double[] all = before.captured.params;
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 0, n0), params(net, 0),
                    "the faulty layer d0 was written");
            assertFalse(java.util.Arrays.equals(java.util.Arrays.copyOfRange(all, n0, n0 + n1), params(net, 1)),
                    "the healthy layer d1 was not re-initialised");
            List<String> w = reinitWarnings(warn);
            assertEquals(1, w.size(), w.toString());
            String cause = mode == Mode.THROW_ISE ? "planted init failure" : mode == Mode.THROW_NPE ? "planted null"
                    : mode == Mode.WRONG_SHAPE ? "must return" : "non-finite";
            assertTrue(w.get(0).contains("layer d0") && w.get(0).contains(cause), w.get(0));
            assertTrue(warn.messages(Level.ERROR).isEmpty(), warn.messages(Level.ERROR).toString());
            List<String> events = info.messages(Level.INFO);
            assertEquals(1, events.size(), events.toString());
            assertTrue(events.get(0).contains("d1 ") && !events.get(0).contains("d0 "), events.get(0));
        }
        GateSnapshot s = l.snapshot();
        assertEquals(0, s.iteration(), "the snapshot of the iteration was lost");
        assertEquals(0, s.layer("d0").orElseThrow().reinitialized());
        assertTrue(s.layer("d1").orElseThrow().reinitialized() > 0);
    }

    /** Counts the writes of a commit without failing. */
    @Test
    void writeHook_seesEveryWrite() {
        MultiLayerNetwork net = mlp(new Adam(0.0), new FaultyInit());
        AtomicInteger n = new AtomicInteger();
        Writes.hook = (i, p) -> n.incrementAndGet();
        net.setListeners(listener());
        net.fit(data(net));
        // d0: zero d1 rows, W cols, b; d1: zero out rows, W cols, b; each with Adam m and v.
        assertEquals(18, n.get());
    }

    @ParameterizedTest(name = "write {0} fails")
    @ValueSource(ints = {0, 1, 7, 9, 17})
    void writeFailure_restoresEveryEntry_disablesThatLayer(int failAt) {
        MultiLayerNetwork net = mlp(new Adam(0.0), new FaultyInit());
        List<String> planners = Collections.synchronizedList(new ArrayList<>());
        Writes.hook = (i, p) -> {
            planners.add(p.planner);
            if (i == failAt) {
                throw new IllegalStateException("planted write failure " + i);
            }
        };
        ModelState.Capture before = new ModelState.Capture(0);
        DeadReluListener l = listener();
        net.setListeners(before, l);
        try (LogCapture warn = LogCapture.of(DeadReluListener.class)) {
            net.fit(data(net));
            assertNotNull(before.captured);
            ModelState after = ModelState.of(net);
            assertArrayEquals(before.captured.params, after.params, "a parameter kept a partial write");
            for (Map.Entry<String, double[]> e : before.captured.state.entrySet()) {
                assertArrayEquals(e.getValue(), after.state.get(e.getKey()), "optimizer state " + e.getKey());
            }
            String failed = planners.get(failAt);
            List<String> w = reinitWarnings(warn);
            assertEquals(1, w.size(), w.toString());
            assertTrue(w.get(0).contains("undone") && w.get(0).contains("layer " + failed)
                    && w.get(0).contains("planted write failure"), w.get(0));
            assertEquals(0, l.snapshot().layers().stream().mapToInt(g -> g.reinitialized()).sum());

            // The next event re-initialises the other layer only: the failed one is disabled.
            Writes.hook = null;
            net.fit(data(net));
            String other = failed.equals("d0") ? "d1" : "d0";
            assertEquals(1, l.snapshot().iteration());
            assertEquals(0, l.snapshot().layer(failed).orElseThrow().reinitialized());
            assertTrue(l.snapshot().layer(other).orElseThrow().reinitialized() > 0);
            assertEquals(1, reinitWarnings(warn).size(), reinitWarnings(warn).toString());
        }
    }

    // ------------------------------------------------------------------------ whole layers: a write covered later

    /** Every unit of d0 (6) and d1 (5) of ReinitNets' MLP in one event. */
    private static Reinitializer.CommitResult wholeLayers(MultiLayerNetwork net, OutgoingWeights o) {
        List<LayerSpec> specs = NetworkInspector.discover(net);
        Reinitializer.Event e = Reinitializer.event(net, ReinitPolicy.builder().outgoing(o).seed(5).build(), 7);
        e.add(specs.get(0), new int[]{0, 1, 2, 3, 4, 5}, 6);
        e.add(specs.get(1), new int[]{0, 1, 2, 3, 4}, 5);
        return e.commit();
    }

    private static MultiLayerNetwork filledMlp() {
        MultiLayerNetwork net = mlp(new Adam(1e-3), WeightInit.XAVIER.getWeightInitFunction());
        ModelState.fillState(net, 11);
        return net;
    }

    /**
     * ZERO on two whole layers: d0's zeroing of d1's rows is covered by d1's whole re-draw, so it is left out (with
     * its Adam m and v): 15 writes of the 18 planned, and d1's weights are exactly the ones KEEP draws.
     */
    @Test
    void wholeLayers_zeroingCoveredByTheNextRedraw_isLeftOut_sameValuesAsKeep() {
        MultiLayerNetwork zero = filledMlp();
        MultiLayerNetwork keep = filledMlp();
        INDArray outBefore = ModelState.paramOf(keep, "out", "W").dup();
        AtomicInteger n = new AtomicInteger();
        Writes.hook = (i, p) -> n.incrementAndGet();
        assertTrue(wholeLayers(zero, OutgoingWeights.ZERO).ok());
        assertEquals(15, n.get(), "d1's zeroed rows and their Adam m and v are covered by d1's re-draw");
        assertTrue(wholeLayers(keep, OutgoingWeights.KEEP).ok());
        for (String layer : new String[]{"d0", "d1"}) {
            assertEquals(ModelState.paramOf(keep, layer, "W"), ModelState.paramOf(zero, layer, "W"), layer);
            assertEquals(ModelState.paramOf(keep, layer, "b"), ModelState.paramOf(zero, layer, "b"), layer);
        }
        assertEquals(0.0, ModelState.paramOf(zero, "out", "W").norm1Number().doubleValue(), "out's rows zeroed");
        assertEquals(outBefore, ModelState.paramOf(keep, "out", "W"), "KEEP leaves out's weights");
        INDArray d1 = ModelState.flatIndex(zero, "d1", "W");
        ModelState z = ModelState.of(zero);
        assertEquals(2, z.state.size(), "Adam's m and v");
        for (double[] st : z.state.values()) {
            for (double f : d1.reshape(d1.length()).toDoubleVector()) {
                assertEquals(0.0, st[(int) f], "d1's optimizer state zeroed at flat index " + f);
            }
        }
    }

    /** A failing write in a whole-layers event restores every parameter and optimizer state entry. */
    @ParameterizedTest(name = "write {0} fails")
    @ValueSource(ints = {0, 1, 5, 8, 14})
    void wholeLayers_writeFailure_restoresEveryEntry(int failAt) {
        MultiLayerNetwork net = filledMlp();
        ModelState before = ModelState.of(net);
        Writes.hook = (i, p) -> {
            if (i == failAt) {
                throw new IllegalStateException("planted write failure " + i);
            }
        };
        Reinitializer.CommitResult r = wholeLayers(net, OutgoingWeights.ZERO);
        assertFalse(r.ok());
        assertTrue(r.restored());
        ModelState after = ModelState.of(net);
        assertArrayEquals(before.params, after.params, "a parameter kept a partial write");
        for (Map.Entry<String, double[]> e : before.state.entrySet()) {
            assertArrayEquals(e.getValue(), after.state.get(e.getKey()), "optimizer state " + e.getKey());
        }
    }

    /** The WARNs about re-initialisation (the listener also warns about the dead units themselves). */
    private static List<String> reinitWarnings(LogCapture warn) {
        return warn.messages(Level.WARN).stream().filter(m -> m.contains("re-initialis") && !m.contains("are dead"))
                .collect(Collectors.toList());
    }

    // ------------------------------------------------------------------------------------ custom optimizer state

    /** A custom optimizer with interleaved state: entry e has m at 2e and v at 2e + 1. No update (lr 0). */
    public static final class InterleavedUpdater extends SameClassEquality implements IUpdater {
        private static final long serialVersionUID = 1L;

        @Override
        public long stateSize(long numParams) {
            return 2 * numParams;
        }

        @Override
        public GradientUpdater instantiate(INDArray viewArray, boolean initializeViewArray) {
            return new Impl(this, viewArray);
        }

        @Override
        public GradientUpdater instantiate(Map<String, INDArray> updaterState, boolean initializeStateArrays) {
            throw new UnsupportedOperationException();
        }

        @Override
        public IUpdater clone() {
            return new InterleavedUpdater();
        }

        @Override
        public double getLearningRate(int iteration, int epoch) {
            return 0;
        }

        @Override
        public boolean hasLearningRate() {
            return false;
        }

        @Override
        public void setLrAndSchedule(double lr, ISchedule lrSchedule) {
        }

        private static final class Impl implements GradientUpdater<InterleavedUpdater> {
            private final InterleavedUpdater conf;
            private INDArray view;

            Impl(InterleavedUpdater conf, INDArray view) {
                this.conf = conf;
                this.view = view;
            }

            @Override
            public InterleavedUpdater getConfig() {
                return conf;
            }

            @Override
            public void setState(Map<String, INDArray> stateMap, boolean initialize) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<String, INDArray> getState() {
                return Collections.singletonMap("mv", view);
            }

            @Override
            public void setStateViewArray(INDArray viewArray, long[] gradientShape, char gradientOrder,
                                          boolean initialize) {
                this.view = viewArray;
            }

            @Override
            public void applyUpdater(INDArray gradient, int iteration, int epoch) {
                INDArray g = gradient.reshape(gradient.length());
                INDArray mv = view.reshape(g.length(), 2);
                mv.getColumn(0).addi(g);
                mv.getColumn(1).addi(g.mul(g));
                gradient.assign(0.0);
            }
        }
    }

    @Test
    void customUpdaterState_refusedWithOneWarn_nothingWritten() {
        MultiLayerNetwork net = mlp(new InterleavedUpdater(), WeightInit.XAVIER.getWeightInitFunction());
        INDArray[] before = new INDArray[2];
        DeadReluListener l = listener();
        net.setListeners(new org.deeplearning4j.optimize.api.BaseTrainingListener() {
            @Override
            public void iterationDone(org.deeplearning4j.nn.api.Model model, int iteration, int epoch) {
                before[0] = net.params().dup();
                before[1] = net.getUpdater().getStateViewArray().dup();
            }
        }, l);
        try (LogCapture warn = LogCapture.of(DeadReluListener.class)) {
            net.fit(data(net));
            assertTrue(before[1].sumNumber().doubleValue() > 0, "the optimizer state is empty: the test cannot fail");
            assertArrayEquals(before[0].toDoubleVector(), net.params().toDoubleVector(), "parameters written");
            assertArrayEquals(before[1].toDoubleVector(), net.getUpdater().getStateViewArray().toDoubleVector(),
                    "optimizer state written");
            List<String> w = reinitWarnings(warn);
            assertEquals(2, w.size(), w.toString());   // one per layer, d0 and d1
            assertTrue(w.get(0).contains("known state layout"), w.get(0));   // one per layer, d0 and d1
            assertTrue(w.get(0).contains(InterleavedUpdater.class.getName()), w.get(0));
        }
    }
}
