package dev.switchboard.message;

import dev.switchboard.store.UsageRollup;
import dev.switchboard.kernel.ChatIds;
import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** SQL of the messages and outbox tables: durable sends, receipts, inbound messages and history. */
public final class MessageRepository {

  /**
   * One outbound message to store. {@code takenBy}: the epoch of this node's device actor that will send
   * it at once (see {@link MessageStore#attached}), or null to leave it waiting for a claim.
   */
  public record Draft(String clientId, String deviceId, String messageId, String chatId, String type, JsonObject content,
      String status, OffsetDateTime sendAt, Long takenBy) {
  }

  /** A stored outbound message: its row id, and whether it was stored already taken by its device actor. */
  public record Stored(String messageId, long id, boolean taken) {
  }

  /** A message the device actor has taken from its outbox to send. */
  public record Claimed(long id, String messageId, String chatId, String type, JsonObject content) {
  }

  /**
   * Messages of one send to count under its client's monthly quota of {@code limit} in {@code month}:
   * granted whole or refused whole (see {@link #insertReserving}).
   */
  public record Reservation(String clientId, int count, long limit) {
  }

  /**
   * What a reserving insert stored, and per reservation the month's count after it when granted, or
   * {@code -count - 1} (count: the month's count then) when refused.
   */
  public record Inserted(List<Stored> rows, List<Long> granted) {
  }

