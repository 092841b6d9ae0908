/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.ResetPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Re-initialises selected units of monitored layers: the incoming weights are re-drawn from the owner layer's own
 * configured {@link IWeightInit} ({@link IncomingDraw}), the bias goes back to {@code biasInit} (a layer-norm gain to
 * {@code gainInit}), a BatchNormalization between the weights and the gate goes back to its initial state for those
 * channels, the outgoing weights are zeroed in every consumer ({@link OutgoingWeights#ZERO}, {@link OutgoingZeroing})
 * or kept, and the optimizer state of every parameter entry written is set to zero ({@link UpdaterStatePatch}).
 *
 * <p>One {@link Event} collects the re-initialisation of several layers in one iteration. {@link Event#plan} plans a
 * layer completely (it walks the network, checks every layer and vertex it would touch, draws the new values, maps
 * them onto the optimizer state) without writing anything, and returns a {@link PlanResult}: a refused or failed
 * layer adds nothing. {@link Event#commit} then writes all or nothing ({@link Writes}): the old value of every entry
 * the event touches is kept, and restored on any failure. Writes are exact and touch only the selected slices
 * ({@link ParamPatch}: one {@code gather} and one {@code scatter_update} per array; no NaN sentinel, so HALF, FLOAT
 * and DOUBLE alike); no Java loop over weight elements, so the same code runs on nd4j-cuda.
 *
 * <p>Supported owners of incoming weights: {@code DenseLayer}, {@code ConvolutionLayer}/{@code Convolution2D}
 * (NCHW and NHWC), {@code Convolution1DLayer}, {@code Convolution3D}, {@code Deconvolution2D},
 * {@code DepthwiseConvolution2D} (output channel {@code i * depthMultiplier + m}), {@code SeparableConvolution2D}
 * (the unit's pointwise weights; the depthwise weights are shared by all output channels and are kept) and
 * {@code SimpleRnn} (input weights W and recurrent weights RW of the unit; with ZERO also the unit's outgoing
 * recurrent weights). Supported consumers for ZERO: dense, output, LSTM, SimpleRnn and the convolution family,
 * through unit-preserving parameter-free layers ({@link UnitLayouts#keepsUnits}), DL4J's CNN-to-dense flattening
 * (NCHW and NHWC), RNN/feed-forward reshapes and ComputationGraph merge, scale, shift and time-step vertices.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class Reinitializer {

    /**
     * A workspace for temporaries that is reused across calls (learns its size on the first use): a commit's old
     * values kept for the restore, the outgoing sums' |w| ({@link OutgoingSums#unitAbsSums}).
     */
    static final WorkspaceConfiguration SCRATCH_WORKSPACE = WorkspaceConfiguration.builder().initialSize(0)
            .policyAllocation(AllocationPolicy.OVERALLOCATE).policyLearning(LearningPolicy.FIRST_LOOP)
            .policyReset(ResetPolicy.BLOCK_LEFT).policySpill(SpillPolicy.REALLOCATE).build();
    private static final String COMMIT_WORKSPACE_ID = "DEADRELU_REINIT_COMMIT";

    private Reinitializer() {
    }

    /**
     * Re-initialises units of one layer in place (an {@link Event} with one layer).
     *
     * @param model      the model (MLN or CG)
     * @param spec       the monitored layer
     * @param units      the units to re-initialise (distinct, in range)
     * @param layerUnits the number of units of the layer as monitored
     * @param policy     the policy (seed, outgoing weights)
     * @param iteration  the iteration (part of the deterministic seed)
     * @throws IllegalArgumentException when the layer cannot be re-initialised; nothing was written then
     * @throws IllegalStateException    when planning or writing failed; nothing was written then
     */
    public static void reinitialize(Model model, LayerSpec spec, int[] units, int layerUnits, ReinitPolicy policy,
                                    long iteration) {
        Event e = new Event(model, policy, iteration);
        e.add(spec, units, layerUnits);
        CommitResult r = e.commit();
        if (!r.ok()) {
            throw new IllegalStateException(r.message(), r.cause());
        }
    }

    /**
     * Starts an event.
     *
     * @param model     the model (MLN or CG)
     * @param policy    the policy
     * @param iteration the iteration
     * @return an empty event
     */
    public static Event event(Model model, ReinitPolicy policy, long iteration) {
        return new Event(model, policy, iteration);
    }

    /** SplitMix64 finaliser: decorrelates (seed, iteration, layer) into one RNG seed. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * The re-initialisation of some units of some layers in one iteration: plan with {@link #plan}, write with
     * {@link #commit}. Not thread-safe.
     */
    public static final class Event {
        private final Model model;
        private final ReinitPolicy policy;
        private final long iteration;
        private final ModelTopology topo;
        private final Writes writes = new Writes();
        private boolean committed;

        private Event(Model model, ReinitPolicy policy, long iteration) {
            this.model = Objects.requireNonNull(model, "model");
            this.policy = Objects.requireNonNull(policy, "policy");
            this.iteration = iteration;
            this.topo = ModelTopology.of(model);
        }

        /**
         * Plans the re-initialisation of units of a layer; writes nothing and never throws for a layer that cannot
         * be re-initialised or whose planning fails: the result says so, and the event is unchanged then.
         *
         * @param spec       the monitored layer
         * @param units      the units (distinct, in range)
         * @param layerUnits the number of units of the layer as monitored
         * @return planned, refused (unsupported, with the reason) or failed (with the reason and the cause)
         * @throws IllegalStateException when the event was committed already
         */
        public PlanResult plan(LayerSpec spec, int[] units, int layerUnits) {
            Objects.requireNonNull(spec, "spec");
            Objects.requireNonNull(units, "units");
            if (committed) {
                throw new IllegalStateException("Cannot add to a committed re-initialisation event");
            }
            if (units.length == 0) {
                return PlanResult.planned();
            }
            long seed = mix(mix(mix(policy.seed()) + iteration) + spec.index());
            long restore = Nd4j.getRandom().nextLong();
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                Nd4j.getRandom().setSeed(seed);
                Writes local = new Writes();
                LayerPlan.plan(topo, spec, LayerPlan.sorted(units), layerUnits,
                        policy.outgoing() == OutgoingWeights.ZERO, local);
                BaseMultiLayerUpdater<?> updater = UpdaterStatePatch.updaterOf(model);
                if (updater != null) {
                    Writes state = new Writes();
                    for (ParamPatch p : local.all()) {
                        UpdaterStatePatch.plan(updater, p, state);
                    }
                    local.addAll(state);
                }
                writes.addAll(local);
                return PlanResult.planned();
            } catch (PlanResult.Refusal r) {
                return PlanResult.refused(r.getMessage());
            } catch (PlanResult.Failure f) {
                return PlanResult.failed(f.getMessage(), null);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                return PlanResult.failed("planning failed: " + e, e);
            } finally {
                Nd4j.getRandom().setSeed(restore);
            }
        }

        /**
         * {@link #plan}, throwing when the layer cannot be re-initialised.
         *
         * @param spec       the monitored layer
         * @param units      the units (distinct, in range)
         * @param layerUnits the number of units of the layer as monitored
         * @throws IllegalArgumentException when the layer cannot be re-initialised; the event is unchanged
         * @throws IllegalStateException    when planning failed (the event is unchanged) or the event was committed
         */
        public void add(LayerSpec spec, int[] units, int layerUnits) {
            PlanResult r = plan(spec, units, layerUnits);
            if (r.status() == PlanResult.Status.REFUSED) {
                throw new IllegalArgumentException(r.reason());
            }
            if (r.status() == PlanResult.Status.FAILED) {
                throw new IllegalStateException(r.reason(), r.cause());
            }
        }

        /** @return true when nothing was planned */
        public boolean isEmpty() {
            return writes.isEmpty();
        }

        /**
         * Writes everything planned, all or nothing: new parameter values and zeroed optimizer state. On any
         * failure every entry written is restored to its old value before this returns.
         *
         * @return the outcome; never throws for a failed write
         * @throws IllegalStateException when the event was committed already
         */
        public CommitResult commit() {
            if (committed) {
                throw new IllegalStateException("Cannot commit a re-initialisation event twice");
            }
            committed = true;
            if (writes.isEmpty()) {
                return CommitResult.OK;
            }
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces();
                 MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(SCRATCH_WORKSPACE,
                         COMMIT_WORKSPACE_ID)) {
                // The old values live in a reused workspace only while the commit runs: no allocation per event.
                Writes.Outcome o = writes.commit();
                return o.ok() ? CommitResult.OK : new CommitResult(o.failed.planner, o.failed.toString(), o.cause,
                        o.restored);
            }
        }
    }

    /** The outcome of {@link Event#commit}. */
    public static final class CommitResult {
        static final CommitResult OK = new CommitResult(null, null, null, true);

        private final String layer;
        private final String write;
        private final Throwable cause;
        private final boolean restored;

        CommitResult(String layer, String write, Throwable cause, boolean restored) {
            this.layer = layer;
            this.write = write;
            this.cause = cause;
            this.restored = restored;
        }

        /** @return true when everything was written */
        public boolean ok() {
            return cause == null;
        }

        /** @return the monitored layer whose planned write failed, or null */
        public String failedLayer() {
            return layer;
        }

        /** @return the failure, or null */
        public Throwable cause() {
            return cause;
        }

        /** @return true unless restoring the old values failed too (then the network may be half-written) */
        public boolean restored() {
            return restored;
        }

        /** @return a description of the failure, or "ok" */
        public String message() {
            return ok() ? "ok" : "writing " + write + " of layer " + layer + " failed (" + cause + "); "
                    + (restored ? "every entry was restored to its old value" : "restoring the old values failed");
        }
    }
}
