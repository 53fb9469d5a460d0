package dev.switchboard.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** The simulator's control API as a test drives it: blocking calls from the test thread. */
public final class SimControl {

  private final WebClient client;

  public SimControl(Vertx vertx, int port) {
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return Await.result(client.post(path).sendJsonObject(body));
  }

  public HttpResponse<Buffer> postRaw(String path, String body) {
    return Await.result(client.post(path).putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
  }

  /** A POST that must answer 200. */
  public JsonObject ok(String path, JsonObject body) {
    HttpResponse<Buffer> response = post(path, body);
    assertEquals(200, response.statusCode(), () -> path + " answered " + response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  public HttpResponse<Buffer> get(String path) {
    return Await.result(client.get(path).send());
  }

  public JsonArray list(String path) {
    HttpResponse<Buffer> response = get(path);
    assertEquals(200, response.statusCode(), response::bodyAsString);
    return response.bodyAsJsonArray();
  }

  public JsonObject stats() {
    return Await.result(client.get("/sim/stats").send()).bodyAsJsonObject();
  }

  public JsonArray inbox(String phone) {
    return list("/sim/phones/" + phone + "/messages");
  }

  public JsonObject sendAs(String phone, JsonObject message) {
    return ok("/sim/phones/" + phone + "/messages", message);
  }

  public void close() {
    client.close();
  }
}
