package dev.switchboard.store;

import dev.switchboard.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the node's one reactive connection pool. */
public final class Db {

  /**
   * Queries waiting for a connection before new ones are refused. Large enough for a node that
   * resumes 10,000 devices at once (a few queries each, pipelined); small enough to bound memory.
   */
  static final int MAX_WAITING = 100_000;

  private Db() {
  }

  public static Pool pool(Vertx vertx, DbUrl db, int maxSize) {
    return pool(vertx, db, maxSize, "switchboard");
  }

  /** A pool of its own, {@code name}d, so one kind of work cannot queue behind another. */
  public static Pool pool(Vertx vertx, DbUrl db, int maxSize, String name) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password())
        .setPipeliningLimit(256)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setShared(true)
        .setEventLoopSize(Math.max(2, Runtime.getRuntime().availableProcessors())).setName(name + "-" + db.port() + "-" + db.database())
        .setConnectionTimeout(5).setMaxWaitQueueSize(MAX_WAITING);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
