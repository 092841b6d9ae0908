/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.internal;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.DataFormat;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.activations.IActivation;

/**
 * The layer configurations of this library that apply a gated activation themselves (the {@code GateMonitorLayer}),
 * so that discovery and the layout authority find their gate and data format without knowing their class and without
 * the configuration class carrying an internal type in its public signature: the configuration registers itself here
 * from its static initialiser (which has run once any instance exists). A registered class's subclasses count too.
 *
 * <p>Used by dl4j-deadrelu internals, and should not be called by external code.
 */
public final class GatedLayers {
    private static final Map<Class<?>, Entry> TYPES = new ConcurrentHashMap<>();

    private GatedLayers() {
    }

    private static final class Entry {
        final Function<Layer, IActivation> gate;
        final Function<Layer, DataFormat> format;

        Entry(Function<Layer, IActivation> gate, Function<Layer, DataFormat> format) {
            this.gate = gate;
            this.format = format;
        }
    }

    /**
     * Registers a gating layer configuration class.
     *
     * @param type   the configuration class
     * @param gate   the activation whose gate a configuration applies
     * @param format the data format of the arrays it gates (a CNN2DFormat, RNNFormat or Convolution3D.DataFormat),
     *               or null for feed-forward or channels-first arrays
     * @param <T>    the configuration type
     */
    public static <T extends Layer> void register(Class<T> type, Function<? super T, IActivation> gate,
                                                  Function<? super T, DataFormat> format) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(format, "format");
        TYPES.put(type, new Entry(l -> gate.apply(type.cast(l)), l -> format.apply(type.cast(l))));
    }

    private static Entry entry(Layer conf) {
        for (Class<?> c = conf == null ? null : conf.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            Entry e = TYPES.get(c);
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /**
     * @param conf a layer configuration, or null
     * @return whether it applies a gated activation itself (a registered class or a subclass of one)
     */
    public static boolean isGated(Layer conf) {
        return entry(conf) != null;
    }

    /**
     * @param conf a registered layer configuration
     * @return the activation whose gate it applies
     * @throws IllegalArgumentException when {@code conf} is not registered
     */
    public static IActivation gateActivation(Layer conf) {
        return require(conf).gate.apply(conf);
    }

    /**
     * @param conf a registered layer configuration
     * @return the data format of the arrays it gates, or null for feed-forward or channels-first arrays
     * @throws IllegalArgumentException when {@code conf} is not registered
     */
    public static DataFormat dataFormat(Layer conf) {
        return require(conf).format.apply(conf);
    }

    private static Entry require(Layer conf) {
        Entry e = entry(conf);
        if (e == null) {
            throw new IllegalArgumentException("conf must be a registered gating layer configuration, got: "
                    + (conf == null ? "null" : conf.getClass().getName()));
        }
        return e;
    }
}
