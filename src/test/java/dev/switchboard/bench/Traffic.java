package dev.switchboard.bench;

import dev.switchboard.support.Sim;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Texts sent through the cluster at a steady rate, as a careful client sends them: each with an
 * {@code Idempotency-Key}, retried on another live node after a 5xx, a 429, a timeout or a refused
 * connection, until it is answered 202. At the end it counts, from what the simulated people
 * received, every accepted message that never arrived and every one that arrived twice.
 */
final class Traffic implements AutoCloseable {

  /** The simulated people every text goes to; few, so that counting what they received is quick. */
  static final int PERSONS = 100;
  static final long FIRST_PERSON = 4_440_000_000L;

  private final Vertx vertx = Vertx.vertx();
  private final HttpClient http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
      new PoolOptions().setHttp1MaxSize(64));
  private final Random random = new Random(42);
  private final Supplier<List<Integer>> livePorts;
  private final List<String[]> devices;
  private final String key;
  private final Map<String, String> accepted = new ConcurrentHashMap<>();
  private final Set<String> retrying = ConcurrentHashMap.newKeySet();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger retries = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger();
  private long timer = -1;

  /**
   * {@code devices}: {clientId, deviceId} pairs to send from, with {@code key} (the master key serves
   * every client); {@code livePorts}: the nodes to send to now.
   */
  Traffic(Supplier<List<Integer>> livePorts, List<String[]> devices, String key) {
    this.livePorts = livePorts;
    this.devices = devices;
    this.key = key;
  }

  /** Starts sending {@code perSecond} texts a second, in ticks of 10 ms. */
  void start(int perSecond) {
    if (perSecond <= 0) {
      return;
    }
    double perTick = perSecond / 100.0;
    double[] owed = {0};
    timer = vertx.setPeriodic(10, id -> {
      owed[0] += perTick;
      for (; owed[0] >= 1; owed[0]--) {
        String[] d = devices.get(random.nextInt(devices.size()));
        String body = new JsonObject().put("to", String.valueOf(FIRST_PERSON + random.nextInt(PERSONS)))
            .put("text", "failover " + UUID.randomUUID()).encode();
        send(UUID.randomUUID().toString(), "/api/clients/" + d[0] + "/devices/" + d[1] + "/messages/text", body);
      }
    });
  }

  void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void send(String idem, String path, String body) {
    retrying.add(idem);
    List<Integer> ports = livePorts.get();
    int port = ports.get(Math.floorMod(next.getAndIncrement(), ports.size()));
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port)
        .setURI(path).setIdleTimeout(10_000).setConnectTimeout(2_000)
        .putHeader("x-api-key", key).putHeader("content-type", "application/json")
        .putHeader("Idempotency-Key", idem);
    http.request(options).compose(req -> req.send(Buffer.buffer(body)).compose(res -> res.body().map(b -> {
      if (res.statusCode() == 202) {
        accepted.put(idem, new JsonObject(b).getJsonObject("data").getString("messageId"));
        retrying.remove(idem);
        return true;
      }
      if (res.statusCode() < 500 && res.statusCode() != 429) {
        refused.incrementAndGet();
        retrying.remove(idem);
        return true;
      }
      return false;
    }))).otherwise(false).onSuccess(done -> {
      if (!done) {
        retries.incrementAndGet();
        vertx.setTimer(500, t -> send(idem, path, body));
      }
    });
  }

  /** Waits until every text started has been answered 202 or refused. */
  void awaitAnswered(long timeoutMs) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    while (!retrying.isEmpty() && System.currentTimeMillis() < end) {
      Thread.sleep(100);
    }
  }

  /** What became of the accepted texts, waiting up to {@code timeoutMs} for the last to arrive. */
  Outcome outcome(Sim sim, long timeoutMs) throws InterruptedException {
    long end = System.currentTimeMillis() + timeoutMs;
    while (true) {
      Map<String, Integer> seen = new ConcurrentHashMap<>();
      for (int p = 0; p < PERSONS; p++) {
        sim.received(String.valueOf(FIRST_PERSON + p))
            .forEach(o -> seen.merge(((JsonObject) o).getString("messageId"), 1, Integer::sum));
      }
      int lost = 0;
      int twice = 0;
      for (String id : accepted.values()) {
        int times = seen.getOrDefault(id, 0);
        lost += times == 0 ? 1 : 0;
        twice += times > 1 ? 1 : 0;
      }
      if (lost == 0 || System.currentTimeMillis() >= end) {
        return new Outcome(accepted.size(), lost, twice, refused.get(), retries.get(), retrying.size());
      }
      Thread.sleep(1_000);
    }
  }

  /** Texts accepted, never delivered, delivered twice, refused with a 4xx, retried, and still unanswered. */
  record Outcome(int accepted, int lost, int twice, int refused, int retries, int unanswered) {
    @Override
    public String toString() {
      return "sends accepted=" + accepted + " lost=" + lost + " twice=" + twice + " refused=" + refused
          + " retried=" + retries + " unanswered=" + unanswered;
    }
  }

  @Override
  public void close() {
    stop();
    vertx.close();
  }
}