  static final String COLUMNS = """
      id, message_id, direction, chat_id, sender, type, content, status, error, send_at, created_at, sent_at,
      delivered_at, read_at, edited_at, revoked_at""";
  // Rows for a device that does not exist or is logged out are left out: RETURNING tells the caller.
  // Each stored row also goes into the outbox, which holds only what is still to be sent (V7). A queued
  // row of a device whose actor runs on this node and still holds the lease ($9-$11: device and epoch)
  // is stored taken, as a claim would leave it, and handed to the actor: no claim statement for it.
  private static final String INSERT = "WITH " + insert("", "SELECT s.message_id, s.id, q.sending FROM stored s JOIN queued q ON q.id = s.id");
  private static final String FIND = "SELECT " + COLUMNS + " " + """
      FROM messages WHERE client_id = $1 AND device_id = $2 AND message_id = $3""";
  // INSERT with the quota counted in the same statement and commit: reserve_messages (V16) locks the
  // clients' rows of the month, grants or refuses each reservation ($12-$14, month $15) and writes the new
  // counts; a draft whose reservation ($16: its 1-based index, null for none) was refused is not stored.
  // The first column carries the answers, on one row even when nothing was stored.
  private static final String INSERT_RESERVING = """
      WITH granted AS MATERIALIZED (SELECT reserve_messages($12::text[], $13::int[], $14::bigint[], $15::date) AS a),
      """ + insert("CROSS JOIN granted g WHERE ($16::int[])[t.n] IS NULL OR g.a[($16::int[])[t.n]] >= 0",
      "SELECT g.a, s.message_id, s.id, q.sending FROM granted g LEFT JOIN (stored s JOIN queued q ON q.id = s.id) ON true");
  // Only what is still in the outbox and not yet taken by the device actor can be cancelled.
  private static final String CANCEL = """
      WITH gone AS (
        DELETE FROM outbox WHERE NOT sending
          AND id = (SELECT id FROM messages WHERE client_id = $1 AND device_id = $2 AND message_id = $3)
        RETURNING id)
      UPDATE messages SET status = 'CANCELLED'
      WHERE id = (SELECT id FROM gone) AND status IN ('SCHEDULED', 'QUEUED')
      RETURNING message_id""";
  private static final String SCHEDULED = "SELECT device_id, " + COLUMNS + " " + """
      FROM messages WHERE id IN (
        SELECT id FROM outbox WHERE client_id = $1 AND send_at IS NOT NULL AND ($2::bigint IS NULL OR id > $2)
        ORDER BY id LIMIT $3)
      ORDER BY id""";
  private static final String HISTORY = "SELECT " + COLUMNS + " " + """
      FROM messages WHERE client_id = $1 AND device_id = $2 AND chat_id = $3 AND ($4::bigint IS NULL OR id < $4)
      ORDER BY id DESC LIMIT $5""";
  private static final String UNREAD = """
      SELECT message_id FROM messages
      WHERE client_id = $1 AND device_id = $2 AND chat_id = $3 AND direction = 'inbound' AND read_at IS NULL
      ORDER BY id LIMIT $4""";
  private static final String MARK_READ = """
      UPDATE messages SET read_at = now()
      WHERE client_id = $1 AND device_id = $2 AND direction = 'inbound' AND message_id = ANY($3::text[])""";
  // Fenced: only a device's current owner takes rows from its outbox. One statement serves many devices
  // (each with its epoch and how many rows it takes): the node's device actors claim together. A taken
  // row stays in the outbox, marked as sending (no longer cancellable), until its outcome is written;
  // after a crash it is taken again and resent with the same message id. Only what the UPDATE took is
  // sent: a row cancelled meanwhile is gone from it. (No FOR UPDATE before it: the UPDATE locks the
  // rows itself, and a lock first cost a record in the write-ahead log per message.)
  private static final String CLAIM = """
      WITH picked AS (
        SELECT x.id FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[]) AS d(c, dv, epoch, lim)
        CROSS JOIN LATERAL (
          SELECT o.id FROM outbox o
          WHERE o.client_id = d.c AND o.device_id = d.dv AND o.send_at IS NULL
            AND EXISTS (SELECT 1 FROM devices dd WHERE dd.client_id = d.c AND dd.device_id = d.dv AND dd.epoch = d.epoch)
          ORDER BY o.id LIMIT d.lim) x),
      taken AS (UPDATE outbox SET sending = true WHERE id = ANY(ARRAY(SELECT id FROM picked)) AND send_at IS NULL RETURNING id)
      SELECT m.id, m.client_id, m.device_id, m.message_id, m.chat_id, m.type, m.content
      FROM messages m WHERE m.id = ANY(ARRAY(SELECT id FROM taken))""";
  // A receipt can come before the SENT is written: the status only moves on from QUEUED. The outbox
  // row goes; the message rows are locked in id order, as RECEIPTS does, so the two never deadlock.
  // What left the outbox is counted as sent once (a redone statement finds its rows gone).
  private static final String MARK_SENT = """
      WITH gone AS (DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING id),
      locked AS (SELECT id FROM messages WHERE id = ANY(ARRAY(SELECT id FROM gone)) ORDER BY id FOR UPDATE),
      done AS (UPDATE messages m SET status = CASE WHEN m.status = 'QUEUED' THEN 'SENT' ELSE m.status END,
        sent_at = COALESCE(m.sent_at, now()), error = NULL
      WHERE m.id = ANY(ARRAY(SELECT id FROM locked)) RETURNING m.client_id)
      """ + UsageRollup.select("done", "sent", "count(*)");
  private static final String MARK_FAILED = """
      WITH gone AS (DELETE FROM outbox WHERE id = $1 RETURNING id),
      done AS (UPDATE messages SET status = 'FAILED', error = $2 WHERE id = (SELECT id FROM gone) AND status = 'QUEUED'
        RETURNING client_id)
      """ + UsageRollup.select("done", "failed", "count(*)");
  // Receipts only move a message forward: SENT < DELIVERED < READ. One statement for many receipts
  // (at most one per message: the caller keeps the furthest). Like MARK_SENT it locks its rows in id
  // order first, so the two never deadlock; rows are found through indexes (ANY of ids), never by a
  // scan of the table.
  private static final String RECEIPTS = """
      WITH t AS (
        SELECT found.id, t.status FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(c, d, mid, status)
        CROSS JOIN LATERAL (SELECT m.id FROM messages m
          WHERE m.client_id = t.c AND m.device_id = t.d AND m.message_id = t.mid AND m.direction = 'outbound' OFFSET 0) found),
      locked AS (SELECT id, delivered_at IS NULL AS undelivered, read_at IS NULL AS unread
        FROM messages WHERE id = ANY(ARRAY(SELECT id FROM t)) ORDER BY id FOR UPDATE),
      done AS (UPDATE messages m SET status = t.status,
        sent_at = COALESCE(m.sent_at, now()),
        delivered_at = COALESCE(m.delivered_at, now()),
        read_at = CASE WHEN t.status = 'READ' THEN COALESCE(m.read_at, now()) ELSE m.read_at END
      FROM t JOIN locked l ON l.id = t.id WHERE m.id = ANY(ARRAY(SELECT id FROM locked)) AND m.id = t.id
        AND (m.status IN ('QUEUED', 'SENT') OR m.status = 'DELIVERED' AND t.status = 'READ')
      RETURNING m.client_id, l.undelivered, t.status = 'READ' AND l.unread AS newly_read)
      """ + UsageRollup.select("done", "delivered", "count(*) FILTER (WHERE undelivered)",
          "read", "count(*) FILTER (WHERE newly_read)");
  // A redelivered message (same id) is left out: RETURNING tells which rows are new.
  private static final String INSERT_INBOUND = """
      WITH fresh AS (INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, sender, type, content, status, created_at)
      SELECT t.c, t.d, t.mid, 'inbound', t.chat, t.sender, t.type, t.content::jsonb, 'RECEIVED', COALESCE(t.at, now())
      FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
        WITH ORDINALITY AS t(c, d, mid, chat, sender, type, content, at, n)
      ORDER BY t.n
      ON CONFLICT (client_id, device_id, message_id) DO NOTHING RETURNING client_id, device_id, message_id)
      SELECT client_id, device_id, message_id FROM fresh""";
  private static final String PROMOTE = """
      WITH due AS (
        UPDATE outbox SET send_at = NULL WHERE id IN (
          SELECT id FROM outbox WHERE send_at <= now() ORDER BY send_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, client_id, device_id),
      queued AS (UPDATE messages SET status = 'QUEUED' WHERE id = ANY(ARRAY(SELECT id FROM due)) AND status = 'SCHEDULED')
      SELECT client_id, device_id FROM due""";
  private static final String WAITING = """
      SELECT DISTINCT client_id, device_id FROM outbox
      WHERE send_at IS NULL AND queued_at < now() - make_interval(secs => $1) LIMIT $2""";

