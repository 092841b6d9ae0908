/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.listeners;

import io.github.deadrelu.reinit.OutgoingWeights;
import io.github.deadrelu.reinit.ReinitPolicy;
import io.github.deadrelu.testutil.ModelState;
import io.github.deadrelu.testutil.Nets;
import io.github.deadrelu.testutil.Planted;
import java.util.Arrays;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.IWeightInit;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** Small networks with planted dead units for the re-initialisation tests (also used by internal's fault tests). */
public final class ReinitNets {
    /** The bias init of every layer. */
    public static final double BIAS_INIT = 0.05;
    /** The batch size of the data sets, and the listener's dead-after examples. */
    public static final int BATCH = 16;

    private ReinitNets() {
    }

    static DeadReluListener listener(ReinitPolicy policy) {
        return DeadReluListener.builder().deadAfterExamples(BATCH).frequency(0).reinitialize(policy).build();
    }

    static ReinitPolicy.Builder eager(OutgoingWeights o) {
        return ReinitPolicy.builder().every(1).maturity(0).outgoing(o).seed(7);
    }

    /**
     * The configuration every network here starts from: seed 12, Xavier, bias init {@value #BIAS_INIT}.
     *
     * @param updater the updater
     * @return the list builder
     */
    public static NeuralNetConfiguration.ListBuilder base(IUpdater updater) {
        return base(updater, DataType.FLOAT);
    }

    /** {@link #base(IUpdater)} with parameters, updater state and activations of type {@code type}. */
    static NeuralNetConfiguration.ListBuilder base(IUpdater updater, DataType type) {
        return new NeuralNetConfiguration.Builder().seed(12).updater(updater).weightInit(WeightInit.XAVIER)
                .biasInit(BIAS_INIT).dataType(type).list();
    }

    /** MLP 4-6-5-3: d0 dead {0, 2}, d1 dead {1}. */
    static MultiLayerNetwork mlp(IUpdater updater) {
        return mlp(updater, DataType.FLOAT);
    }

    /** {@link #mlp(IUpdater)} with parameters, updater state and activations of type {@code type}. */
    static MultiLayerNetwork mlp(IUpdater updater, DataType type) {
        return mlp(updater, type, WeightInit.XAVIER.getWeightInitFunction());
    }

    /**
     * {@link #mlp(IUpdater)} with parameters of type {@code type} and the weight init {@code init0} for layer d0.
     *
     * @param updater the updater
     * @param type    the network's data type
     * @param init0   the weight init of d0
     * @return the initialised network, planted
     */
    public static MultiLayerNetwork mlp(IUpdater updater, DataType type, IWeightInit init0) {
        return mlp(updater, type, init0, java.util.function.UnaryOperator.identity());
    }

    /**
     * {@link #mlp(IUpdater, DataType, IWeightInit)} with layer d0 wrapped (say in a {@code FrozenLayer}).
     *
     * @param updater the updater
     * @param type    the network's data type
     * @param init0   the weight init of d0
     * @param wrapD0  what to make of d0's configuration
     * @return the initialised network, planted
     */
    static MultiLayerNetwork mlp(IUpdater updater, DataType type, IWeightInit init0,
                                 java.util.function.UnaryOperator<org.deeplearning4j.nn.conf.layers.Layer> wrapD0) {
        MultiLayerConfiguration conf = base(updater, type)
                .layer(wrapD0.apply(new DenseLayer.Builder().name("d0").nIn(4).nOut(6).weightInit(init0)
                        .activation(Activation.RELU).build()))
                .layer(new DenseLayer.Builder().name("d1").nIn(6).nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = init(conf);
        Planted.dense(net.getLayer(0), 0, 2);
        Planted.dense(net.getLayer(1), 1);
        Planted.dense(net.getLayer(2));
        return net;
    }

    /** @return the data set of {@link #mlp(IUpdater)} */
    public static DataSet mlpData() {
        return Planted.data(BATCH, new long[]{4}, 3, 3);
    }

    /** Expected writes of {@link #mlp} with every dead unit re-initialised. */
    static ModelState.Expect mlpExpect(Model m, OutgoingWeights o) {
        ModelState.Expect e = new ModelState.Expect(m);
        if (o == OutgoingWeights.ZERO) {
            e.zero("d1", "W", w -> rows(w, 0, 2)).zero("out", "W", w -> rows(w, 1));
        }
        e.fresh("d0", "W", w -> cols(w, 0, 2)).value("d0", "b", b -> pick(b, 0, 2), BIAS_INIT)
                .fresh("d1", "W", w -> cols(w, 1)).value("d1", "b", b -> pick(b, 1), BIAS_INIT);
        return e;
    }

    /** Conv 3->4 (dead 1, 3) -> conv 4->3 (dead 0) -> output through the flattening preprocessor. */
    static MultiLayerNetwork cnn(CNN2DFormat format, IUpdater updater) {
        MultiLayerConfiguration conf = base(updater)
                .layer(new ConvolutionLayer.Builder(2, 2).name("c0").nOut(4).activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(2, 2).name("c1").nOut(3).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 6, 3, format))
                .build();
        MultiLayerNetwork net = init(conf);
        Planted.conv(net.getLayer(0), 1, 3);
        Planted.conv(net.getLayer(1), 0);
        Planted.dense(net.getLayer(2));
        return net;
    }

    static DataSet cnnData(CNN2DFormat format) {
        return Planted.data(BATCH, format == CNN2DFormat.NHWC ? new long[]{6, 6, 3} : new long[]{3, 6, 6}, 3, 5);
    }

    static ModelState.Expect cnnExpect(Model m, CNN2DFormat format, OutgoingWeights o) {
        ModelState.Expect e = new ModelState.Expect(m);
        if (o == OutgoingWeights.ZERO) {
            e.zero("c1", "W", w -> w.get(NDArrayIndex.all(), NDArrayIndex.point(1)))
                    .zero("c1", "W", w -> w.get(NDArrayIndex.all(), NDArrayIndex.point(3)))
                    .zero("out", "W", w -> rows(w, flatRows(format, 0, 3, 4, 4)));
        }
        e.fresh("c0", "W", w -> w.get(NDArrayIndex.point(1))).fresh("c0", "W", w -> w.get(NDArrayIndex.point(3)))
                .value("c0", "b", b -> pick(b, 1, 3), BIAS_INIT)
                .fresh("c1", "W", w -> w.get(NDArrayIndex.point(0))).value("c1", "b", b -> pick(b, 0), BIAS_INIT);
        return e;
    }

    /** Rows of the dense weights reading channel c of a [C, H, W] (or [H, W, C]) map flattened by DL4J. */
    static int[] flatRows(CNN2DFormat format, int c, int channels, int h, int w) {
        int[] r = new int[h * w];
        int k = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r[k++] = format == CNN2DFormat.NHWC ? y * w * channels + x * channels + c : c * h * w + y * w + x;
            }
        }
        return r;
    }

    /** Dense(identity) 4->6 -> BatchNormalization -> ActivationLayer(ReLU) (dead 1, 4 by BN) -> dense 6->5 -> out. */
    static MultiLayerNetwork bn(IUpdater updater) {
        MultiLayerConfiguration conf = base(updater)
                .layer(new DenseLayer.Builder().name("d0").nIn(4).nOut(6).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn").nOut(6).build())
                .layer(new ActivationLayer.Builder().name("a0").activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().name("d1").nIn(6).nOut(5).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nIn(5).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = init(conf);
        Layer bn = net.getLayer(1);
        for (int u : new int[]{1, 4}) {
            bn.getParam("gamma").putScalar(u, 0.1);
            bn.getParam("beta").putScalar(u, -5.0);
        }
        Planted.dense(net.getLayer(3));
        Planted.dense(net.getLayer(4));
        return net;
    }

    static ModelState.Expect bnExpect(Model m, OutgoingWeights o) {
        ModelState.Expect e = new ModelState.Expect(m);
        if (o == OutgoingWeights.ZERO) {
            e.zero("d1", "W", w -> rows(w, 1, 4));
        }
        return e.fresh("d0", "W", w -> cols(w, 1, 4)).value("d0", "b", b -> pick(b, 1, 4), BIAS_INIT)
                .value("bn", "gamma", g -> pick(g, 1, 4), 1.0).value("bn", "beta", g -> pick(g, 1, 4), 0.0)
                .value("bn", "mean", g -> pick(g, 1, 4), 0.0).value("bn", "log10stdev", g -> pick(g, 1, 4), 0.0);
    }

    static INDArray rows(INDArray w, int... r) {
        return w.getRows(r);
    }

    static INDArray cols(INDArray w, int... c) {
        return w.getColumns(c);
    }

    static INDArray pick(INDArray v, int... i) {
        INDArray flat = v.reshape(v.length());
        double[] out = new double[i.length];
        for (int k = 0; k < i.length; k++) {
            out[k] = flat.getDouble(i[k]);
        }
        return org.nd4j.linalg.factory.Nd4j.createFromArray(out);
    }

    /**
     * The equivalent ComputationGraph, as {@code net.toComputationGraph()} builds it (same parameter and updater
     * layout, parameters copied), but with the MLN layer names as vertex names so that tests can name layers alike.
     */
    static ComputationGraph graph(MultiLayerNetwork net) {
        MultiLayerConfiguration orig = net.getLayerWiseConfigurations().clone();
        ComputationGraphConfiguration.GraphBuilder b = new NeuralNetConfiguration.Builder()
                .dataType(orig.getDataType()).graphBuilder().addInputs("in");
        String last = "in";
        for (int i = 0; i < orig.getConfs().size(); i++) {
            org.deeplearning4j.nn.conf.layers.Layer l = orig.getConf(i).getLayer();
            String name = l.getLayerName() != null ? l.getLayerName() : "layer" + i;
            b.addLayer(name, l, orig.getInputPreProcess(i), last);
            last = name;
        }
        ComputationGraph cg = new ComputationGraph(b.setOutputs(last).build());
        cg.init();
        cg.setParams(net.params());
        if (!Arrays.equals(cg.params().toDoubleVector(), net.params().toDoubleVector())) {
            throw new IllegalStateException("the graph did not take the parameters");
        }
        return cg;
    }

    static Adam frozenAdam() {
        return new Adam(0.0);
    }

    /** @return the network of {@code conf}, initialised */
    private static MultiLayerNetwork init(MultiLayerConfiguration conf) {
        return Nets.init(conf);
    }
}
