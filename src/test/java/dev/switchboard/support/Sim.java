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

  public JsonObject stats() {
    return control.get("/sim/stats", null).json();
  }

  @Override
  public void close() {
    control.close();
    vertx.close();
  }
}
