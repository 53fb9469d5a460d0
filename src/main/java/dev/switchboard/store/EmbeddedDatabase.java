package dev.switchboard.store;

import dev.switchboard.config.ConfigException;
import dev.switchboard.config.DbUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL server run by this process, its data kept in a directory across restarts. The server
 * follows its owner: the data directory is locked for one process at a time, a server left running
 * there by an owner that died is stopped before a new one starts, and a watchdog stops the server
 * when this process dies without stopping it.
 */
public final class EmbeddedDatabase implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedDatabase.class);

  private final EmbeddedPostgres postgres;
  private final Path dataDir;
  private final DataDirLock lock;
  private final ServerWatchdog watchdog;

  private EmbeddedDatabase(EmbeddedPostgres postgres, Path dataDir, DataDirLock lock, ServerWatchdog watchdog) {
    this.postgres = postgres;
    this.dataDir = dataDir;
    this.lock = lock;
    this.watchdog = watchdog;
  }

  /** Starts a durable server on {@code port} (0: any free port). Blocks; call it before Vert.x or on a worker. */
  public static EmbeddedDatabase start(Path dataDir, int port) {
    return start(dataDir, port, true);
  }

  /**
   * {@code durable}: every commit reaches the disk before it is acknowledged (fsync and synchronous
   * commit on; the library's defaults turn them off). Only throwaway test databases pass false.
   */
  public static EmbeddedDatabase start(Path dataDir, int port, boolean durable) {
    Path root = dataDir.toAbsolutePath().normalize();
    Path pgData = root.resolve("postgres");
    DataDirLock lock = DataDirLock.take(root);
    try {
      Files.createDirectories(pgData);
      LeftoverServer.stop(pgData);
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
          .setDataDirectory(pgData)
          .setCleanDataDirectory(false)
          .setOverrideWorkingDirectory(dataDir.toAbsolutePath().normalize().resolve("pg-runtime").toFile())
          .setPGStartupWait(Duration.ofSeconds(60))
          .setServerConfig("max_connections", "200")
          // Queue tables (the outbox, webhook deliveries) gain thousands of dead rows a second under
          // load; the default one-minute look for tables to vacuum lets scans of them slow down first.
          .setServerConfig("autovacuum_naptime", "5s")
          // A new 16 MiB WAL segment is otherwise written full of zeros and synced while commits wait:
          // at 5,000 sends/s that was every 3 s, each time a stall of 50-130 ms in the send bench. Its
          // blocks are allocated as the WAL is written instead (ext4, xfs); recycled segments are reused.
          .setServerConfig("wal_init_zero", "off")
          .setServerConfig("fsync", durable ? "on" : "off")
          .setServerConfig("synchronous_commit", durable ? "on" : "off")
          .setServerConfig("full_page_writes", durable ? "on" : "off");
      if (port > 0) {
        builder.setPort(port);
      }
      EmbeddedPostgres pg = builder.start();
      long pid = LeftoverServer.pidOf(pgData).orElseThrow(() -> new IOException("the server wrote no postmaster.pid"));
      log.info("Embedded PostgreSQL (pid {}) listening on 127.0.0.1:{}, data in {}", pid, pg.getPort(), pgData);
      return new EmbeddedDatabase(pg, pgData, lock, ServerWatchdog.watch(pid, pgData));
    } catch (IOException | RuntimeException e) {
      lock.close();
      throw new ConfigException("cannot start the embedded PostgreSQL in " + pgData + ": " + rootMessage(e));
    }
  }

  public DbUrl url() {
    return DbUrl.local(postgres.getPort());
  }

  public Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      log.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    } finally {
      watchdog.close();
      lock.close();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
