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

import io.github.deadrelu.listeners.DeadReluListener;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The training runs of {@link PrematureDeadCallsStudy}: one monitor-only run per seed with one
 * {@link DeadReluListener} per dead criterion on the same network, and one re-initialising run per seed and criterion.
 *
 * <p>The independent check does not use the listener's engine: when a listener calls a first-layer unit dead, the
 * probe evaluates that unit's pre-activation {@code x . w_j + b_j} with its current weights on every training digit
 * and every held-out digit (one matrix product over the called units' columns). With plain SGD (no momentum, no weight
 * decay) a unit closed on a mini-batch gets zero gradient, so its weights at the call are its weights until it opens;
 * the training digits come round again every epoch. Hence a call is premature exactly when the unit is open on some
 * training digit, and such a unit must reopen within one epoch; a unit closed on every training digit can never open.
 */
final class PrematureDeadCallsRunner {

    private PrematureDeadCallsRunner() {
    }

    /**
     * One dead criterion.
     *
     * @param label         the label used in the CSV, table and chart
     * @param streak        the fixed {@code deadAfterExamples}, or 0 for the calibrated threshold
     * @param calibratedMax the calibrated threshold's maximum in examples (used when {@code streak == 0})
     */
    record Criterion(String label, int streak, int calibratedMax) {

        /** @return a fixed-streak criterion */
        static Criterion fixed(int streak) {
            return new Criterion("fixed " + streak, streak, 0);
        }

        /** @return the calibrated (SNR) criterion with this maximum */
        static Criterion calibrated(int max) {
            return new Criterion("calibrated (max " + max + ")", 0, max);
        }

        boolean isCalibrated() {
            return streak == 0;
        }

        DeadReluListener.Builder listener() {
            DeadReluListener.Builder b = DeadReluListener.builder().frequency(0).logReports(false).historySize(1);
            return isCalibrated() ? b.calibratedDeadThreshold(calibratedMax) : b.deadAfterExamples(streak);
        }
    }

    /**
     * The dead calls of one criterion in a monitor-only run, first hidden layer.
     *
     * @param calls              units entering the dead set (a unit called, reopened and called again counts twice)
     * @param unitsCalled        distinct units called dead at least once
     * @param premature          calls of a unit open on at least one training digit at the call (independent check)
     * @param openOnHeldOut      calls of a unit open on at least one held-out digit at the call
     * @param reopenedProduct    the sum of {@link LayerGates#reopened()} over the run (the product's count)
     * @param reopenedTracked    units leaving the dead set, tracked by the probe from {@link LayerGates#deadUnits()}
     * @param prematureReopened  premature calls whose unit reopened
     * @param trueDeadReopened   calls of a unit closed on every training digit whose unit reopened (must be 0)
     * @param prematureLate      premature calls still dead at the end, called less than one epoch before it
     * @param prematureMissed    premature calls still dead at the end, called at least one epoch before it (must be 0)
     * @param weightsChanged     (dead unit, iteration) pairs, after the call, whose incoming weights or bias differ from
     *                           those at the call (must be 0: plain SGD does not move a closed unit)
     */
    record Calls(long calls, int unitsCalled, long premature, long openOnHeldOut, long reopenedProduct,
            long reopenedTracked, long prematureReopened, long trueDeadReopened, long prematureLate,
            long prematureMissed, long weightsChanged) {

        /** @return premature calls / calls, NaN without calls */
        double falseCallRate() {
            return calls == 0 ? Double.NaN : (double) premature / calls;
        }
    }

    /**
     * A monitor-only run.
     *
     * @param calls    per criterion, in the order given
     * @param accuracy the held-out accuracy at the end
     */
    record ObserveResult(List<Calls> calls, double accuracy) {
    }

    /**
     * A re-initialising run of one criterion, first hidden layer.
     *
     * @param redrawn        units re-drawn (found by the probe: columns that changed in the listener's callback)
     * @param redrawnProduct the sum of {@link LayerGates#reinitialized()} over the run (the product's count)
     * @param unneeded       re-drawn units that were open on at least one training digit just before the re-draw
     * @param accuracy       the held-out accuracy at the end
     */
    record ReinitResult(long redrawn, long redrawnProduct, long unneeded, double accuracy) {

        /** @return unneeded / redrawn, NaN without re-draws */
        double unneededShare() {
            return redrawn == 0 ? Double.NaN : (double) unneeded / redrawn;
        }
    }

    /**
     * The data of the runs.
     *
     * @param batches the training mini-batches, in the order of every epoch
     * @param trainX  all training features {@code [n, 784]}
     * @param heldX   the held-out features
     * @param heldOut the held-out digits with labels (accuracy)
     * @param epochs  epochs
     */
    record Setup(List<DataSet> batches, INDArray trainX, INDArray heldX, DataSet heldOut, int epochs) {
    }

