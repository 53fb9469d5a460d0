package dev.switchboard.store;

import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** Tells the failures of a database that cannot be reached now from those of a statement that is wrong. */
public final class DbErrors {

  /** What a client is told to wait before it tries again, in seconds: about what a restart of PostgreSQL takes. */
  public static final int RETRY_AFTER_SECONDS = 5;

  private DbErrors() {
  }

  /**
   * True when {@code failure} (or a cause of it) says the database is down, restarting or out of
   * reach: refused or closed connections, no pooled connection within the wait, the server shutting
   * down or still starting, too many connections. The same statement can succeed later; an error of
   * the statement itself (a constraint, a syntax error) is not one of these.
   */
  public static boolean unreachable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof PgException pg) {
        return connectionState(pg.getSqlState());
      }
      if (t instanceof ConnectException || t instanceof ClosedConnectionException || t instanceof ClosedChannelException
          || t instanceof ConnectionPoolTooBusyException || t instanceof TimeoutException || t instanceof SocketException
          // A connection reset, as Netty's native transport reports it.
          || t instanceof IOException && t.getClass().getName().startsWith("io.netty.")) {
        return true;
      }
      // The pool's "no connection within the wait": a VertxException of its own, without a type to tell it by.
      if (t instanceof VertxException && String.valueOf(t.getMessage()).startsWith("Timeout")) {
        return true;
      }
      // A statement sent on a connection the server has just closed (seen in the chaos bench when
      // PostgreSQL was killed under load): "Connection is not active now, current status: CLOSED".
      if (t instanceof VertxException && String.valueOf(t.getMessage()).startsWith("Connection is not active")) {
        return true;
      }
    }
    return false;
  }

  /**
   * SQLSTATE classes and codes of a connection that failed or a server that cannot serve: 08
   * (connection exception), 57P01-57P03 (shut down by an administrator or a crash, cannot connect
   * now: starting up or recovering), 53300 (too many connections).
   */
  private static boolean connectionState(String state) {
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
        || state.equals("57P03") || state.equals("53300"));
  }
}
