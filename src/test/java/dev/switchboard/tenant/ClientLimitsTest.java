package dev.switchboard.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.switchboard.cluster.Buckets;
import dev.switchboard.config.DbUrl;
import dev.switchboard.kernel.Principal;
import dev.switchboard.store.Db;
import dev.switchboard.store.Migrations;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import dev.switchboard.support.Wait;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client's rate limit, read through the client-config cache: answered on each caller's own event
 * loop, and a new limit holds on every node sharing the database as soon as its change settles.
 */
class ClientLimitsTest {

  private static final Principal LIM = Principal.client("lim", "00000000-0000-0000-0000-000000000001",
      Instant.now().plusSeconds(3_600));

  private Vertx vertx;
  private DbUrl db;
  private Pool pool;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    db = DbUrl.parse(TestDatabase.newDatabase());
    Migrations.apply(db);
    pool = Db.pool(vertx, db, 2);
    TestNode.await(pool.query("INSERT INTO clients (client_id, webhook_secret, rate_limit_per_minute) VALUES ('lim', 's', 42)").execute());
  }

  @AfterEach
  void stop() {
    TestNode.await(vertx.close());
  }

  /** The rate limits of one node: its own LISTEN connection, config cache and buckets. */
  private RateLimits node(ClientChanges changes) {
    TestNode.await(changes.start());
    Wait.until("listening", 10_000, changes::listening, b -> b);
    return new RateLimits(new Buckets.Local(), new ClientConfigCache(pool, changes), 1_000);
  }

  @Test
  void aLimitLoadedOnOneEventLoopIsAnsweredOnTheLoopThatAsksNext() {
    RateLimits limits = node(new ClientChanges(pool, Db.subscriber(vertx, db)));
    Context loader = newEventLoop();
    Context asker = newEventLoop();
    assertEquals(42, TestNode.await(on(loader, () -> limits.limit(LIM))));
    String[] threads = new String[2];
    int again = TestNode.await(on(asker, () -> {
      threads[0] = Thread.currentThread().getName();
      return limits.limit(LIM).map(limit -> {
        threads[1] = Thread.currentThread().getName();
        return limit;
      });
    }));
    assertEquals(42, again, "the cached limit");
    assertNotEquals(loaderThread(loader), threads[0], "the two callers are on different event loops");
    assertEquals(threads[0], threads[1], "called back on the asker's loop, not the loader's");
  }

  @Test
  void aNewLimitHoldsOnTheOtherNodeAsSoonAsItsChangeSettles() {
    ClientChanges here = new ClientChanges(pool, Db.subscriber(vertx, db));
    RateLimits changer = node(here);
    RateLimits other = node(new ClientChanges(pool, Db.subscriber(vertx, db)));
    assertEquals(42, TestNode.await(changer.limit(LIM)));
    assertEquals(42, TestNode.await(other.limit(LIM)), "kept by the other node");
    ClientChanges.Change change = here.change("lim");
    TestNode.await(pool.withTransaction(tx -> tx.preparedQuery("UPDATE clients SET rate_limit_per_minute = 7 "
        + "WHERE client_id = $1").execute(Tuple.of("lim")).compose(v -> change.announce(tx))).transform(change::settle));
    assertEquals(7, TestNode.await(other.limit(LIM)), "the other node's kept limit");
    assertEquals(7, TestNode.await(changer.limit(LIM)));
  }

  /** The context of a verticle of its own: each one deployed gets the next event loop. */
  private Context newEventLoop() {
    Context[] found = new Context[1];
    TestNode.await(vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        found[0] = context;
        return Future.succeededFuture();
      }
    }));
    return found[0];
  }

  private static <T> Future<T> on(Context context, java.util.function.Supplier<Future<T>> call) {
    Promise<T> result = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(result));
    return result.future();
  }

  private static String loaderThread(Context loader) {
    return TestNode.await(on(loader, () -> Future.succeededFuture(Thread.currentThread().getName())));
  }
}
