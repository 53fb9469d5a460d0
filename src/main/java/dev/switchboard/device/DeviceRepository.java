package dev.switchboard.device;

import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SQL of the device registry: rows, leases with fencing epochs, and fenced credential writes. */
public final class DeviceRepository {

  static final int LEASE_SECONDS = 15;

  private static final String COLUMNS = """
      client_id, device_id, name, session_key, status, desired_state, phone_number, last_error, owner_node, epoch,
      created_at, connected_at""";
  // A registration in one statement, hence one transaction: room is made in the client's device count
  // (locking the client's row for this statement only), then the device and its audit entry are added.
  // The same id registered at the same moment passes the NOT EXISTS of both; the second INSERT then
  // fails on the key and the whole statement, count included, is undone.
  private static final String REGISTER = """
      WITH room AS (
        UPDATE clients SET device_count = device_count + 1
        WHERE client_id = $1 AND device_count < $4
          AND NOT EXISTS (SELECT 1 FROM devices WHERE client_id = $1 AND device_id = $2)
        RETURNING client_id),
      added AS (
        INSERT INTO devices (client_id, device_id, session_key, name) SELECT $1, $2, $3, $7 FROM room RETURNING device_id),
      audit AS (
        INSERT INTO audit_log (client_id, action, actor, source_ip, details)
        SELECT $1, 'device.added', $5, $6, jsonb_build_object('deviceId', $2::text) FROM added)
      SELECT EXISTS (SELECT 1 FROM added) AS added,
        EXISTS (SELECT 1 FROM devices WHERE client_id = $1 AND device_id = $2) AS existed,
        COALESCE((SELECT device_count FROM clients WHERE client_id = $1), 0) AS device_count""";
  private static final String FIND = "SELECT " + COLUMNS + " FROM devices WHERE client_id = $1 AND device_id = $2";
  private static final String OWNER = "SELECT owner_node FROM devices WHERE client_id = $1 AND device_id = $2";
  private static final String LIST = "SELECT " + COLUMNS + " " + """
      FROM devices WHERE client_id = $1 AND ($2::text IS NULL OR device_id > $2)
        AND ($4::text[] IS NULL OR device_id = ANY($4)) ORDER BY device_id LIMIT $3""";
  private static final String DELETE = """
      WITH gone AS (DELETE FROM devices WHERE client_id = $1 AND device_id = $2 RETURNING client_id)
      UPDATE clients SET device_count = device_count - 1 WHERE client_id = $1 AND EXISTS (SELECT 1 FROM gone)""";
  private static final String CLAIM = """
      UPDATE devices d SET owner_node = $3, epoch = d.epoch + 1, status = 'CONNECTING', lease_until = now() + make_interval(secs => $4)
      WHERE client_id = $1 AND device_id = $2 AND""" + " " + takeable("$3", "$5", "$6") + " RETURNING epoch, session_key";
  private static final String CLAIM_MANY = """
      WITH t AS (""" + lockInOrder("unnest($1::text[], $2::text[]) AS t(client_id, device_id)", takeable("$3", "$5", "$6")) + """
      )
      UPDATE devices d SET owner_node = $3, epoch = d.epoch + 1, status = 'CONNECTING', lease_until = now() + make_interval(secs => $4)
      FROM t WHERE d.client_id = t.client_id AND d.device_id = t.device_id AND""" + " " + takeable("$3", "$5", "$6")
      + " RETURNING d.client_id, d.device_id, d.epoch, d.session_key";
  // Our own devices with a live lease are left out (we run them), except right after a restart ($5).
  private static final String CLAIMABLE = "SELECT client_id, device_id, owner_node FROM devices d WHERE "
      + takeable("$1", "$2", "$3")
      + " AND NOT (coalesce(d.owner_node = $1 AND d.lease_until > now(), false) AND NOT $5) ORDER BY created_at LIMIT $4";
  private static final String HANDOFF = """
      UPDATE devices SET owner_node = $4, lease_until = now() WHERE client_id = $1 AND device_id = $2 AND epoch = $3""";
  // Only the devices this node runs: a lease it holds but does not use lapses, so another node can take it.
  private static final String RENEW = """
      WITH t AS (""" + lockInOrder("unnest($3::text[], $4::text[]) AS t(client_id, device_id)", "d.owner_node = $1") + """
      )
      UPDATE devices d SET lease_until = now() + make_interval(secs => $2)
      FROM t WHERE d.owner_node = $1 AND d.client_id = t.client_id AND d.device_id = t.device_id
      RETURNING d.client_id, d.device_id, d.epoch""";
  private static final String RELEASE = """
      UPDATE devices SET owner_node = NULL, lease_until = NULL WHERE client_id = $1 AND device_id = $2 AND epoch = $3""";
  // Many devices' state changes in one statement (at most one per device and epoch: the caller keeps the newest).
  // The ANY conditions make the UPDATE find its rows through the primary key: a cached plan would
  // otherwise hash-join the batch against a scan of every device.
  private static final String STATUSES = """
      WITH t AS (""" + lockInOrder("unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[])"
          + " AS t(client_id, device_id, epoch, status, err, phone)", "d.epoch = t.epoch") + """
      )
      UPDATE devices d SET status = t.status, last_error = t.err, phone_number = COALESCE(t.phone, d.phone_number),
        connected_at = CASE WHEN t.status = 'CONNECTED' THEN now() ELSE d.connected_at END
      FROM t WHERE d.client_id = ANY($1) AND d.device_id = ANY($2)
        AND d.client_id = t.client_id AND d.device_id = t.device_id AND d.epoch = t.epoch
      RETURNING d.client_id, d.device_id, d.epoch""";
  private static final String RENAME = "UPDATE devices SET name = $3 WHERE client_id = $1 AND device_id = $2";
  private static final String DESIRED = "UPDATE devices SET desired_state = $3 WHERE client_id = $1 AND device_id = $2";
  // A device stopped while no actor runs it: nothing else writes its state, and nothing resumes it.
  private static final String MARK_STOPPED = """
      UPDATE devices SET status = 'STOPPED', last_error = NULL
      WHERE client_id = $1 AND device_id = $2 AND desired_state = 'STOPPED'""";
  // One row per asked device, in the order asked; a lookup per device (OFFSET 0 keeps it one).
  private static final String LOAD_CREDENTIALS = """
      SELECT c.credentials FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(client_id, device_id, n)
      LEFT JOIN LATERAL (SELECT d.credentials FROM devices d WHERE d.client_id = t.client_id AND d.device_id = t.device_id
        OFFSET 0) c ON true
      ORDER BY t.n""";
  private static final String SAVE_CREDENTIALS = """
      UPDATE devices SET credentials = $3 WHERE client_id = $1 AND device_id = $2 AND epoch = $4""";