  private MessageRepository() {
  }

  /** The CTEs of INSERT with a condition on the drafts ({@code t}, joined to their device) and the final select. */
  private static String insert(String where, String select) {
    return """
        stored AS (
          INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, type, content, status, send_at)
          SELECT t.c, t.d, t.m, 'outbound', t.chat, t.type, t.content::jsonb, t.status, t.send_at
          FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
            WITH ORDINALITY AS t(c, d, m, chat, type, content, status, send_at, n)
          JOIN devices dv ON dv.client_id = t.c AND dv.device_id = t.d AND dv.desired_state = 'CONNECTED'
          %s
          ORDER BY t.n
          RETURNING id, client_id, device_id, message_id, status, send_at),
        owned AS (
          SELECT dv.client_id, dv.device_id FROM unnest($9::text[], $10::text[], $11::bigint[]) AS x(c, d, epoch)
          JOIN devices dv ON dv.client_id = x.c AND dv.device_id = x.d AND dv.epoch = x.epoch),
        queued AS (
          INSERT INTO outbox (id, client_id, device_id, send_at, sending)
          SELECT s.id, s.client_id, s.device_id, CASE WHEN s.status = 'SCHEDULED' THEN s.send_at END,
            s.status = 'QUEUED' AND EXISTS (SELECT 1 FROM owned o WHERE o.client_id = s.client_id AND o.device_id = s.device_id)
          FROM stored s ORDER BY s.id
          RETURNING id, sending)
        %s""".formatted(where, select);
  }

