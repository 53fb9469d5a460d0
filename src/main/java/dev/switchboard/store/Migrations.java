package dev.switchboard.store;

import dev.switchboard.config.DbUrl;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the versioned schema files under {@code db/migration}. Flyway takes a PostgreSQL advisory
 * lock for the run, so nodes starting at the same moment apply each version once.
 */
public final class Migrations {

  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  /** Blocking (JDBC): run it before Vert.x starts or on a worker thread. */
  public static void apply(DbUrl db) {
    MigrateResult result = Flyway.configure()
        .dataSource(db.jdbcUrl(), db.user(), db.password())
        .locations("classpath:db/migration")
        .connectRetries(10)
        .load()
        .migrate();
    log.info("Schema at version {} ({} migration(s) applied now)", result.targetSchemaVersion,
        result.migrationsExecuted);
  }
}
