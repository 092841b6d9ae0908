/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Objects;

/**
 * The outcome of planning the re-initialisation of one layer: planned (its writes join the event), refused (the
 * layer, a consumer, a vertex or the optimizer's state layout is not supported: a permanent property of the network)
 * or failed (something went wrong while planning: a weight init threw, returned the wrong shape or non-finite
 * values). Refused and failed plans added nothing to the event, so the layer is untouched.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class PlanResult {

    /** The kinds of outcome. */
    public enum Status {
        /** The layer's writes are part of the event. */
        PLANNED,
        /** The layer cannot be re-initialised in this network (unsupported); nothing was added. */
        REFUSED,
        /** Planning failed (a weight init threw, or drew a wrong shape or non-finite values); nothing was added. */
        FAILED
    }

    private static final PlanResult PLANNED = new PlanResult(Status.PLANNED, "", null);

    private final Status status;
    private final String reason;
    private final Throwable cause;

    private PlanResult(Status status, String reason, Throwable cause) {
        this.status = status;
        this.reason = reason;
        this.cause = cause;
    }

    static PlanResult planned() {
        return PLANNED;
    }

    static PlanResult refused(String reason) {
        return new PlanResult(Status.REFUSED, Objects.requireNonNull(reason, "reason"), null);
    }

    static PlanResult failed(String reason, Throwable cause) {
        return new PlanResult(Status.FAILED, Objects.requireNonNull(reason, "reason"), cause);
    }

    /** @return the outcome */
    public Status status() {
        return status;
    }

    /** @return true when the layer's writes are part of the event */
    public boolean isPlanned() {
        return status == Status.PLANNED;
    }

    /** @return why the layer was refused or why planning failed; empty when planned */
    public String reason() {
        return reason;
    }

    /** @return the exception that made planning fail, or null */
    public Throwable cause() {
        return cause;
    }

    @Override
    public String toString() {
        return status + (reason.isEmpty() ? "" : ": " + reason);
    }

    /** Thrown inside the planner for an unsupported network; turned into {@link Status#REFUSED} at its boundary. */
    static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Refusal(String message) {
            super(message, null, false, false);
        }
    }

    /** Thrown inside the planner for a failed draw; turned into {@link Status#FAILED} at its boundary. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    /** @return a refusal to throw */
    static Refusal refuse(String message) {
        return new Refusal(message);
    }
}