  /**
   * Stores outbound messages in one statement; the result holds the rows that were stored (a draft of a
   * device that does not exist or is logged out is left out), each with whether it was stored taken.
   */
  public static Future<List<Stored>> insert(SqlClient sql, List<Draft> drafts) {
    Tuple t = insertTuple(drafts);
    return sql.preparedQuery(INSERT).execute(t).map(rows -> {
      List<Stored> stored = new ArrayList<>(rows.size());
      rows.forEach(r -> stored.add(new Stored(r.getString(0), r.getLong(1), r.getBoolean(2))));
      return stored;
    });
  }

  /** $1-$11 of INSERT: the drafts, and the devices whose actor takes theirs at once with its epoch. */
  private static Tuple insertTuple(List<Draft> drafts) {
    int n = drafts.size();
    String[] c = new String[n];
    String[] d = new String[n];
    String[] m = new String[n];
    String[] chat = new String[n];
    String[] type = new String[n];
    String[] content = new String[n];
    String[] status = new String[n];
    OffsetDateTime[] sendAt = new OffsetDateTime[n];
    Map<String, Draft> takers = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      Draft x = drafts.get(i);
      c[i] = x.clientId();
      d[i] = x.deviceId();
      m[i] = x.messageId();
      chat[i] = x.chatId();
      type[i] = x.type();
      content[i] = StoredText.encode(x.content()).encode();
      status[i] = x.status();
      sendAt[i] = x.sendAt();
      if (x.takenBy() != null) {
        takers.putIfAbsent(x.clientId() + "/" + x.deviceId(), x);
      }
    }
    return Tuple.of(c, d, m, chat, type, content, status).addArrayOfOffsetDateTime(sendAt)
        .addArrayOfString(takers.values().stream().map(Draft::clientId).toArray(String[]::new))
        .addArrayOfString(takers.values().stream().map(Draft::deviceId).toArray(String[]::new))
        .addArrayOfLong(takers.values().stream().map(Draft::takenBy).toArray(Long[]::new));
  }

  /**
   * Stores the drafts as {@link #insert} does, counting {@code reservations} under their quotas in the same
   * statement: a draft of a refused reservation ({@code reservationOf}: per draft the 1-based index of its
   * reservation, or null) is not stored. The clients' usage rows stay locked until this commits, so
   * concurrent sends of one client, from any node, are counted one after the other.
   */
  public static Future<Inserted> insertReserving(SqlClient sql, List<Draft> drafts, List<Reservation> reservations,
      Integer[] reservationOf, LocalDate month) {
    Tuple t = insertTuple(drafts)
        .addArrayOfString(reservations.stream().map(Reservation::clientId).toArray(String[]::new))
        .addArrayOfInteger(reservations.stream().map(Reservation::count).toArray(Integer[]::new))
        .addArrayOfLong(reservations.stream().map(Reservation::limit).toArray(Long[]::new))
        .addLocalDate(month)
        .addArrayOfInteger(reservationOf);
    return sql.preparedQuery(INSERT_RESERVING).execute(t).map(rows -> {
      List<Stored> stored = new ArrayList<>(rows.size());
      List<Long> granted = List.of();
      for (Row r : rows) {
        granted = List.of(r.getArrayOfLongs(0));
        if (r.getString(1) != null) {
          stored.add(new Stored(r.getString(1), r.getLong(2), r.getBoolean(3)));
        }
      }
      return new Inserted(stored, granted);
    });
  }

  public static Future<StoredMessage> find(SqlClient sql, String clientId, String deviceId, String messageId) {
    return sql.preparedQuery(FIND).execute(Tuple.of(clientId, deviceId, messageId))
        .map(rows -> rows.size() == 0 ? null : message(rows.iterator().next(), false));
  }

  /** True when the message was SCHEDULED or QUEUED and is now CANCELLED. */
  public static Future<Boolean> cancel(SqlClient sql, String clientId, String deviceId, String messageId) {
    return sql.preparedQuery(CANCEL).execute(Tuple.of(clientId, deviceId, messageId)).map(r -> r.size() == 1);
  }

  /** Items of the client's scheduled messages, oldest first, {@code limit + 1} at most (see Page). */
  public static Future<List<StoredMessage>> scheduled(SqlClient sql, String clientId, Long afterId, int limit) {
    return sql.preparedQuery(SCHEDULED).execute(Tuple.of(clientId, afterId, limit + 1)).map(rows -> {
      List<StoredMessage> items = new ArrayList<>(rows.size());
      rows.forEach(r -> items.add(message(r, true)));
      return items;
    });
  }

  public static Future<List<StoredMessage>> history(SqlClient sql, String clientId, String deviceId, String chatId,
      Long beforeId, int limit) {
    return sql.preparedQuery(HISTORY).execute(Tuple.of(clientId, deviceId, chatId, beforeId, limit + 1)).map(rows -> {
      List<StoredMessage> items = new ArrayList<>(rows.size());
      rows.forEach(r -> items.add(message(r, false)));
      return items;
    });
  }

  public static Future<List<String>> unread(SqlClient sql, String clientId, String deviceId, String chatId, int limit) {
    return sql.preparedQuery(UNREAD).execute(Tuple.of(clientId, deviceId, chatId, limit)).map(rows -> {
      List<String> ids = new ArrayList<>();
      rows.forEach(r -> ids.add(r.getString(0)));
      return ids;
    });
  }

  public static Future<Void> markRead(SqlClient sql, String clientId, String deviceId, List<String> messageIds) {
    return sql.preparedQuery(MARK_READ).execute(Tuple.of(clientId, deviceId, messageIds.toArray(String[]::new))).mapEmpty();
  }

  /** One device's request to take up to {@code limit} rows from its outbox; none when {@code epoch} is no longer its. */
  public record Claim(String clientId, String deviceId, long epoch, int limit) {
  }

  /** Takes rows for several devices in one statement; the answer holds each claim's rows, oldest first. */
  public static Future<List<List<Claimed>>> claim(SqlClient sql, List<Claim> claims) {
    int n = claims.size();
    String[] c = new String[n];
    String[] d = new String[n];
    Long[] epoch = new Long[n];
    Integer[] limit = new Integer[n];
    for (int i = 0; i < n; i++) {
      Claim x = claims.get(i);
      c[i] = x.clientId();
      d[i] = x.deviceId();
      epoch[i] = x.epoch();
      limit[i] = x.limit();
    }
    return sql.preparedQuery(CLAIM).execute(Tuple.of(c, d, epoch, limit)).map(rows -> {
      Map<String, List<Claimed>> byDevice = new HashMap<>();
      rows.forEach(r -> byDevice.computeIfAbsent(r.getString("client_id") + "/" + r.getString("device_id"), k -> new ArrayList<>())
          .add(new Claimed(r.getLong("id"), r.getString("message_id"), r.getString("chat_id"), r.getString("type"),
              (JsonObject) StoredText.decode(r.getValue("content")))));
      List<List<Claimed>> out = new ArrayList<>(n);
      for (Claim x : claims) {
        List<Claimed> mine = byDevice.getOrDefault(x.clientId() + "/" + x.deviceId(), List.of());
        out.add(mine.stream().sorted(Comparator.comparingLong(Claimed::id)).toList());
      }
      return out;
    });
  }

  public static Future<Void> markSent(SqlClient sql, List<Long> ids, UsageRollup usage) {
    return sql.preparedQuery(MARK_SENT).execute(Tuple.of(ids.toArray(Long[]::new))).map(rows -> {
      usage.add(rows);
      return null;
    });
  }

  public static Future<Void> markFailed(SqlClient sql, long id, String error, UsageRollup usage) {
    return sql.preparedQuery(MARK_FAILED).execute(Tuple.of(id, error)).map(rows -> {
      usage.add(rows);
      return null;
    });
  }

  /** A delivery or read receipt for an outbound message. */
  public record Receipt(String clientId, String deviceId, String messageId, String status) {

    String key() {
      return clientId + "/" + deviceId + "/" + messageId;
    }
  }

  /** Moves outbound messages to DELIVERED or READ in one statement (never backwards). */
  public static Future<Void> receipts(SqlClient sql, List<Receipt> receipts, UsageRollup usage) {
    Map<String, Receipt> furthest = new LinkedHashMap<>();
    for (Receipt r : receipts) {
      furthest.merge(r.key(), r, (x, y) -> "READ".equals(x.status()) ? x : y);
    }
    List<Receipt> rows = List.copyOf(furthest.values());
    return sql.preparedQuery(RECEIPTS).execute(Tuple.of(
        rows.stream().map(Receipt::clientId).toArray(String[]::new), rows.stream().map(Receipt::deviceId).toArray(String[]::new),
        rows.stream().map(Receipt::messageId).toArray(String[]::new), rows.stream().map(Receipt::status).toArray(String[]::new)))
        .map(counts -> {
          usage.add(counts);
          return null;
        });
  }

  /** An inbound message to store. */
  public record Inbound(String clientId, String deviceId, String messageId, String chatId, String sender, String type,
      JsonObject content, OffsetDateTime at) {

    String key() {
      return clientId + "/" + deviceId + "/" + messageId;
    }
  }

  /** Stores inbound messages in one statement; for each, whether it is new (false: a redelivery, dropped). */
  public static Future<List<Boolean>> insertInbound(SqlClient sql, List<Inbound> messages, UsageRollup usage) {
    int n = messages.size();
    String[][] text = new String[7][n];
    OffsetDateTime[] at = new OffsetDateTime[n];
    for (int i = 0; i < n; i++) {
      Inbound x = messages.get(i);
      String[] row = {x.clientId(), x.deviceId(), x.messageId(), x.chatId(), x.sender(), x.type(),
          StoredText.encode(x.content()).encode()};
      for (int k = 0; k < row.length; k++) {
        text[k][i] = row[k];
      }
      at[i] = x.at();
    }
    return sql.preparedQuery(INSERT_INBOUND)
        .execute(Tuple.of(text[0], text[1], text[2], text[3], text[4], text[5], text[6]).addArrayOfOffsetDateTime(at))
        .map(rows -> {
          Set<String> fresh = new HashSet<>();
          rows.forEach(r -> {
            fresh.add(r.getString(0) + "/" + r.getString(1) + "/" + r.getString(2));
            usage.add(r.getString(0), "received", 1);
          });
          // The same message twice in one batch is new only the first time.
          return messages.stream().map(m -> fresh.remove(m.key())).toList();
        });
  }

  /** Queues the scheduled messages that are due; the result lists their devices, {client, device} pairs. */
  public static Future<List<String[]>> promoteDue(SqlClient sql, int limit) {
    return sql.preparedQuery(PROMOTE).execute(Tuple.of(limit)).map(MessageRepository::pairs);
  }

  /** Devices with messages waiting longer than {@code seconds} (a wake-up that got lost). */
  public static Future<List<String[]>> waiting(SqlClient sql, int seconds, int limit) {
    return sql.preparedQuery(WAITING).execute(Tuple.of(seconds, limit)).map(MessageRepository::pairs);
  }

  private static List<String[]> pairs(io.vertx.sqlclient.RowSet<Row> rows) {
    List<String[]> out = new ArrayList<>();
    rows.forEach(r -> out.add(new String[] {r.getString("client_id"), r.getString("device_id")}));
    return out;
  }

  /** A row of {@code messages}; its device id only when {@code withDevice} (lists that span devices). */
  static StoredMessage message(Row r, boolean withDevice) {
    return new StoredMessage(r.getLong("id"), withDevice ? r.getString("device_id") : null, r.getString("message_id"),
        r.getString("direction"), r.getString("chat_id"), r.getString("sender"), r.getString("type"),
        r.getString("status"), r.getString("error"), (JsonObject) StoredText.decode(r.getValue("content")),
        r.getOffsetDateTime("send_at"), r.getOffsetDateTime("created_at"), r.getOffsetDateTime("sent_at"),
        r.getOffsetDateTime("delivered_at"), r.getOffsetDateTime("read_at"), r.getOffsetDateTime("edited_at"),
        r.getOffsetDateTime("revoked_at"));
  }

  static OffsetDateTime utc(java.time.Instant t) {
    return t == null ? null : t.atOffset(ZoneOffset.UTC);
  }
}
