/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides the one monitor engine every front end runs on (the listener, the Spark routing listener and aggregator):
 * validated configuration, replica round merging, the tracking step, re-initialisation selection, report text, CSV
 * output and the failure guard; not part of the public API and subject to change without notice.
 */
package io.github.deadrelu.internal.engine;
