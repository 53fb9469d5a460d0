package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.config.DbUrl;
import dev.switchboard.support.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Several nodes starting at the same moment apply each migration exactly once, and an upgrade keeps
 * what was waiting to be sent.
 */
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

  @Test
  void theOutboxMigrationKeepsEveryMessageStillToBeSent() throws Exception {
    DbUrl db = DbUrl.parse(TestDatabase.newDatabase());
    Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password()).locations("classpath:db/migration")
        .target("6").load().migrate();
    try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password())) {
      c.createStatement().execute("""
          INSERT INTO clients (client_id, webhook_secret) VALUES ('c', 'whsec_x');
          INSERT INTO devices (client_id, device_id, session_key) VALUES ('c', 'd', 'k');
          INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, type, content, status, send_at) VALUES
            ('c', 'd', 'queued', 'outbound', 'x', 'text', '{}', 'QUEUED', NULL),
            ('c', 'd', 'sending', 'outbound', 'x', 'text', '{}', 'SENDING', NULL),
            ('c', 'd', 'later', 'outbound', 'x', 'text', '{}', 'SCHEDULED', '2030-01-01T00:00:00Z'),
            ('c', 'd', 'sent', 'outbound', 'x', 'text', '{}', 'SENT', NULL)""");
      Migrations.apply(db);
      List<String> rows = new ArrayList<>();
      try (ResultSet rs = c.createStatement().executeQuery("""
          SELECT m.message_id, m.status, o.sending, o.send_at IS NOT NULL
          FROM outbox o JOIN messages m ON m.id = o.id ORDER BY o.id""")) {
        while (rs.next()) {
          rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3) + " " + rs.getBoolean(4));
        }
      }
      assertEquals(List.of("queued QUEUED false false", "sending QUEUED true false", "later SCHEDULED false true"), rows);
    }
  }

  @Test
  void theOutboxIsVacuumedOnceAThousandOfItsRowsHaveDied() throws Exception {
    try (Connection c = migrated()) {
      queue20000AndSend2000(c);
    }
  }

  @Test
  void fewThousandMessagesAreNeitherAnalyzedNorVacuumedByAutovacuum() throws Exception {
    try (Connection c = migrated()) {
      // By the defaults, 20,000 new rows and 2,000 changed would have autovacuum analyze and vacuum
      // messages on its next look; it looks at the outbox then, and again 5 s later.
      queue20000AndSend2000(c);
      c.createStatement().execute("UPDATE messages SET status = 'SENT' WHERE id IN (SELECT id FROM messages ORDER BY id LIMIT 2000)");
      Thread.sleep(6_000);
      try (ResultSet rs = c.createStatement().executeQuery(
          "SELECT autoanalyze_count, autovacuum_count FROM pg_stat_user_tables WHERE relname = 'messages'")) {
        rs.next();
        assertEquals(0, rs.getLong(1), "messages was analyzed by autovacuum");
        assertEquals(0, rs.getLong(2), "messages was vacuumed by autovacuum");
      }
    }
  }

  /** 20,000 messages queued, then 2,000 of them sent (their outbox rows die); returns once autovacuum vacuumed the outbox. */
  private static void queue20000AndSend2000(Connection c) throws Exception {
    // 20,000 rows waiting, counted by ANALYZE and vacuumed: by the defaults (a fifth of the table
    // dead), 2,000 more dead rows would wait for 4,000; and the default look every minute would not come.
    c.createStatement().execute("""
        INSERT INTO clients (client_id, webhook_secret) VALUES ('c', 'whsec_x');
        INSERT INTO devices (client_id, device_id, session_key) VALUES ('c', 'd', 'k');
        WITH m AS (
          INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, type, content, status)
          SELECT 'c', 'd', 'm' || i, 'outbound', 'x', 'text', '{}', 'QUEUED' FROM generate_series(1, 20000) i
          RETURNING id)
        INSERT INTO outbox (id, client_id, device_id) SELECT id, 'c', 'd' FROM m""");
    c.createStatement().execute("VACUUM ANALYZE outbox");
    long before = autovacuums(c);
    c.createStatement().execute("DELETE FROM outbox WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 2000)");
    long deadline = System.currentTimeMillis() + 30_000;
    while (autovacuums(c) == before && System.currentTimeMillis() < deadline) {
      Thread.sleep(200);
    }
    assertTrue(autovacuums(c) > before, "the outbox was not vacuumed within 30 s of 2,000 rows dying");
  }

  @Test
  void deletingADeviceOrClientTakesItsOutboxRowsWithItsMessages() throws Exception {
    try (Connection c = migrated()) {
      c.createStatement().execute("""
          INSERT INTO clients (client_id, webhook_secret) VALUES ('c', 'whsec_x'), ('e', 'whsec_y');
          INSERT INTO devices (client_id, device_id, session_key) VALUES ('c', 'd', 'k1'), ('c', 'kept', 'k2'), ('e', 'd', 'k3');
          WITH m AS (
            INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, type, content, status)
            SELECT c, d, 'm' || i, 'outbound', 'x', 'text', '{}', 'QUEUED'
            FROM (VALUES ('c', 'd'), ('c', 'kept'), ('e', 'd')) AS v(c, d), generate_series(1, 3) i
            RETURNING id, client_id, device_id)
          INSERT INTO outbox (id, client_id, device_id) SELECT id, client_id, device_id FROM m""");
      c.createStatement().execute("DELETE FROM devices WHERE client_id = 'c' AND device_id = 'd'");
      assertEquals(List.of("c/kept 3", "e/d 3"), outbox(c));
      c.createStatement().execute("DELETE FROM clients WHERE client_id = 'e'");
      assertEquals(List.of("c/kept 3"), outbox(c));
    }
  }

  @Test
  void deletingAClientOrAnEventTakesItsDeliveriesWithIt() throws Exception {
    try (Connection c = migrated()) {
      c.createStatement().execute("""
          INSERT INTO clients (client_id, webhook_secret) VALUES ('c', 'whsec_x'), ('e', 'whsec_y');
          WITH e AS (
            INSERT INTO events (id, client_id, device_id, event, payload)
            SELECT v.c || '-' || i, v.c, 'd', 'message', '{}' FROM (VALUES ('c'), ('e')) AS v(c), generate_series(1, 3) i
            RETURNING id, client_id)
          INSERT INTO webhook_deliveries (event_id, client_id, device_id, event) SELECT id, client_id, 'd', 'message' FROM e""");
      c.createStatement().execute("DELETE FROM events WHERE id = 'c-1'");
      assertEquals(List.of("c 2 2", "e 3 3"), eventsAndDeliveries(c));
      c.createStatement().execute("DELETE FROM clients WHERE client_id = 'e'");
      assertEquals(List.of("c 2 2"), eventsAndDeliveries(c));
    }
  }

  /** Per client: its events, its deliveries. */
  private static List<String> eventsAndDeliveries(Connection c) throws Exception {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery("""
        SELECT client_id, (SELECT count(*) FROM events e WHERE e.client_id = x.client_id),
          (SELECT count(*) FROM webhook_deliveries w WHERE w.client_id = x.client_id)
        FROM (SELECT client_id FROM events UNION SELECT client_id FROM webhook_deliveries) x ORDER BY 1""")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3));
      }
    }
    return rows;
  }

  private static List<String> outbox(Connection c) throws Exception {
    List<String> rows = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT client_id || '/' || device_id, count(*) FROM outbox GROUP BY 1 ORDER BY 1")) {
      while (rs.next()) {
        rows.add(rs.getString(1) + " " + rs.getLong(2));
      }
    }
    return rows;
  }

  /** A connection to a new database at the newest schema version. */
  private static Connection migrated() throws Exception {
    DbUrl db = DbUrl.parse(TestDatabase.newDatabase());
    Migrations.apply(db);
    return DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
  }

  private static long autovacuums(Connection c) throws Exception {
    try (ResultSet rs = c.createStatement().executeQuery(
        "SELECT autovacuum_count FROM pg_stat_user_tables WHERE relname = 'outbox'")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
