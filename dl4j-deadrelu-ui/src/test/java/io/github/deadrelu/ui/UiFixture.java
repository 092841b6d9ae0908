/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.github.deadrelu.stats.GateSnapshot;
import io.github.deadrelu.stats.LayerGates;
import io.github.deadrelu.testutil.Nets;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.VertxUIServer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The UI tests' fixture: a UI server on a free loopback port, a trainable planted network, GETs and JSON checks. */
final class UiFixture {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private UiFixture() {
    }

    /**
     * Starts DL4J's UI server (single session) on a free port chosen by the OS.
     *
     * @return the server
     */
    static VertxUIServer startServer() {
        assertNull(System.getProperty(DL4JSystemProperties.UI_SERVER_PORT_PROPERTY),
                "the UI port property would override the free port");
        return VertxUIServer.getInstance(0, false, null);
    }

    /**
     * Starts the UI server as {@link #startServer()} does and attaches a storage.
     *
     * @param storage the storage
     * @return the server
     */
    static VertxUIServer startServer(StatsStorage storage) {
        VertxUIServer ui = startServer();
        ui.attach(storage);
        return ui;
    }

    /** Stops the UI server, if one runs. */
    static void stopServer() throws Exception {
        VertxUIServer.stopInstance();
    }

    /**
     * GETs a path from the server on 127.0.0.1.
     *
     * @param server the server
     * @param path   the path, e.g. "/deadrelu/data"
     * @return the response
     */
    static HttpResponse<String> get(VertxUIServer server, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getPort() + path))
                .timeout(Duration.ofSeconds(30)).GET().build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * GETs /deadrelu/data and parses it.
     *
     * @param server the server
     * @return the JSON
     */
    static JsonObject data(VertxUIServer server) throws IOException, InterruptedException {
        HttpResponse<String> r = get(server, "/deadrelu/data");
        assertEquals(200, r.statusCode(), r.body());
        return new JsonObject(r.body());
    }

    /**
     * MLP 4-6-5-3 ("layer0", "layer1" ReLU) trained by SGD 0.1, with units 0 and 2 of layer0 and unit 1 of layer1
     * planted dead (all incoming weights negative, bias negative, inputs non-negative: closed on every example).
     *
     * @param seed seed
     * @return the network
     */
    static MultiLayerNetwork plantedNet(long seed) {
        return plantedNet(seed, 0.1);
    }

    /**
     * {@link #plantedNet(long)} with another SGD learning rate.
     *
     * @param seed         seed
     * @param learningRate SGD learning rate
     * @return the network
     */
    static MultiLayerNetwork plantedNet(long seed, double learningRate) {
        MultiLayerNetwork net = new MultiLayerNetwork(Nets.base(seed, new Sgd(learningRate)).list(
                        new DenseLayer.Builder().nOut(Nets.H0).activation(Activation.RELU).build(),
                        new DenseLayer.Builder().nOut(Nets.H1).activation(Activation.RELU).build(),
                        new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(Nets.CLASSES)
                                .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.feedForward(Nets.N_IN)).build());
        net.init();
        Nets.plantMlp(net);
        return net;
    }

    /**
     * Trains {@code iterations} mini-batches of 16 examples (a fixed cycle of 4 batches).
     *
     * @param net        the network
     * @param iterations iterations
     */
    static void train(MultiLayerNetwork net, int iterations) {
        List<DataSet> batches = Nets.mlpData(64, 3).batchBy(16);
        for (int i = 0; i < iterations; i++) {
            net.fit(batches.get(i % batches.size()));
        }
    }

    /**
     * The one session of a data answer.
     *
     * @param data the JSON
     * @return its only session
     */
    static JsonObject onlySession(JsonObject data) {
        JsonArray sessions = data.getJsonArray("sessions");
        assertEquals(1, sessions.size(), data::encode);
        return sessions.getJsonObject(0);
    }

    /**
     * Asserts that a session of /deadrelu/data holds exactly the numbers of these core snapshots: per layer (in order
     * of first appearance) its units and, per snapshot, the iteration, closed share, dead fraction and re-initialised
     * units (doubles compared bit for bit).
     *
     * @param snapshots the core listener's snapshots of the run, oldest first
     * @param session   the session object
     */
    static void assertSessionEquals(List<GateSnapshot> snapshots, JsonObject session) {
        Map<String, List<LayerGates>> byLayer = new LinkedHashMap<>();
        Map<String, List<Integer>> its = new LinkedHashMap<>();
        for (GateSnapshot s : snapshots) {
            for (LayerGates g : s.layers()) {
                byLayer.computeIfAbsent(g.name(), k -> new ArrayList<>()).add(g);
                its.computeIfAbsent(g.name(), k -> new ArrayList<>()).add(s.iteration());
            }
        }
        JsonArray layers = session.getJsonArray("layers");
        assertEquals(new ArrayList<>(byLayer.keySet()), names(layers));
        for (int i = 0; i < layers.size(); i++) {
            JsonObject l = layers.getJsonObject(i);
            List<LayerGates> gs = byLayer.get(l.getString("name"));
            assertEquals(gs.get(gs.size() - 1).units(), l.getInteger("units"));
            assertEquals(its.get(l.getString("name")), ints(l.getJsonArray("iterations")));
            List<Double> closed = new ArrayList<>();
            List<Double> dead = new ArrayList<>();
            List<Integer> reinit = new ArrayList<>();
            for (LayerGates g : gs) {
                closed.add(g.closedShare());
                dead.add(g.deadFraction());
                reinit.add(g.reinitialized());
            }
            assertEquals(closed, doubles(l.getJsonArray("closedShare")), l.getString("name"));
            assertEquals(dead, doubles(l.getJsonArray("deadFraction")), l.getString("name"));
            assertEquals(reinit, ints(l.getJsonArray("reinitialized")), l.getString("name"));
        }
    }

    private static List<String> names(JsonArray layers) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            out.add(layers.getJsonObject(i).getString("name"));
        }
        return out;
    }

    static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(((Number) a.getValue(i)).intValue());
        }
        return out;
    }

    static List<Double> doubles(JsonArray a) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            out.add(((Number) a.getValue(i)).doubleValue());
        }
        return out;
    }
}