  private DeviceRepository() {
  }

  /**
   * The rows of {@code source} (with client_id and device_id columns) whose device row matches
   * {@code condition}, after locking those device rows one by one in key order (a sorted outer side
   * and an index lookup per row). Every statement that updates many devices locks them this way
   * first, so two of them (lease renewal, state changes, claims) never lock the same rows in
   * opposite orders and deadlock.
   */
  private static String lockInOrder(String source, String condition) {
    return "SELECT t.* FROM (SELECT * FROM " + source + " ORDER BY client_id, device_id OFFSET 0) t"
        + " CROSS JOIN LATERAL (SELECT 1 FROM devices d WHERE d.client_id = t.client_id AND d.device_id = t.device_id AND "
        + condition + " FOR NO KEY UPDATE) locked";
  }

  /**
   * Who may take device {@code d}: nobody owns it, {@code me} owns it (a restart, or a handoff to
   * us), its owner is not a live member ({@code live}, null when membership is unknown), or its
   * lease ran out more than {@code grace} seconds ago (a live owner that stopped renewing).
   */
  private static String takeable(String me, String live, String grace) {
    return "d.desired_state = 'CONNECTED' AND (d.owner_node IS NULL OR d.owner_node = " + me
        + " OR (" + live + "::text[] IS NOT NULL AND NOT (d.owner_node = ANY(" + live + "::text[])))"
        + " OR d.lease_until IS NULL OR d.lease_until < now() - make_interval(secs => " + grace + "))";
  }

  public record Lease(String clientId, String deviceId, String sessionKey, long epoch) {
  }

  /**
   * The live nodes as this node sees them ({@code nodes} null when it cannot know, e.g. not
   * clustered: then only expired leases change hands) and how long past its lease a live owner
   * keeps its devices.
   */
  public record Membership(String[] nodes, int graceSeconds) {

    public static Membership unknown() {
      return new Membership(null, 0);
    }

    public static Membership of(java.util.Collection<String> live) {
      return new Membership(live.toArray(String[]::new), LEASE_SECONDS);
    }
  }

  /** What a registration found: added, or why not (the device exists, or the client has no room). */
  public record Registered(boolean added, boolean existed, int deviceCount) {
  }

