package dev.switchboard.store;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.VertxException;
import io.vertx.pgclient.PgException;
import org.junit.jupiter.api.Test;

/** Which failures mean "the database is out of reach now" (503 and try again) and which are a statement's own (500). */
class DbErrorsTest {

  @Test
  void aStatementOnAConnectionTheServerClosedIsUnreachableNotABug() {
    // As the reactive client raised it when the chaos bench killed PostgreSQL under load (it was a 500).
    VertxException closed = new VertxException("Connection is not active now, current status: CLOSED", true);
    assertTrue(DbErrors.unreachable(closed));
    assertTrue(DbErrors.unreachable(new RuntimeException("wrapped", closed)));
  }

  @Test
  void aServerShuttingDownOrStartingIsUnreachableAConstraintIsNot() {
    assertTrue(DbErrors.unreachable(new PgException("terminating connection", "FATAL", "57P01", null)));
    assertTrue(DbErrors.unreachable(new PgException("the database system is starting up", "FATAL", "57P03", null)));
    assertFalse(DbErrors.unreachable(new PgException("duplicate key", "ERROR", "23505", null)));
    assertFalse(DbErrors.unreachable(new VertxException("something else", true)));
  }
}
