/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides the self-contained HTML report of a run (bounded, downsampled state, renderer, atomic writer); not part of
 * the public API and subject to change without notice.
 */
package io.github.deadrelu.internal.report;
