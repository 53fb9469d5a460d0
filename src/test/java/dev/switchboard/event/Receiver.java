package dev.switchboard.event;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** A real webhook receiver on loopback: records every request and answers as the test tells it. */
public final class Receiver implements AutoCloseable {

  /** One request as received. */
  public record Hit(MultiMap headers, String body, long receivedAtNanos) {

    public JsonObject json() {
      return new JsonObject(body);
    }

    public String event() {
      return json().getString("event");
    }
  }

  /** How to answer: a status and a body, or null to never answer (a hung endpoint). */
  public record Answer(int status, String body, MultiMap headers) {

    public static Answer ok() {
      return new Answer(200, "", MultiMap.caseInsensitiveMultiMap());
    }

    public static Answer status(int status) {
      return new Answer(status, "", MultiMap.caseInsensitiveMultiMap());
    }

    static Answer json(JsonObject body) {
      return new Answer(200, body.encode(), MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"));
    }
  }

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final List<Hit> hits = new ArrayList<>();
  private volatile Function<Hit, Answer> answers = hit -> Answer.ok();

  public Receiver() {
    try {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(body -> {
      Hit hit = new Hit(req.headers(), body.toString(), System.nanoTime());
      synchronized (hits) {
        hits.add(hit);
      }
      Answer a = answers.apply(hit);
      if (a == null) {
        return;
      }
      req.response().headers().addAll(a.headers());
      req.response().setStatusCode(a.status()).end(a.body());
    });
  }

  public void answer(Function<Hit, Answer> answers) {
    this.answers = answers;
  }

  public String url() {
    return "http://127.0.0.1:" + server.actualPort() + "/hooks";
  }

  public int port() {
    return server.actualPort();
  }

  public List<Hit> hits() {
    synchronized (hits) {
      return List.copyOf(hits);
    }
  }

  public List<Hit> hits(String event) {
    return hits().stream().filter(h -> event.equals(h.event())).toList();
  }

  /**
   * For each inbound message id, the ids of the {@code message} events posted for it: one per message
   * when nothing was doubled, however often a post was repeated (at least once, same webhook-id).
   */
  public Map<String, Set<String>> messageEventIds() {
    Map<String, Set<String>> events = new LinkedHashMap<>();
    for (Hit hit : hits("message")) {
      events.computeIfAbsent(hit.json().getJsonObject("data").getString("messageId"), k -> new LinkedHashSet<>())
          .add(hit.json().getString("id"));
    }
    return events;
  }

  @Override
  public void close() {
    vertx.close();
  }
}
