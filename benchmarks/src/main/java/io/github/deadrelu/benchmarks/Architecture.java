/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.benchmarks;

/** The two benchmarked networks (built by {@link Networks}). */
public enum Architecture {
    /** MLP 784-1024-1024-10, batch 128, Adam: the model of the performance contract (DESIGN.md section 6). */
    MLP,
    /** LeNet-sized CNN: conv5x5x20-maxpool-conv5x5x50-maxpool-dense500-10 on 28x28x1, batch 64, Adam. */
    CNN
}
