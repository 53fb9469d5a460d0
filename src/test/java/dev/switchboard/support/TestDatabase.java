package dev.switchboard.support;

import dev.switchboard.config.DbUrl;
import dev.switchboard.store.Db;
import dev.switchboard.store.EmbeddedDatabase;
import dev.switchboard.store.Migrations;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/** One real embedded PostgreSQL per test JVM; each test class gets a database of its own. */
public final class TestDatabase {

  private static EmbeddedDatabase server;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private TestDatabase() {
  }

  public static synchronized EmbeddedDatabase server() {
    if (server == null) {
      // Tests throw their databases away; benchmarks ask for a durable one (-Dbench.durable=true).
      Path dir = Path.of("target", "test-pg-" + ProcessHandle.current().pid());
      server = EmbeddedDatabase.start(dir, 0, Boolean.getBoolean("bench.durable"));
      EmbeddedDatabase s = server;
      // Each test or bench JVM leaves 100-700 MB of data behind otherwise; a few hundred runs filled this disk.
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        s.close();
        Dirs.deleteAfterStop(dir);
      }));
    }
    return server;
  }

  /** A fresh, empty database; its URL in SWITCHBOARD_DB_URL form. */
  public static String newDatabase() {
    var url = server().url();
    String name = "t" + COUNTER.incrementAndGet() + "_" + System.nanoTime() % 100000;
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.user(), url.password());
        Statement st = c.createStatement()) {
      st.execute("CREATE DATABASE " + name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return "postgresql://postgres:postgres@127.0.0.1:" + url.port() + "/" + name;
  }

  /** A pool of {@code size} connections to a fresh database with the node's schema. */
  public static Pool migratedPool(Vertx vertx, int size) {
    DbUrl db = DbUrl.parse(newDatabase());
    Migrations.apply(db);
    return Db.pool(vertx, db, size);
  }

  /** What the database says a setting is, for the session of {@code sql}. */
  public static String setting(SqlClient sql, String name) {
    return TestNode.await(sql.query("SHOW " + name).execute()).iterator().next().getString(0);
  }
}
