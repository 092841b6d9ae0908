/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The reference "naive" dead-ReLU counter a user would write first: for every hidden activation, a boolean copy
 * {@code a > 0}, a cast and a per-unit sum ({@code gt(0).castTo(INT32).sum(dims)}), copied to a Java array at once (so
 * nothing leaks from the workspace). No masks, dropout or NaN handling, no tracking.
 */
final class NaiveCountListener extends BaseTrainingListener {
    private long sink;

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        for (int i = 1; i < activations.size(); i++) {
            INDArray a = activations.get(i);
            int[] dims = a.rank() == 2 ? new int[]{0} : new int[]{0, 2, 3};
            long[] open = a.gt(0).castTo(DataType.INT32).sum(dims).toLongVector();
            sink += open[0];
        }
    }

    /** @return a value that depends on every count, so the counting cannot be optimised away */
    long sink() {
        return sink;
    }
}
