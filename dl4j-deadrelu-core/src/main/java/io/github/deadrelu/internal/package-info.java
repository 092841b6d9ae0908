/*
 * SPDX-License-Identifier: Apache-2.0
 */

/**
 * Provides the implementation of gate discovery, counting, tracking and re-initialisation; not part of the public API and subject to change without notice.
 */
package io.github.deadrelu.internal;
