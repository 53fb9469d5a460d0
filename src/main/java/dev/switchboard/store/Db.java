package dev.switchboard.store;

import dev.switchboard.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the node's one reactive connection pool. */
public final class Db {

  private Db() {
  }

  public static Pool pool(Vertx vertx, DbUrl db, int maxSize) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password())
        .setPipeliningLimit(256)
        .setReconnectAttempts(2)
        .setReconnectInterval(500);
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setShared(true).setName("switchboard-" + db.port() + "-" + db.database())
        .setConnectionTimeout(5).setMaxWaitQueueSize(5000);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
