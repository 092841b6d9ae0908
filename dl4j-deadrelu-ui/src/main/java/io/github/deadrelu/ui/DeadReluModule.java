/*
 * SPDX-License-Identifier: Apache-2.0
 */
package io.github.deadrelu.ui;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorage;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.ui.api.HttpMethod;
import org.deeplearning4j.ui.api.Route;
import org.deeplearning4j.ui.api.UIModule;
import org.deeplearning4j.ui.i18n.I18NResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead-ReLU page of DL4J's training UI: {@code GET /deadrelu} is a page with one chart per gated layer (closed
 * share and dead fraction over iterations, re-initialisation events marked) that polls {@code GET /deadrelu/data}, JSON
 * of the {@link DeadReluPersistable}s that {@link DeadReluStatsListener} put in every attached {@code StatsStorage}:
 * <pre>{@code
 * {"sessions":[{"id":"...", "layers":[{"name":"layer0", "units":6, "iterations":[0,1,...],
 *   "closedShare":[...], "deadFraction":[...], "reinitialized":[...]}]}]}
 * }</pre>
 * Sessions are sorted by ID (a session with several workers is listed once per worker, with ID
 * {@code session/worker}); layers in the order they first appear. Each series holds every iteration up to 10,000
 * points and is downsampled beyond that: neighbouring points are merged, each keeping the last iteration it stands
 * for (so {@code iterations} says where the points are) and the sum of its re-initialised units.
 *
 * <p>Found by DL4J's {@code VertxUIServer} through {@code META-INF/services/org.deeplearning4j.ui.api.UIModule}; the
 * page is one self-contained HTML file with inline script and style (no network asset). Storages are read when the
 * data route is asked (so a reopened {@code FileStatsStorage} shows its finished run), incrementally: only records
 * newer than the last one read are decoded.
 */
public final class DeadReluModule implements UIModule {
    private static final Logger log = LoggerFactory.getLogger(DeadReluModule.class);
    private static final String PAGE = "io/github/deadrelu/ui/deadrelu.html";

    private final List<StatsStorage> storages = new CopyOnWriteArrayList<>();
    /** Per attached storage, per "session/worker": what was read so far. */
    private final Map<StatsStorage, Map<String, Session>> read = new IdentityHashMap<>();
    private final byte[] page;
    private final AtomicBoolean warned = new AtomicBoolean();

    /**
     * Creates the module (DL4J's UI server does, through the service loader). Never throws: a page that cannot be read
     * from the jar is replaced by a one-line error page with one WARN, so the rest of the UI still starts.
     */
    public DeadReluModule() {
        page = readPage();
    }

