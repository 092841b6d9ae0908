/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.conf.layers;

import io.github.deadrelu.internal.Gate;
import io.github.deadrelu.internal.GatedLayers;
import io.github.deadrelu.internal.Layout;
import io.github.deadrelu.layers.GateMonitorLayerImpl;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.deeplearning4j.exception.DL4JInvalidConfigException;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.DataFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution3D;
import org.deeplearning4j.nn.conf.layers.NoParamLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.EmptyParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationThresholdedReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A parameter-free layer that applies a ReLU-family activation and measures its own gates: in every training forward
 * pass it counts, per unit, the closed, negative and non-finite entries of its output, and in every backward pass it
 * measures the share of the incoming gradient |dL/da| that its closed gates block. Because it counts inside its own
 * forward pass, dropout on the following layer (which DL4J applies in place to this layer's output afterwards), masks
 * and graph vertices cannot disturb the numbers: they are exact where a listener alone can only estimate.
 * {@link io.github.deadrelu.listeners.DeadReluListener} picks the counts up automatically.
 *
 * <p>Place it after a weight layer whose own activation is IDENTITY:
 * <pre>{@code
 * MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
 *         .updater(new Adam(1e-3))
 *         .list()
 *         .layer(new DenseLayer.Builder().nOut(256).activation(Activation.IDENTITY).build())
 *         .layer(new GateMonitorLayer.Builder().activation(Activation.RELU).name("gate0").build())
 *         .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
 *                 .activation(Activation.SOFTMAX).build())
 *         .setInputType(InputType.feedForward(784))
 *         .build();
 * }</pre>
 * or let {@link GateMonitors#instrument(org.deeplearning4j.nn.conf.MultiLayerConfiguration)} rewrite an existing
 * configuration.
 *
 * <p>Accepted activations are those with a zero-gradient regime, whose derivative is 0 or 1: ReLU
 * ({@link Activation#RELU}, or {@link ActivationReLU} with a threshold and/or a max but no negative slope), ReLU6 and
 * ThresholdedReLU. Anything else is rejected when it is set.
 *
 * <p>The unit axis: feed-forward {@code [mb, n]} (axis 1), convolution NCHW (axis 1) or NHWC (axis 3), recurrent NCW
 * (axis 1) or NWC (axis 2), 3D convolution NCDHW or NDHWC. It is taken from the {@link InputType} the layer receives
 * when the configuration has {@code setInputType(...)}; without one, set it with
 * {@link Builder#dataFormat(DataFormat)} (unset means channels first).
 *
 * <p>The layer applies no dropout of its own, like DL4J's {@code ActivationLayer}: a dropout that reaches it from a
 * global {@code dropOut(...)} of the network builder is ignored, so a network with monitor layers drops out exactly
 * where the plain network does; put dropout on the following layer as usual. The input is never modified, in training
 * or inference. Counting in inference ({@code output}, {@code feedForward}) is off by default
 * ({@link Builder#countInInference(boolean)}).
 *
 * <p>Why one class of this length: a DL4J layer configuration carries its builder, its Jackson-visible getters and
 * setters, its input-type and memory reports and its validation together; more than a third is Javadoc.
 */
public class GateMonitorLayer extends NoParamLayer {
    private static final long serialVersionUID = 1L;

    static {
        // Discovery and the layout authority find this layer's gate and data format here (no internal supertype).
        GatedLayers.register(GateMonitorLayer.class, GateMonitorLayer::getActivationFn, GateMonitorLayer::getDataFormat);
    }

    /** The accepted activations, as named in error messages. */
    static final String ACCEPTED = "a ReLU-family activation with a zero-gradient regime: RELU (or ActivationReLU "
            + "with a threshold and/or max but no negative slope), RELU6 or THRESHOLDEDRELU";

    /** The gate applied and counted (a ReLU-family activation with a zero-gradient regime). */
    private IActivation activationFn = new ActivationReLU();
    /** Whether counts are also taken outside training (inference forward passes). */
    private boolean countInInference;
    /** The input's data format (CNN2DFormat, RNNFormat, Convolution3D.DataFormat), or null for feed-forward input. */
    private DataFormat dataFormat;

    /** Creates a ReLU monitor layer with the defaults (for JSON); prefer the {@link Builder}. */
    public GateMonitorLayer() {
        super();
    }

    /**
     * Creates a monitor layer for an activation, with the other defaults.
     *
     * @param activation the activation
     * @throws IllegalArgumentException when the activation has no zero-gradient regime
     */
    public GateMonitorLayer(Activation activation) {
        this(new Builder().activation(activation));
    }

    private GateMonitorLayer(Builder b) {
        super(b);
        this.activationFn = b.activationFn;
        this.countInInference = b.countInInference;
        this.dataFormat = b.dataFormat;
    }

    /**
     * Why an activation cannot be monitored, or empty when it can.
     *
     * @param activation the activation
     * @return the reason, or empty
     */
    static Optional<String> rejection(IActivation activation) {
        if (activation == null) {
            return Optional.of("it is null");
        }
        Optional<String> invalid = Gate.invalidSetting(activation);
        if (invalid.isPresent()) {
            return invalid;
        }
        boolean accepted;
        if (activation instanceof ActivationReLU) {
            Double ns = ((ActivationReLU) activation).getNegativeSlope();
            accepted = ns == null || ns == 0.0;
        } else {
            accepted = activation instanceof ActivationReLU6 || activation instanceof ActivationThresholdedReLU;
        }
        accepted = accepted && Gate.of(activation).map(Gate::isGated).orElse(false);
        return accepted ? Optional.empty() : Optional.of("it has no zero-gradient regime");
    }

    private static IActivation checkActivation(IActivation activation) {
        Optional<String> invalid = Gate.invalidSetting(activation);
        if (invalid.isPresent()) {
            throw new IllegalArgumentException("activation " + invalid.get() + " (" + activation + ")");
        }
        if (rejection(activation).isPresent()) {
            throw new IllegalArgumentException("activation must be " + ACCEPTED + ", got: " + activation);
        }
        return activation;
    }

    private static DataFormat checkFormat(DataFormat format) {
        if (format != null && !(format instanceof CNN2DFormat) && !(format instanceof RNNFormat)
                && !(format instanceof Convolution3D.DataFormat)) {
            throw new IllegalArgumentException("dataFormat must be null, a CNN2DFormat, an RNNFormat or a "
                    + "Convolution3D.DataFormat, got: " + format + " (" + format.getClass().getName() + ")");
        }
        return format;
    }

    // ------------------------------------------------------------------------------------------ DL4J layer contract

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
                                                       Collection<TrainingListener> trainingListeners,
                                                       int layerIndex, INDArray layerParamsView,
                                                       boolean initializeParams, DataType networkDataType) {
        Optional<String> rejected = rejection(activationFn);
        if (rejected.isPresent()) {
            throw new DL4JInvalidConfigException("GateMonitorLayer (index=" + layerIndex + ", name=" + layerName
                    + ") activation must be " + ACCEPTED + ", got: " + activationFn + " (" + rejected.get() + ")");
        }
        GateMonitorLayerImpl ret = new GateMonitorLayerImpl(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    @Override
    public ParamInitializer initializer() {
        return EmptyParamInitializer.getInstance();
    }

    /**
     * The output has the input's type: the activation is element-wise.
     *
     * @param layerIndex the layer index
     * @param inputType  the input type
     * @return {@code inputType}
     * @throws IllegalStateException when {@code inputType} is null
     */
    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        if (inputType == null) {
            throw new IllegalStateException("Invalid input type: null for layer name \"" + getLayerName() + "\"");
        }
        return inputType;
    }

    /**
     * Records the unit layout of the input: the CNN format of a convolutional input, the RNN format of a recurrent
     * (or time-distributed feed-forward) input, the 3D format of a 3D convolutional input, none (feed-forward)
     * otherwise. The input type describes the
     * arrays the layer will really receive, so it always wins over {@link Builder#dataFormat(DataFormat)}.
     *
     * @param inputType the input type
     * @param override  ignored: the layer has no nIn
     */
    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (inputType instanceof InputType.InputTypeConvolutional) {
            dataFormat = ((InputType.InputTypeConvolutional) inputType).getFormat();
        } else if (inputType instanceof InputType.InputTypeRecurrent) {
            dataFormat = ((InputType.InputTypeRecurrent) inputType).getFormat();
        } else if (inputType instanceof InputType.InputTypeConvolutional3D) {
            dataFormat = ((InputType.InputTypeConvolutional3D) inputType).getDataFormat();
        } else if (inputType instanceof InputType.InputTypeFeedForward) {
            // a time-distributed feed-forward type (Keras import) describes rank-3 arrays in that RNN format
            DataFormat td = ((InputType.InputTypeFeedForward) inputType).getTimeDistributedFormat();
            dataFormat = td instanceof RNNFormat ? td : null;
        } else if (inputType != null) {
            dataFormat = null;
        }
    }

    /**
     * No preprocessor: the layer takes any input as it is.
     *
     * @param inputType the input type
     * @return null
     */
    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        return null;
    }

    /**
     * The memory use: no parameters, no updater state; in training, the input is duplicated for the backward pass
     * (the output is the layer's activation array, counted by the network).
     *
     * @param inputType the input type
     * @return the report
     */
    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        long perEx = inputType.arrayElementsPerExample();
        return new LayerMemoryReport.Builder(layerName, GateMonitorLayer.class, inputType, inputType)
                .standardMemory(0, 0)
                .workingMemory(0, 0, 0, perEx)
                .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
                .build();
    }

    // ------------------------------------------------------------------------------------------ gate

    /**
     * The unit axis of an input array of the given rank: the last axis for a channels-last format, else axis 1.
     *
     * @param rank the array rank, >= 2
     * @return the unit axis
     * @throws IllegalArgumentException when {@code rank < 2}
     */
    public int unitAxis(int rank) {
        if (rank < 2) {
            throw new IllegalArgumentException("rank must be >= 2, got: " + rank);
        }
        Layout layout = Layout.of(dataFormat);
        return rank > 5 ? (layout.channelsLast() ? rank - 1 : 1) : layout.unitAxis(rank);
    }

    // ------------------------------------------------------------------------------------------ bean properties

    /** @return the activation (default {@link Activation#RELU}) */
    public IActivation getActivationFn() {
        return activationFn;
    }

    /**
     * Sets the activation (used by JSON deserialisation; prefer the builder).
     *
     * @param activationFn the activation
     * @throws IllegalArgumentException when the activation has no zero-gradient regime
     */
    public void setActivationFn(IActivation activationFn) {
        this.activationFn = checkActivation(activationFn);
    }

    /** @return whether inference forward passes are counted too (default false) */
    public boolean isCountInInference() {
        return countInInference;
    }

    /**
     * Sets whether inference forward passes are counted too.
     *
     * @param countInInference true to count in inference
     */
    public void setCountInInference(boolean countInInference) {
        this.countInInference = countInInference;
    }

    /** @return the input's data format: a CNN2DFormat, RNNFormat or Convolution3D.DataFormat; null for [mb, n] */
    public DataFormat getDataFormat() {
        return dataFormat;
    }

    /**
     * Sets the input's data format (used by JSON deserialisation; prefer the builder or {@code setInputType}).
     *
     * @param dataFormat a CNN2DFormat, RNNFormat or Convolution3D.DataFormat, or null for feed-forward input
     * @throws IllegalArgumentException for another DataFormat implementation
     */
    public void setDataFormat(DataFormat dataFormat) {
        this.dataFormat = checkFormat(dataFormat);
    }

    @Override
    public GateMonitorLayer clone() {
        return (GateMonitorLayer) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof GateMonitorLayer) || !super.equals(o)) {
            return false;
        }
        GateMonitorLayer g = (GateMonitorLayer) o;
        return countInInference == g.countInInference && Objects.equals(activationFn, g.activationFn)
                && Objects.equals(dataFormat, g.dataFormat);
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof GateMonitorLayer;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), activationFn, countInInference, dataFormat);
    }

    @Override
    public String toString() {
        return "GateMonitorLayer(name=" + layerName + ", activation=" + activationFn + ", countInInference="
                + countInInference + ", dataFormat=" + dataFormat + ")";
    }

    /**
     * Builds a {@link GateMonitorLayer}; every argument is validated as it is set, and {@link #build()} can be called
     * again.
     *
     * <pre>{@code
     * new GateMonitorLayer.Builder().activation(Activation.RELU).name("gate1").build()
     * }</pre>
     */
    public static class Builder extends org.deeplearning4j.nn.conf.layers.Layer.Builder<Builder> {
        /** The gate applied and counted (a ReLU-family activation with a zero-gradient regime). */
        private IActivation activationFn = new ActivationReLU();
        /** Whether counts are also taken outside training (inference forward passes). */
        private boolean countInInference;
        /** The input's data format (CNN2DFormat, RNNFormat, Convolution3D.DataFormat), or null for feed-forward input. */
        private DataFormat dataFormat;

        /** Creates a builder with the defaults: ReLU, no counting in inference, data format from the input type. */
        public Builder() {
            super();
        }

        /**
         * The activation (default {@link Activation#RELU}).
         *
         * @param activation RELU, RELU6 or THRESHOLDEDRELU
         * @return this builder, for chaining
         * @throws IllegalArgumentException when the activation has no zero-gradient regime
         * @throws NullPointerException     when {@code activation} is null
         */
        public Builder activation(Activation activation) {
            Objects.requireNonNull(activation, "activation");
            return activation(activation.getActivationFunction());
        }

        /**
         * The activation (default {@link ActivationReLU} with no threshold, max or slope).
         *
         * @param activation an {@link ActivationReLU} without negative slope, {@link ActivationReLU6} or
         *                   {@link ActivationThresholdedReLU}
         * @return this builder, for chaining
         * @throws IllegalArgumentException when the activation has no zero-gradient regime
         * @throws NullPointerException     when {@code activation} is null
         */
        public Builder activation(IActivation activation) {
            Objects.requireNonNull(activation, "activation");
            this.activationFn = checkActivation(activation);
            return this;
        }

        /**
         * Whether inference forward passes ({@code output}, {@code feedForward}) are counted too (default false:
         * training passes only). Counts taken in inference are picked up by the listener at the next iteration as if
         * they came from training, and extend dead streaks by their examples.
         *
         * @param count true to count in inference
         * @return this builder, for chaining
         */
        public Builder countInInference(boolean count) {
            this.countInInference = count;
            return this;
        }

        /**
         * The input's data format, for networks built without {@code setInputType} (with one, the input type decides).
         * Unset (the default) means feed-forward or channels first.
         *
         * @param format a {@link CNN2DFormat}, {@link RNNFormat} or {@link Convolution3D.DataFormat}, or null
         * @return this builder, for chaining
         * @throws IllegalArgumentException for another DataFormat implementation
         */
        public Builder dataFormat(DataFormat format) {
            this.dataFormat = checkFormat(format);
            return this;
        }

        /**
         * Not supported: the layer applies no dropout (see the class documentation); put dropout on the following
         * layer.
         *
         * @param inputRetainProbability ignored
         * @return never
         * @throws IllegalArgumentException always
         */
        @Override
        public Builder dropOut(double inputRetainProbability) {
            throw new IllegalArgumentException("dropOut must be unset for a GateMonitorLayer, which applies no "
                    + "dropout (set it on the following layer), got: " + inputRetainProbability);
        }

        /**
         * Not supported: the layer applies no dropout (see the class documentation); put dropout on the following
         * layer.
         *
         * @param dropout ignored
         * @return never
         * @throws IllegalArgumentException always
         */
        @Override
        public Builder dropOut(IDropout dropout) {
            throw new IllegalArgumentException("dropOut must be unset for a GateMonitorLayer, which applies no "
                    + "dropout (set it on the following layer), got: " + dropout);
        }

        /**
         * Builds the layer configuration; the builder is left unchanged.
         *
         * @return the configuration
         */
        @Override
        @SuppressWarnings("unchecked")
        public GateMonitorLayer build() {
            return new GateMonitorLayer(this);
        }
    }
}
