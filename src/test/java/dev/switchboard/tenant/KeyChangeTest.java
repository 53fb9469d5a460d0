package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.store.Db;
import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServer;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A key change answers only when every node has forgotten the old key. Each of two key services
 * listens through a proxy that holds what PostgreSQL sends it for a while: the changing node's for
 * 100 ms, the other's for 400 ms. Were the change to answer at its commit, or when its own
 * notification came back, the other node would still accept the old key from its cache.
 */
class KeyChangeTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withNode();

  private static final Secrets SECRETS = new Secrets(ApiKeys.hash("unused-master-key"), "k".repeat(32));

  @Test
  void aRevokedKeyIsRefusedByTheOtherNodeAsSoonAsTheRevocationAnswers() {
    Vertx vertx = bed.node().vertx();
    Pool pool = bed.node().pool();
    URI url = URI.create(bed.db());
    KeyService changer = new KeyService(vertx, pool, SECRETS, listener(vertx, url, 100));
    KeyService other = new KeyService(vertx, pool, SECRETS, listener(vertx, url, 400));
    try {
      TestNode.await(Future.all(changer.start(), other.start()));
      Wait.until("both key services listening", 10_000, () -> changer.listening() && other.listening(), b -> b);
      TestNode.await(pool.withTransaction(tx -> ClientRepository.insert(tx, "echo", null)));
      KeyService.Change issue = changer.change("echo");
      String key = TestNode.await(pool.withTransaction(tx -> changer.replaceKey(tx, issue, 30))
          .transform(issue::settle)).getString("key");
      // Kept by the other node: the next two lookups are one read.
      assertEquals("echo", TestNode.await(other.resolve(key)).clientId());
      assertEquals("echo", TestNode.await(other.resolve(key)).clientId());

      KeyService.Change revoke = changer.change("echo");
      long start = System.nanoTime();
      boolean revoked = TestNode.await(pool.withTransaction(tx -> changer.revoke(tx, revoke)).transform(revoke::settle));
      assertTrue(revoked);
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      Throwable refused = TestNode.await(other.resolve(key).<Throwable>map(p -> null).otherwise(e -> e));
      assertTrue(refused instanceof ApiException e && e.status() == 401, "the other node still accepts the revoked key");
      assertTrue(tookMs >= 400, "answered before the other node heard, after " + tookMs + " ms");
    } finally {
      TestNode.await(Future.all(changer.close(), other.close()));
    }
  }

  @Test
  void aChangeThatRollsBackFailsWithItsOwnError() {
    KeyService keys = new KeyService(bed.node().vertx(), bed.node().pool(), SECRETS, listener(bed.node().vertx(), URI.create(bed.db()), 0));
    try {
      TestNode.await(keys.start());
      KeyService.Change revoke = keys.change("nobody");
      Future<Boolean> failed = bed.node().pool().<Boolean>withTransaction(tx -> keys.revoke(tx, revoke)
              .compose(revoked -> Future.failedFuture(new IllegalStateException("rolled back"))))
          .transform(revoke::settle);
      Throwable cause = TestNode.await(failed.<Throwable>map(b -> null).otherwise(e -> e));
      assertEquals("rolled back", cause.getMessage());
    } finally {
      TestNode.await(keys.close());
    }
  }

  @Test
  void aListenerThatNeverAnswersHoldsAChangeBackOnlyForALimitedTime() throws Exception {
    var url = dev.switchboard.config.DbUrl.parse(bed.db());
    KeyService keys = new KeyService(bed.node().vertx(), bed.node().pool(), SECRETS, listener(bed.node().vertx(), URI.create(bed.db()), 0));
    // Counted as a listener, but it neither listens nor answers: a node cut off from its notifications.
    try (Connection silent = DriverManager.getConnection(url.jdbcUrl() + "?ApplicationName=" + Db.LISTENER_NAME,
        url.user(), url.password())) {
      TestNode.await(keys.start());
      Wait.until("listening", 10_000, keys::listening, b -> b);
      TestNode.await(bed.node().pool().withTransaction(tx -> ClientRepository.insert(tx, "silent", null)));
      KeyService.Change issue = keys.change("silent");
      long start = System.nanoTime();
      String key = TestNode.await(bed.node().pool().withTransaction(tx -> keys.replaceKey(tx, issue, 30))
          .transform(issue::settle)).getString("key");
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      assertTrue(key.startsWith("sb_"));
      assertTrue(tookMs >= KeyService.ECHO_MS && tookMs < KeyService.ECHO_MS + 3_000, "took " + tookMs + " ms");
    } finally {
      TestNode.await(keys.close());
    }
  }

  /** A LISTEN connection whose every byte from PostgreSQL arrives {@code delayMs} late. */
  private static PgSubscriber listener(Vertx vertx, URI db, long delayMs) {
    NetServer proxy = vertx.createNetServer().connectHandler(client -> {
      client.pause();
      vertx.createNetClient().connect(db.getPort(), db.getHost()).onSuccess(server -> {
        client.handler(server::write);
        server.handler(bytes -> vertx.setTimer(Math.max(1, delayMs), t -> client.write(bytes)));
        client.closeHandler(v -> server.close());
        server.closeHandler(v -> vertx.setTimer(Math.max(1, delayMs), t -> client.close()));
        client.resume();
      }).onFailure(e -> client.close());
    });
    int port = TestNode.await(proxy.listen(0, "127.0.0.1")).actualPort();
    String[] user = db.getUserInfo().split(":");
    return PgSubscriber.subscriber(vertx, new PgConnectOptions().setHost("127.0.0.1").setPort(port)
        .setDatabase(db.getPath().substring(1)).setUser(user[0]).setPassword(user[1])
        .addProperty("application_name", Db.LISTENER_NAME));
  }
}
