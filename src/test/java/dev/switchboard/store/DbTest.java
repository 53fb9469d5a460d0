package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;

/** The node's pools: durable commits everywhere but on the pool of redoable outcomes. */
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

  private static String setting(Pool pool) {
    return TestNode.await(pool.query("SHOW synchronous_commit").execute()).iterator().next().getString(0);
  }
}