    /**
     * Trains one network with one monitor-only listener per criterion (each sees the same trajectory).
     *
     * @param setup    the data
     * @param net      the network's factory
     * @param criteria the criteria
     * @return the calls per criterion
     */
    static ObserveResult observe(Setup setup, Supplier<MultiLayerNetwork> net, List<Criterion> criteria) {
        MultiLayerNetwork n = net.get();
        List<TrainingListener> listeners = new ArrayList<>();
        List<CallProbe> probes = new ArrayList<>();
        for (Criterion c : criteria) {
            DeadReluListener l = c.listener().build();
            listeners.add(l);
            probes.add(new CallProbe(l, setup));
        }
        listeners.addAll(probes); // DL4J calls listeners in list order: the probes see this iteration's snapshots
        n.setListeners(listeners);
        int iterations = train(n, setup);
        List<Calls> calls = new ArrayList<>();
        for (CallProbe p : probes) {
            calls.add(p.result(iterations, setup.batches().size()));
        }
        return new ObserveResult(calls, accuracy(n, setup));
    }

    /**
     * Trains one network with the criterion's listener and a DEAD re-initialisation policy.
     *
     * @param setup     the data
     * @param net       the network's factory
     * @param criterion the criterion
     * @param every     the policy's {@code every} and {@code maturity} in iterations
     * @param seed      the policy's seed
     * @return the re-draws and how many were not needed
     */
    static ReinitResult reinit(Setup setup, Supplier<MultiLayerNetwork> net, Criterion criterion, int every,
            long seed) {
        MultiLayerNetwork n = net.get();
        DeadReluListener l = criterion.listener()
                .reinitialize(ReinitPolicy.builder().every(every).maturity(every).seed(seed).build()).build();
        RedrawProbe probe = new RedrawProbe(l, setup);
        n.setListeners(probe.before, l, probe);
        train(n, setup);
        return new ReinitResult(probe.redrawn, probe.redrawnProduct, probe.unneeded, accuracy(n, setup));
    }

    private static int train(MultiLayerNetwork n, Setup setup) {
        int iterations = 0;
        for (int e = 0; e < setup.epochs(); e++) {
            for (DataSet b : setup.batches()) {
                n.fit(b);
                iterations++;
            }
            n.incrementEpochCount();
        }
        return iterations;
    }

    private static double accuracy(MultiLayerNetwork n, Setup setup) {
        return setup.heldOut() == null ? Double.NaN : io.github.deadrelu.examples.support.Mlp.accuracy(n,
                setup.heldOut());
    }

    /**
     * Per unit of {@code units}, the digits of {@code x} on which the first layer's unit is open
     * ({@code x . w_j + b_j > 0}) with the given weights.
     */
    static long[] openCounts(INDArray w, INDArray b, INDArray x, int[] units) {
        if (units.length == 0) {
            return new long[0];
        }
        long[] cols = Arrays.stream(units).asLongStream().toArray();
        INDArray z = x.castTo(w.dataType()).mmul(w.getColumns(units))
                .addiRowVector(b.reshape(1, b.length()).getColumns(units));
        INDArray open = z.gt(0.0).castTo(DataType.LONG).sum(0);
        long[] out = open.toLongVector();
        return out.length == cols.length ? out : new long[cols.length];
    }

    private static LayerGates firstLayer(GateSnapshot s) {
        return s.layers().isEmpty() ? null : s.layers().get(0);
    }

    /**
     * Looks at the first monitored layer of one listener's snapshot after each iteration that snapshot is of; the two
     * probes below are its uses.
     */
    private abstract static class FirstLayerProbe extends BaseTrainingListener {
        final DeadReluListener listener;
        final Setup setup;

        FirstLayerProbe(DeadReluListener listener, Setup setup) {
            this.listener = listener;
            this.setup = setup;
        }

        @Override
        public final void iterationDone(Model model, int iteration, int epoch) {
            GateSnapshot s = listener.snapshot();
            LayerGates g = firstLayer(s);
            if (g != null && s.iteration() == iteration) {
                probe((MultiLayerNetwork) model, g, iteration);
            }
        }

        /** Called with the network and the first layer of the snapshot of {@code iteration}. */
        abstract void probe(MultiLayerNetwork net, LayerGates g, int iteration);
    }

    /** Follows one listener's first-layer dead set and checks every call on the digits. */
    private static final class CallProbe extends FirstLayerProbe {
        private boolean[] dead;
        private boolean[] calledPremature;
        private int[] calledAt;
        private final Map<Integer, float[]> atCall = new HashMap<>();
        private boolean[] everCalled;
        private long calls;
        private long premature;
        private long openOnHeldOut;
        private long reopenedProduct;
        private long reopenedTracked;
        private long prematureReopened;
        private long trueDeadReopened;
        private long weightsChanged;

