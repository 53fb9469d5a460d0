package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.TestDatabase;
import dev.switchboard.support.TestNode;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node's pools: durable commits everywhere but on the pool of redoable outcomes, whose
 * statements are planned once per connection and priced for tables read from memory.
 */
class DbTest {

  private Vertx vertx;
  private DbUrl db;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    db = DbUrl.parse(TestDatabase.newDatabase());
  }

  @AfterEach
  void stop() {
    TestNode.await(vertx.close());
  }

  @Test
  void onlyTheRedoablePoolCommitsWithoutWaitingForTheDisk() {
    // Tests' PostgreSQL commits without waiting for its disk; this database does, like a production one.
    Pool admin = Db.pool(vertx, db, 1, "db-test-admin");
    TestNode.await(admin.query("ALTER DATABASE " + db.database() + " SET synchronous_commit = on").execute());
    Pool durable = Db.pool(vertx, db, 1, "db-test-durable");
    Pool redoable = Db.redoablePool(vertx, db, 1, "db-test-redoable");
    assertEquals("on", TestDatabase.setting(durable, "synchronous_commit"));
    assertEquals("off", TestDatabase.setting(redoable, "synchronous_commit"));
  }

  @Test
  void theRedoablePoolPlansEachStatementOnce() {
    // One connection each, so pg_prepared_statements is read in the session that ran the statement.
    assertEquals(0L, customPlans(Db.redoablePool(vertx, db, 1, "db-test-generic")));
    // PostgreSQL's default plans the first five calls for their values; this is what the test would see.
    assertTrue(customPlans(Db.pool(vertx, db, 1, "db-test-default")) >= 5);
  }

  @Test
  void theRedoablePoolFindsRowsOfASparseQueueByTheirKey() {
    // A queue after a burst: rows inserted and deleted leave a few live ones spread over many pages.
    Pool admin = Db.pool(vertx, db, 1, "db-test-queue");
    for (String sql : new String[] {
        "CREATE TABLE queue (id BIGINT PRIMARY KEY, pad TEXT NOT NULL)",
        "INSERT INTO queue SELECT n, repeat('x', 100) FROM generate_series(1, 2500) AS n ORDER BY random()",
        "DELETE FROM queue WHERE id % 100 <> 0",
        "VACUUM ANALYZE queue"}) {
      TestNode.await(admin.query(sql).execute());
    }
    // One connection, so the session's settings and prepared statements hold for every statement below.
    Pool redoable = Db.redoablePool(vertx, db, 1, "db-test-queue-redoable");
    assertTrue(genericPlan(redoable, "take").contains("queue_pkey"), "found through the primary key");
    // Prepared again with PostgreSQL's default page costs, the same generic plan reads the whole table.
    TestNode.await(redoable.query("SET random_page_cost = 4").execute());
    assertTrue(genericPlan(redoable, "take_at_default_costs").contains("Seq Scan"), "the default costs scan the table");
  }

  /** The plan a statement deleting rows of the queue by their ids gets when it is prepared now. */
  private static String genericPlan(Pool pool, String name) {
    TestNode.await(pool.query("PREPARE " + name + "(bigint[]) AS DELETE FROM queue WHERE id = ANY($1)").execute());
    StringBuilder plan = new StringBuilder();
    TestNode.await(pool.query("EXPLAIN EXECUTE " + name + "('{100, 200}')").execute())
        .forEach(row -> plan.append(row.getString(0)).append('\n'));
    assertTrue(plan.indexOf("$1") >= 0, () -> "a generic plan names its parameter: " + plan);
    return plan.toString();
  }

  /** Runs a statement ten times, then reads how many of its calls were planned for their values. */
  private static long customPlans(Pool pool) {
    for (int i = 0; i < 10; i++) {
      TestNode.await(pool.preparedQuery("SELECT $1::int + 1").execute(Tuple.of(i)));
    }
    return TestNode.await(pool.query("SELECT custom_plans FROM pg_prepared_statements WHERE statement = 'SELECT $1::int + 1'")
        .execute()).iterator().next().getLong(0);
  }
}
