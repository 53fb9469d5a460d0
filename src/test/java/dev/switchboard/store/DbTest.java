package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.Test;

/**
 * The node's pools: durable commits everywhere but on the pool of redoable outcomes, whose
 * statements are planned once per connection.
 */
class DbTest {

  @Test
  void onlyTheRedoablePoolCommitsWithoutWaitingForTheDisk() {
    Vertx vertx = Vertx.vertx();
    DbUrl db = DbUrl.parse(TestDatabase.newDatabase());
    try {
      // Tests' PostgreSQL commits without waiting for its disk; this database does, like a production one.
      Pool admin = Db.pool(vertx, db, 1, "db-test-admin");
      TestNode.await(admin.query("ALTER DATABASE " + db.database() + " SET synchronous_commit = on").execute());
      Pool durable = Db.pool(vertx, db, 1, "db-test-durable");
      Pool redoable = Db.redoablePool(vertx, db, 1, "db-test-redoable");
      assertEquals("on", setting(durable));
      assertEquals("off", setting(redoable));
    } finally {
      TestNode.await(vertx.close());
    }
  }

  @Test
  void theRedoablePoolPlansEachStatementOnce() {
    Vertx vertx = Vertx.vertx();
    DbUrl db = DbUrl.parse(TestDatabase.newDatabase());
    try {
      // One connection each, so pg_prepared_statements is read in the session that ran the statement.
      assertEquals(0L, customPlans(Db.redoablePool(vertx, db, 1, "db-test-generic")));
      // PostgreSQL's default plans the first five calls for their values; this is what the test would see.
      assertTrue(customPlans(Db.pool(vertx, db, 1, "db-test-default")) >= 5);
    } finally {
      TestNode.await(vertx.close());
    }
  }

  /** Runs a statement ten times, then reads how many of its calls were planned for their values. */
  private static long customPlans(Pool pool) {
    for (int i = 0; i < 10; i++) {
      TestNode.await(pool.preparedQuery("SELECT $1::int + 1").execute(Tuple.of(i)));
    }
    return TestNode.await(pool.query("SELECT custom_plans FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'")
        .execute()).iterator().next().getLong(0);
  }

  private static String setting(Pool pool) {
    return TestNode.await(pool.query("SHOW synchronous_commit").execute()).iterator().next().getString(0);
  }
}