        CallProbe(DeadReluListener listener, Setup setup) {
            super(listener, setup);
        }

        @Override
        void probe(MultiLayerNetwork net, LayerGates g, int iteration) {
            if (dead == null) {
                dead = new boolean[g.units()];
                calledPremature = new boolean[g.units()];
                calledAt = new int[g.units()];
                everCalled = new boolean[g.units()];
            }
            reopenedProduct += g.reopened();
            boolean[] now = new boolean[g.units()];
            for (int u : g.deadUnits()) {
                now[u] = true;
            }
            INDArray w = net.getLayer(0).getParam("W");
            INDArray b = net.getLayer(0).getParam("b");
            List<Integer> fresh = new ArrayList<>();
            for (int u = 0; u < now.length; u++) {
                if (now[u] && !dead[u]) {
                    fresh.add(u);
                } else if (!now[u] && dead[u]) {
                    reopenedTracked++;
                    if (calledPremature[u]) {
                        prematureReopened++;
                    } else {
                        trueDeadReopened++;
                    }
                    atCall.remove(u);
                } else if (now[u] && !Arrays.equals(atCall.get(u), unitParams(w, b, u))) {
                    weightsChanged++;
                }
            }
            int[] called = fresh.stream().mapToInt(Integer::intValue).toArray();
            long[] onTrain = openCounts(w, b, setup.trainX(), called);
            long[] onHeld = setup.heldX() == null ? new long[called.length] : openCounts(w, b, setup.heldX(), called);
            for (int i = 0; i < called.length; i++) {
                int u = called[i];
                calls++;
                everCalled[u] = true;
                calledPremature[u] = onTrain[i] > 0;
                calledAt[u] = iteration;
                premature += onTrain[i] > 0 ? 1 : 0;
                openOnHeldOut += onHeld[i] > 0 ? 1 : 0;
                atCall.put(u, unitParams(w, b, u));
            }
            dead = now;
        }

        Calls result(int iterations, int perEpoch) {
            long late = 0;
            long missed = 0;
            int units = 0;
            if (dead != null) {
                for (int u = 0; u < dead.length; u++) {
                    units += everCalled[u] ? 1 : 0;
                    if (dead[u] && calledPremature[u]) {
                        if (iterations - 1 - calledAt[u] < perEpoch) {
                            late++;
                        } else {
                            missed++;
                        }
                    }
                }
            }
            return new Calls(calls, units, premature, openOnHeldOut, reopenedProduct, reopenedTracked,
                    prematureReopened, trueDeadReopened, late, missed, weightsChanged);
        }
    }

    private static float[] unitParams(INDArray w, INDArray b, int u) {
        float[] col = w.getColumn(u).toFloatVector();
        float[] out = Arrays.copyOf(col, col.length + 1);
        out[col.length] = b.getFloat(u);
        return out;
    }

    /**
     * Around the re-initialising listener: {@link #before} copies the first layer's weights after the update (before
     * the listener may re-draw), this probe finds the columns the listener changed and checks them on the digits.
     */
    private static final class RedrawProbe extends FirstLayerProbe {
        private INDArray w0;
        private INDArray b0;
        long redrawn;
        long redrawnProduct;
        long unneeded;
        final TrainingListener before = new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                MultiLayerNetwork net = (MultiLayerNetwork) model;
                w0 = net.getLayer(0).getParam("W").dup();
                b0 = net.getLayer(0).getParam("b").dup();
            }
        };

        RedrawProbe(DeadReluListener listener, Setup setup) {
            super(listener, setup);
        }

        @Override
        void probe(MultiLayerNetwork net, LayerGates g, int iteration) {
            if (g.reinitialized() == 0) {
                return;
            }
            redrawnProduct += g.reinitialized();
            INDArray w = net.getLayer(0).getParam("W");
            INDArray b = net.getLayer(0).getParam("b").reshape(1, g.units());
            INDArray diff = Transforms.abs(w.sub(w0)).sum(0).addi(Transforms.abs(b.sub(b0.reshape(1, g.units())))
                    .reshape(g.units()));
            double[] d = diff.toDoubleVector();
            List<Integer> changed = new ArrayList<>();
            for (int u = 0; u < d.length; u++) {
                if (d[u] != 0) {
                    changed.add(u);
                }
            }
            int[] units = changed.stream().mapToInt(Integer::intValue).toArray();
            long[] open = openCounts(w0, b0, setup.trainX(), units);
            redrawn += units.length;
            for (long o : open) {
                unneeded += o > 0 ? 1 : 0;
            }
        }
    }
}
