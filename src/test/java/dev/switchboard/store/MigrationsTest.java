package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** Several nodes starting at the same moment apply each migration exactly once. */
class MigrationsTest {

  @Test
  void concurrentStartsApplyEachVersionOnce() throws Exception {
    DbUrl db = DbUrl.parse(TestDatabase.newDatabase());
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Void>> runs = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      runs.add(CompletableFuture.runAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        Migrations.apply(db);
      }));
    }
    go.countDown();
    CompletableFuture.allOf(runs.toArray(CompletableFuture[]::new)).get();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT version, count(*) FROM flyway_schema_history WHERE version IS NOT NULL GROUP BY version")) {
      int versions = 0;
      while (rs.next()) {
        versions++;
        assertEquals(1, rs.getInt(2), "version " + rs.getString(1) + " applied once");
      }
      assertEquals(true, versions >= 2);
    }
  }
}
