package dev.switchboard;

import dev.switchboard.engine.WhatsAppEngine;
import dev.switchboard.config.Config;
import dev.switchboard.engine.cobalt.CobaltEngine;
import dev.switchboard.engine.simulator.SimulatorEngine;
import dev.switchboard.simulator.SimulatorOptions;
import dev.switchboard.simulator.SimulatorServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the engine the configuration names, starting an in-process simulator when asked to. */
public final class Engines {

  private static final Logger log = LoggerFactory.getLogger(Engines.class);

  private Engines() {
  }

  public static Future<WhatsAppEngine> create(Vertx vertx, Config config) {
    if (config.engine().equals("simulator")) {
      if (config.simUrl() != null) {
        log.info("Engine: simulator at {}{}", config.simUrl(), carriers(config));
        return Future.succeededFuture(new SimulatorEngine(vertx, config.simUrl(), config.simConnections()));
      }
      return SimulatorServer.start(vertx, SimulatorOptions.onPort(config.simPort())).map(server -> {
        log.info("Engine: in-process simulator on port {}{}", server.port(), carriers(config));
        return (WhatsAppEngine) new SimulatorEngine(vertx, "http://127.0.0.1:" + server.port(), config.simConnections());
      });
    }
    log.info("Engine: Cobalt (real WhatsApp)");
    return Future.succeededFuture(new CobaltEngine(vertx));
  }

  private static String carriers(Config config) {
    return config.simConnections() == 0 ? ", one connection per device"
        : ", " + config.simConnections() + " connections carrying all devices";
  }
}