  /**
   * Adds the device (named {@code name}, or not when null), with its audit entry, if its id is new and
   * the client has fewer than {@code maxDevices}.
   */
  public static Future<Registered> register(SqlClient sql, String clientId, String deviceId, String name, String sessionKey,
      int maxDevices, String actor, String sourceIp) {
    return sql.preparedQuery(REGISTER).execute(Tuple.of(clientId, deviceId, sessionKey, maxDevices, actor, sourceIp, name))
        .map(rows -> {
          Row r = rows.iterator().next();
          return new Registered(r.getBoolean("added"), r.getBoolean("existed"), r.getInteger("device_count"));
        })
        .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState()) && "devices_pkey".equals(pg.getConstraint())
            ? Future.succeededFuture(new Registered(false, true, -1))
            : Future.failedFuture(e));
  }

  /** A device as the registry holds it. */
  public record Device(String deviceId, String name, String status, String phoneNumber, String node, String lastError,
      OffsetDateTime createdAt, OffsetDateTime connectedAt) {

    /** The device as the API shows it. */
    public JsonObject toJson() {
      return new JsonObject()
          .put("deviceId", deviceId)
          .put("name", name)
          .put("status", status)
          .put("phoneNumber", phoneNumber)
          .put("node", node)
          .put("lastError", lastError)
          .put("createdAt", Times.iso(createdAt))
          .put("connectedAt", Times.iso(connectedAt));
    }
  }

  public static Future<Device> find(SqlClient sql, String clientId, String deviceId) {
    return sql.preparedQuery(FIND).execute(Tuple.of(clientId, deviceId))
        .map(rows -> rows.size() == 0 ? null : device(rows.iterator().next()));
  }

  /** The node holding the device's lease, or null (no such device, or no node runs it). */
  public static Future<String> owner(SqlClient sql, String clientId, String deviceId) {
    return sql.preparedQuery(OWNER).execute(Tuple.of(clientId, deviceId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("owner_node"));
  }

  /** Gives the device its name; false when there is no such device. */
  public static Future<Boolean> rename(SqlClient sql, String clientId, String deviceId, String name) {
    return sql.preparedQuery(RENAME).execute(Tuple.of(clientId, deviceId, name)).map(r -> r.rowCount() == 1);
  }

  /** The client's devices by id, after {@code after}, at most {@code limit}; only {@code only}'s unless it is null. */
  public static Future<List<Device>> list(SqlClient sql, String clientId, String after, int limit, Set<String> only) {
    return sql.preparedQuery(LIST).execute(Tuple.of(clientId, after, limit,
        only == null ? null : only.toArray(String[]::new))).map(rows -> {
      List<Device> out = new ArrayList<>(rows.size());
      rows.forEach(r -> out.add(device(r)));
      return out;
    });
  }

  /** Deletes the device and takes it off its client's device count. */
  public static Future<Boolean> delete(SqlClient sql, String clientId, String deviceId) {
    return sql.preparedQuery(DELETE).execute(Tuple.of(clientId, deviceId)).map(r -> r.rowCount() > 0);
  }

  /** One column of {client, device} pairs, as a SQL array parameter. */
  private static String[] column(List<String[]> devices, int i) {
    return devices.stream().map(d -> d[i]).toArray(String[]::new);
  }

  /** Takes the device's lease for {@code node} with a new epoch, or null when another live owner holds it. */
  public static Future<Lease> claim(SqlClient sql, String clientId, String deviceId, String node, Membership live) {
    return sql.preparedQuery(CLAIM).execute(Tuple.of(clientId, deviceId, node, LEASE_SECONDS, live.nodes(), live.graceSeconds()))
        .map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row r = rows.iterator().next();
      return new Lease(clientId, deviceId, r.getString("session_key"), r.getLong("epoch"));
    });
  }

  /** {@link #claim} for many devices in one statement; the result holds the ones this node now owns. */
  public static Future<List<Lease>> claimMany(SqlClient sql, List<String[]> devices, String node, Membership live) {
    return sql.preparedQuery(CLAIM_MANY)
        .execute(Tuple.of(column(devices, 0), column(devices, 1), node, LEASE_SECONDS, live.nodes(), live.graceSeconds()))
        .map(rows -> {
      List<Lease> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Lease(r.getString("client_id"), r.getString("device_id"),
          r.getString("session_key"), r.getLong("epoch"))));
      return out;
    });
  }

  /** Devices {@code node} may take now: {client, device, owner} rows. */
  public static Future<List<String[]>> claimable(SqlClient sql, String node, Membership live, int limit, boolean afterRestart) {
    return sql.preparedQuery(CLAIMABLE).execute(Tuple.of(node, live.nodes(), live.graceSeconds(), limit, afterRestart))
        .map(rows -> {
      List<String[]> out = new ArrayList<>();
      rows.forEach(r -> out.add(new String[] {r.getString("client_id"), r.getString("device_id"), r.getString("owner_node")}));
      return out;
    });
  }

  /** Gives a device this node runs to {@code target}: it takes it at once (its lease is over, and it is the owner). */
  public static Future<Boolean> handOff(SqlClient sql, Lease lease, String target) {
    return sql.preparedQuery(HANDOFF).execute(Tuple.of(lease.clientId(), lease.deviceId(), lease.epoch(), target))
        .map(r -> r.rowCount() == 1);
  }

  /** Extends every lease {@code node} holds; the result says which it still holds and at which epoch. */
  public static Future<List<Lease>> renew(SqlClient sql, String node, List<String[]> devices) {
    return sql.preparedQuery(RENEW).execute(Tuple.of(node, LEASE_SECONDS, column(devices, 0), column(devices, 1))).map(rows -> {
      List<Lease> out = new ArrayList<>();
      rows.forEach(r -> out.add(new Lease(r.getString("client_id"), r.getString("device_id"), null, r.getLong("epoch"))));
      return out;
    });
  }

  public static Future<Void> release(SqlClient sql, Lease lease) {
    return sql.preparedQuery(RELEASE).execute(Tuple.of(lease.clientId(), lease.deviceId(), lease.epoch())).mapEmpty();
  }

  /** One device's state change to record. */
  public record StatusWrite(Lease lease, DeviceStatus status, String lastError, String phone) {

    String key() {
      return lease.clientId() + "/" + lease.deviceId() + "/" + lease.epoch();
    }
  }

  /**
   * Records state changes of many devices in one statement; for each, whether it was written (false:
   * that epoch no longer owns the device). Of several changes of one device only the last is written.
   */
  public static Future<List<Boolean>> statuses(SqlClient sql, List<StatusWrite> writes) {
    Map<String, StatusWrite> newest = new LinkedHashMap<>();
    writes.forEach(w -> newest.put(w.key(), w));
    List<StatusWrite> rows = List.copyOf(newest.values());
    Long[] epochs = rows.stream().map(w -> w.lease().epoch()).toArray(Long[]::new);
    return sql.preparedQuery(STATUSES).execute(Tuple.of(
            rows.stream().map(w -> w.lease().clientId()).toArray(String[]::new),
            rows.stream().map(w -> w.lease().deviceId()).toArray(String[]::new), epochs,
            rows.stream().map(w -> w.status().name()).toArray(String[]::new),
            rows.stream().map(StatusWrite::lastError).toArray(String[]::new),
            rows.stream().map(StatusWrite::phone).toArray(String[]::new)))
        .map(result -> {
          Set<String> written = new HashSet<>();
          result.forEach(r -> written.add(r.getString(0) + "/" + r.getString(1) + "/" + r.getLong(2)));
          return writes.stream().map(w -> written.contains(w.key())).toList();
        });
  }

  public static Future<Void> markStopped(SqlClient sql, String clientId, String deviceId) {
    return sql.preparedQuery(MARK_STOPPED).execute(Tuple.of(clientId, deviceId)).mapEmpty();
  }

  public static Future<Void> desired(SqlClient sql, String clientId, String deviceId, String state) {
    return sql.preparedQuery(DESIRED).execute(Tuple.of(clientId, deviceId, state)).mapEmpty();
  }

  /** A device by its key. */
  public record DeviceKey(String clientId, String deviceId) {
  }

  /** The credentials of each device, in the order given (null for a device without any, or gone). */
  public static Future<List<byte[]>> loadCredentials(SqlClient sql, List<DeviceKey> devices) {
    // addValue, not Tuple.of: a String[] as its last argument would be taken for its varargs.
    return sql.preparedQuery(LOAD_CREDENTIALS).execute(Tuple.tuple()
            .addValue(devices.stream().map(DeviceKey::clientId).toArray(String[]::new))
            .addValue(devices.stream().map(DeviceKey::deviceId).toArray(String[]::new)))
        .map(rows -> {
          List<byte[]> out = new ArrayList<>(rows.size());
          for (Row r : rows) {
            Buffer b = r.getBuffer("credentials");
            out.add(b == null ? null : b.getBytes());
          }
          return out;
        });
  }

  /** Fenced by the epoch: true when written, false when this node no longer owns the device. */
  public static Future<Boolean> saveCredentials(SqlClient sql, Lease lease, byte[] credentials) {
    return sql.preparedQuery(SAVE_CREDENTIALS)
        .execute(Tuple.of(lease.clientId(), lease.deviceId(), credentials == null ? null : Buffer.buffer(credentials),
            lease.epoch()))
        .map(r -> r.rowCount() == 1);
  }

  private static Device device(Row r) {
    return new Device(r.getString("device_id"), r.getString("name"), r.getString("status"), r.getString("phone_number"),
        r.getString("owner_node"), r.getString("last_error"), r.getOffsetDateTime("created_at"),
        r.getOffsetDateTime("connected_at"));
  }
}
