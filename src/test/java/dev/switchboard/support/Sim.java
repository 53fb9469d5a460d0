package dev.switchboard.support;

import dev.switchboard.simulator.SimulatorOptions;
import dev.switchboard.simulator.SimulatorServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/** A real simulator on an ephemeral port, driven through its control API over HTTP. */
public final class Sim implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final SimulatorServer server;
  private final Api control;

  public Sim(long qrIntervalMs) {
    try {
      server = SimulatorServer.start(vertx, SimulatorOptions.onPort(0).withQrIntervalMs(qrIntervalMs))
          .await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    control = new Api(server.port());
  }

  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public Api.Response pair(String qr, String phone) {
    return control.post("/sim/pair", null, new JsonObject().put("qr", qr).put("phone", phone));
  }

  public Api.Response pairCode(String code, String phone) {
    return control.post("/sim/pair-code", null, new JsonObject().put("code", code).put("phone", phone));
  }

  public Api.Response fault(String phone, String kind) {
    return control.post("/sim/faults", null, new JsonObject().put("phone", phone).put("kind", kind));
  }

  /** Person {@code phone} sends a message ({@code to}, {@code type} and the type's fields); the message id. */
  public String send(String phone, JsonObject message) {
    Api.Response r = control.post("/sim/phones/" + phone + "/messages", null, message);
    if (r.status() != 200) {
      throw new IllegalStateException("the simulator refused the message: " + r);
    }
    return r.json().getString("messageId");
  }

  /** What {@code phone} has received, oldest first. */
  public io.vertx.core.json.JsonArray received(String phone) {
    return new io.vertx.core.json.JsonArray(control.get("/sim/phones/" + phone + "/messages", null).body());
  }

  public Api.Response receipt(String phone, String messageId, String status) {
    return control.post("/sim/phones/" + phone + "/receipts", null,
        new JsonObject().put("messageId", messageId).put("status", status));
  }

  /** Any other control call: {@code POST path} with a JSON body. */
  public Api.Response post(String path, JsonObject body) {
    return control.post(path, null, body);
  }

  public Api.Response put(String path, JsonObject body) {
    return control.put(path, null, body);
  }

  public Api.Response get(String path) {
    return control.get(path, null);
  }

  public JsonObject stats() {
    return control.get("/sim/stats", null).json();
  }

  @Override
  public void close() {
    control.close();
    vertx.close();
  }
}
