/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A training listener that hands every callback to another one; subclasses override the callbacks they add to (the
 * UI listener publishes after {@code iterationDone} and {@code onEpochEnd}, the module's cost harness times
 * {@code iterationDone}). Serialisable when the inner listener is.
 */
abstract class ForwardingListener implements TrainingListener, Serializable {
    private static final long serialVersionUID = 1L;

    /** Where every callback goes. */
    private final TrainingListener inner;

    ForwardingListener(TrainingListener inner) {
        this.inner = Objects.requireNonNull(inner, "listener");
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        inner.iterationDone(model, iteration, epoch);
    }

    @Override
    public void onEpochStart(Model model) {
        inner.onEpochStart(model);
    }

    @Override
    public void onEpochEnd(Model model) {
        inner.onEpochEnd(model);
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        inner.onForwardPass(model, activations);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        inner.onForwardPass(model, activations);
    }

    @Override
    public void onGradientCalculation(Model model) {
        inner.onGradientCalculation(model);
    }

    @Override
    public void onBackwardPass(Model model) {
        inner.onBackwardPass(model);
    }
}
