package dev.switchboard.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.Future;

/** The ceiling for the send benchmark: a Vert.x HTTP server that answers 202 and does nothing else. */
public final class BareServer extends VerticleBase {

  private static final String BODY = "{\"success\":true,\"data\":{\"messageId\":\"3EB000000000000000000000\",\"status\":\"QUEUED\"}}";
  private final int port;

  BareServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer().requestHandler(req -> req.body().onComplete(b -> req.response().setStatusCode(202)
        .putHeader("content-type", "application/json; charset=utf-8").end(BODY))).listen(port);
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = BenchVertx.create("bare server JVM");
    vertx.deployVerticle(() -> new BareServer(port), new DeploymentOptions().setInstances(Runtime.getRuntime().availableProcessors()))
        .onFailure(e -> {
          e.printStackTrace();
          System.exit(1);
        })
        .onSuccess(id -> System.out.println("bare server on " + port));
  }
}
