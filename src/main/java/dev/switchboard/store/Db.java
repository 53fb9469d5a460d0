package dev.switchboard.store;

import dev.switchboard.config.DbUrl;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Creates the node's one reactive connection pool. */
public final class Db {

  /**
   * Queries waiting for a connection before new ones are refused. Large enough for a node that
   * resumes 10,000 devices at once (a few queries each, pipelined); small enough to bound memory.
   */
  static final int MAX_WAITING = 100_000;
  /**
   * How long a query waits for a pooled connection, and a new connection for PostgreSQL to accept it,
   * before it fails as {@link DbErrors#unreachable}: a request answers 503 within seconds when the
   * database is down or out of reach, instead of waiting on a connection that will not come.
   */
  static final int CONNECTION_WAIT_SECONDS = 4;
  static final int CONNECT_TIMEOUT_MS = 2_000;

  private Db() {
  }

  /** The application name of every node's LISTEN connection, so nodes can count the listeners. */
  public static final String LISTENER_NAME = "switchboard-listener";

  /** A LISTEN connection of its own (for NOTIFY messages), reconnecting every second when it drops. */
  public static PgSubscriber subscriber(Vertx vertx, DbUrl db) {
    return PgSubscriber.subscriber(vertx, connectOptions(db).addProperty("application_name", LISTENER_NAME))
        .reconnectPolicy(retries -> 1_000L);
  }

  private static PgConnectOptions connectOptions(DbUrl db) {
    return new PgConnectOptions()
        .setHost(db.host())
        .setPort(db.port())
        .setDatabase(db.database())
        .setUser(db.user())
        .setPassword(db.password());
  }

  public static Pool pool(Vertx vertx, DbUrl db, int maxSize) {
    return pool(vertx, db, maxSize, "switchboard");
  }

  /** A pool of its own, {@code name}d, so one kind of work cannot queue behind another. */
  public static Pool pool(Vertx vertx, DbUrl db, int maxSize, String name) {
    return pool(vertx, connectOptions(db), db, maxSize, name);
  }

  /**
   * A pool whose commits do not wait for the disk ({@code synchronous_commit = off}), for writes that
   * are made again when lost: outcomes of work that is redone, with the same ids, when its outcome is
   * not on record, and the outbox claims that start such work. A crash of PostgreSQL can forget the
   * last fraction of a second of them (never half of one, never anything else), and every later
   * durable commit makes them durable as well. Each such write then costs no flush of the
   * write-ahead log of its own, which at a few thousand commits a second was what PostgreSQL's
   * backends waited on most.
   *
   * <p>Its statements (outbox claims, SENT outcomes, webhook attempts' outcomes: arrays of ids and
   * devices, looked up by their indexes whatever the values) use the plan prepared once per
   * connection. Left to choose, PostgreSQL planned the claims and the SENT outcomes anew on every
   * call, because their generic plans look dearer on paper: 0.44 and 0.25 ms a call, a twelfth of
   * its CPU at 4,000 sends a second (bench/README.md); with the generic plans they also ran faster.
   * A generic plan does not know how many ids it gets, and priced at the default cost of a random page
   * read (4, a spinning disk's) the SENT outcome's delete scanned the whole outbox, a queue of a few
   * dozen live rows spread over a hundred pages, instead of probing its primary key: 0.47 ms instead
   * of 0.03 ms, about 8% of PostgreSQL's CPU samples in a profile at full send load. These tables are
   * read from memory, where a random page costs about what a sequential one does.
   */
  public static Pool redoablePool(Vertx vertx, DbUrl db, int maxSize, String name) {
    return pool(vertx, connectOptions(db).addProperty("synchronous_commit", "off")
        .addProperty("plan_cache_mode", "force_generic_plan")
        .addProperty("random_page_cost", "1.1"), db, maxSize, name);
  }

  private static Pool pool(Vertx vertx, PgConnectOptions options, DbUrl db, int maxSize, String name) {
    PgConnectOptions connect = options
        .setPipeliningLimit(256)
        // Every statement is prepared; parsed and planned once per connection instead of on every call.
        .setCachePreparedStatements(true)
        .setReconnectAttempts(1)
        .setReconnectInterval(500);
    PoolOptions pool = new PoolOptions().setMaxSize(maxSize).setShared(true)
        .setEventLoopSize(Math.max(2, Runtime.getRuntime().availableProcessors())).setName(name + "-" + db.port() + "-" + db.database())
        .setConnectionTimeout(CONNECTION_WAIT_SECONDS).setMaxWaitQueueSize(MAX_WAITING);
    return PgBuilder.pool().with(pool).with(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS))
        .connectingTo(connect).using(vertx).build();
  }
}