    private static byte[] readPage() {
        try (InputStream in = DeadReluModule.class.getClassLoader().getResourceAsStream(PAGE)) {
            if (in != null) {
                return in.readAllBytes();
            }
            log.warn("DeadReluModule: resource {} is missing from the classpath; /deadrelu shows an error", PAGE);
        } catch (IOException e) {
            log.warn("DeadReluModule: could not read resource {}; /deadrelu shows an error: {}", PAGE, e.toString());
        }
        return ("<!DOCTYPE html><title>Dead ReLUs</title><p>The dead-ReLU page could not be read from the "
                + "dl4j-deadrelu-ui jar; the data is at <a href=\"/deadrelu/data\">/deadrelu/data</a>.")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public List<String> getCallbackTypeIDs() {
        return Collections.singletonList(DeadReluPersistable.TYPE_ID);
    }

    @Override
    public List<Route> getRoutes() {
        return List.of(
                new Route("/deadrelu", HttpMethod.GET, (path, rc) -> send(rc, "text/html; charset=utf-8", page)),
                new Route("/deadrelu/data", HttpMethod.GET, (path, rc) -> sendData(rc)));
    }

    @Override
    public void reportStorageEvents(Collection<StatsStorageEvent> events) {
        // Nothing to do: the data route reads the attached storages when asked.
    }

    @Override
    public void onAttach(StatsStorage statsStorage) {
        storages.add(statsStorage);
    }

    @Override
    public void onDetach(StatsStorage statsStorage) {
        storages.remove(statsStorage);
        synchronized (read) {
            read.remove(statsStorage);
        }
    }

    @Override
    public List<I18NResource> getInternationalizationResources() {
        return Collections.emptyList();
    }

    private static void send(RoutingContext rc, String type, byte[] body) {
        rc.response().putHeader("content-type", type).putHeader("cache-control", "no-store")
                .end(Buffer.buffer(body));
    }

    private void sendData(RoutingContext rc) {
        String json;
        try {
            json = data();
        } catch (RuntimeException e) {
            if (warned.compareAndSet(false, true)) {
                log.warn("DeadReluModule: could not read the attached storages (answering 500; not logged again): {}",
                        e.toString());
            }
            rc.response().setStatusCode(500).end("could not read the attached storages: " + e);
            return;
        }
        send(rc, "application/json; charset=utf-8", json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The JSON of {@code /deadrelu/data} for the storages attached now.
     *
     * @return the JSON text
     */
    String data() {
        StringBuilder sb = new StringBuilder(4096).append("{\"sessions\":[");
        boolean first = true;
        synchronized (read) {
            for (StatsStorage storage : storages) {
                Map<String, Session> known = read.computeIfAbsent(storage, s -> new LinkedHashMap<>());
                List<String> sessions = new ArrayList<>(storage.listSessionIDs());
                Collections.sort(sessions);
                for (String sid : sessions) {
                    if (!storage.listTypeIDsForSession(sid).contains(DeadReluPersistable.TYPE_ID)) {
                        continue;
                    }
                    List<String> workers = new ArrayList<>(
                            storage.listWorkerIDsForSessionAndType(sid, DeadReluPersistable.TYPE_ID));
                    Collections.sort(workers);
                    for (String wid : workers) {
                        String id = workers.size() == 1 ? sid : sid + "/" + wid;
                        Session s = known.computeIfAbsent(sid + "/" + wid, k -> new Session());
                        s.read(storage, sid, wid);
                        sb.append(first ? "" : ",");
                        first = false;
                        s.appendJson(sb, id);
                    }
                }
            }
        }
        return sb.append("]}").toString();
    }

    /**
     * The series of one session and worker, and where reading stopped. Records are consumed in sequence order: a
     * record newer than a missing one waits for one more read (a concurrent map's iterator may miss a record put while
     * it runs; a remote post may be in flight); a record still missing then is skipped (lost on the way).
     */
    private static final class Session {
        private final Map<String, LayerSeries> layers = new LinkedHashMap<>();
        private long lastTimestamp = Long.MIN_VALUE;
        private long nextSequence;
        private long waitedFor = -1;

        void read(StatsStorage storage, String sid, String wid) {
            for (Persistable p : storage.getAllUpdatesAfter(sid, DeadReluPersistable.TYPE_ID, wid, lastTimestamp)) {
                if (!(p instanceof DeadReluPersistable)) {
                    lastTimestamp = Math.max(lastTimestamp, p.getTimeStamp());
                    continue;
                }
                DeadReluPersistable r = (DeadReluPersistable) p;
                if (r.sequence() < nextSequence) {
                    lastTimestamp = Math.max(lastTimestamp, p.getTimeStamp());
                    continue;
                }
                if (r.sequence() > nextSequence && waitedFor != nextSequence) {
                    waitedFor = nextSequence;
                    break;
                }
                nextSequence = r.sequence() + 1;
                lastTimestamp = Math.max(lastTimestamp, p.getTimeStamp());
                for (int s = 0; s < r.snapshotCount(); s++) {
                    for (int i = 0; i < r.layerCount(s); i++) {
                        layers.computeIfAbsent(r.layer(s, i), LayerSeries::new).add(r.iteration(s), r.units(s, i),
                                r.closedShare(s, i), r.deadFraction(s, i), r.reinitialized(s, i));
                    }
                }
            }
        }

        void appendJson(StringBuilder sb, String id) {
            sb.append("{\"id\":");
            Json.string(sb, id);
            sb.append(",\"layers\":[");
            boolean first = true;
            for (LayerSeries l : layers.values()) {
                sb.append(first ? "" : ",");
                first = false;
                l.appendJson(sb);
            }
            sb.append("]}");
        }
    }
}
