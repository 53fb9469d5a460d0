package dev.switchboard.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.TestBed;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The node's batched message writes against a real PostgreSQL: many items in one statement still
 * get their own answers (a redelivered inbound message is dropped, in one batch or across batches),
 * receipts never move a message backwards, and claims are fenced by each device's epoch.
 */
class MessageStoreTest {

  @RegisterExtension
  static final TestBed bed = TestBed.database().withPool(4);

  private static MessageStore store;

  @BeforeAll
  static void start() throws Exception {
    store = new MessageStore(bed.vertx(), bed.pool(), bed.pool(), dev.switchboard.metrics.Metrics.off(),
        new dev.switchboard.store.UsageRollup(bed.vertx(), bed.pool()));
    bed.pool().query("INSERT INTO clients (client_id, webhook_secret) VALUES ('c', 'whsec_x')").execute()
        .compose(v -> bed.pool().query("""
            INSERT INTO devices (client_id, device_id, session_key, epoch) VALUES
              ('c', 'd1', 'k1', 1), ('c', 'd2', 'k2', 1)""").execute())
        .await(10, TimeUnit.SECONDS);
  }

  private static MessageRepository.Inbound inbound(String device, String id) {
    return new MessageRepository.Inbound("c", device, id, "4477@s.whatsapp.net", "4477@s.whatsapp.net", "text",
        new JsonObject().put("text", "hi " + id), null);
  }

  @Test
  void aRedeliveredInboundMessageIsNewOnlyOnce() throws Exception {
    // Submitted together: the first goes alone, the rest share the next statement.
    List<Future<Boolean>> first = new ArrayList<>();
    for (String id : List.of("in-1", "in-2", "in-1", "in-3", "in-2")) {
      first.add(store.inbound(inbound("d1", id)));
    }
    Future.all(first).await(10, TimeUnit.SECONDS);
    assertEquals(List.of(true, true, false, true, false), first.stream().map(Future::result).toList());
    // Later, and on another device the same id is a different message.
    assertEquals(false, store.inbound(inbound("d1", "in-3")).await(10, TimeUnit.SECONDS));
    assertEquals(true, store.inbound(inbound("d2", "in-3")).await(10, TimeUnit.SECONDS));
    assertEquals(3L, count("SELECT count(*) FROM messages WHERE device_id = 'd1' AND direction = 'inbound'"));
  }

  @Test
  void receiptsInOneBatchKeepTheFurthestStatus() throws Exception {
    bed.pool().query("""
        INSERT INTO messages (client_id, device_id, message_id, direction, chat_id, type, content, status) VALUES
          ('c', 'd1', 'out-1', 'outbound', 'x', 'text', '{}', 'SENT'),
          ('c', 'd1', 'out-2', 'outbound', 'x', 'text', '{}', 'SENT'),
          ('c', 'd1', 'out-3', 'outbound', 'x', 'text', '{}', 'READ')""").execute().await(10, TimeUnit.SECONDS);
    List<Future<Void>> all = new ArrayList<>();
    for (String[] r : new String[][] {{"out-1", "DELIVERED"}, {"out-1", "READ"}, {"out-2", "READ"}, {"out-2", "DELIVERED"},
        {"out-3", "DELIVERED"}}) {
      all.add(store.receipt(new MessageRepository.Receipt("c", "d1", r[0], r[1])));
    }
    Future.all(all).await(10, TimeUnit.SECONDS);
    assertEquals("READ", status("out-1"));
    assertEquals("READ", status("out-2"));
    assertEquals("READ", status("out-3"), "a late DELIVERED does not move READ back");
  }

  @Test
  void claimsOfSeveralDevicesInOneStatementAreFencedByEpoch() throws Exception {
    MessageRepository.insert(bed.pool(), List.of(queued("d1", "q-1"), queued("d1", "q-2"), queued("d2", "q-3")))
        .await(10, TimeUnit.SECONDS);
    Future<List<MessageRepository.Claimed>> d1 = store.claim("c", "d1", 1, 10);
    Future<List<MessageRepository.Claimed>> stale = store.claim("c", "d2", 0, 10);
    Future.all(d1, stale).await(10, TimeUnit.SECONDS);
    assertEquals(List.of("q-1", "q-2"), d1.result().stream().map(MessageRepository.Claimed::messageId).toList());
    assertEquals(List.of(), stale.result(), "an old epoch takes nothing");
    assertEquals("QUEUED", status("q-3"));
    assertEquals(List.of("q-3"), store.claim("c", "d2", 1, 10).await(10, TimeUnit.SECONDS).stream()
        .map(MessageRepository.Claimed::messageId).toList());
    store.markSent(List.of(d1.result().get(0).id())).await(10, TimeUnit.SECONDS);
    assertEquals("SENT", status("q-1"));
    assertEquals("QUEUED", status("q-2"));
    assertEquals(List.of("q-2", "q-3"), outbox(), "a sent message leaves the outbox; taken ones stay until sent");
    assertEquals(false, MessageRepository.cancel(bed.pool(), "c", "d1", "q-2").await(10, TimeUnit.SECONDS),
        "a message being sent can no longer be cancelled");
  }

  @Test
  void aQueuedMessageIsCancelledUntilItIsTakenAndAReceiptBeforeTheSentIsKept() throws Exception {
    MessageRepository.insert(bed.pool(), List.of(queued("d1", "c-1"), queued("d1", "c-2"))).await(10, TimeUnit.SECONDS);
    assertEquals(true, MessageRepository.cancel(bed.pool(), "c", "d1", "c-1").await(10, TimeUnit.SECONDS));
    assertEquals("CANCELLED", status("c-1"));
    List<MessageRepository.Claimed> taken = store.claim("c", "d1", 1, 10).await(10, TimeUnit.SECONDS);
    assertEquals(List.of("c-2"), taken.stream().map(MessageRepository.Claimed::messageId).filter(id -> id.startsWith("c-")).toList(),
        "a cancelled message is not sent");
    // The receiver's receipt can be written before the device actor's SENT: DELIVERED stays.
    store.receipt(new MessageRepository.Receipt("c", "d1", "c-2", "DELIVERED")).await(10, TimeUnit.SECONDS);
    store.markSent(taken.stream().map(MessageRepository.Claimed::id).toList()).await(10, TimeUnit.SECONDS);
    assertEquals("DELIVERED", status("c-2"));
    assertEquals(false, outbox().contains("c-2"));
  }

  @Test
  void aSendIsStoredTakenOnlyForTheActorHoldingTheLease() throws Exception {
    OffsetDateTime later = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1);
    List<MessageRepository.Stored> rows = MessageRepository.insert(bed.pool(), List.of(
        taken("d1", "t-1", 1L), taken("d1", "t-2", 1L), taken("d2", "t-3", 0L), queued("d2", "t-4"),
        new MessageRepository.Draft("c", "d1", "t-5", "x", "text", new JsonObject(), "SCHEDULED", later, 1L)))
        .await(10, TimeUnit.SECONDS);
    assertEquals(List.of("t-1", "t-2", "t-3", "t-4", "t-5"), rows.stream().map(MessageRepository.Stored::messageId).sorted().toList());
    assertEquals(List.of("t-1", "t-2"), rows.stream().filter(MessageRepository.Stored::taken)
        .map(MessageRepository.Stored::messageId).sorted().toList(), "a stale epoch and a scheduled message are not taken");
    assertEquals(false, MessageRepository.cancel(bed.pool(), "c", "d1", "t-1").await(10, TimeUnit.SECONDS),
        "a message handed to its actor is being sent");
    assertEquals(true, MessageRepository.cancel(bed.pool(), "c", "d2", "t-3").await(10, TimeUnit.SECONDS));
    // After a crash the taken rows are claimed again, like any row taken but not sent.
    assertEquals(true, store.claim("c", "d1", 1, 100).await(10, TimeUnit.SECONDS).stream()
        .map(MessageRepository.Claimed::messageId).toList().containsAll(List.of("t-1", "t-2")));
    bed.pool().query("DELETE FROM outbox WHERE id IN (SELECT id FROM messages WHERE message_id LIKE 't-%')").execute()
        .await(10, TimeUnit.SECONDS);
  }

  private static MessageRepository.Draft queued(String device, String messageId) {
    return taken(device, messageId, null);
  }

  private static MessageRepository.Draft taken(String device, String messageId, Long epoch) {
    return new MessageRepository.Draft("c", device, messageId, "x", "text", new JsonObject(), "QUEUED", null, epoch);
  }

  private static List<String> outbox() throws Exception {
    List<String> ids = new ArrayList<>();
    bed.pool().query("SELECT m.message_id FROM outbox o JOIN messages m ON m.id = o.id ORDER BY o.id").execute()
        .await(10, TimeUnit.SECONDS).forEach(r -> ids.add(r.getString(0)));
    return ids;
  }

  private static String status(String messageId) throws Exception {
    Row row = bed.pool().preparedQuery("SELECT status FROM messages WHERE message_id = $1").execute(Tuple.of(messageId))
        .await(10, TimeUnit.SECONDS).iterator().next();
    return row.getString(0);
  }

  private static long count(String sql) throws Exception {
    return bed.pool().query(sql).execute().await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
  }

  @Test
  void textPostgresqlCannotHoldRoundTripsThroughTheMessagesTable() throws Exception {
    String odd = "nul \u0000 lone high \ud83d, lone low \ude00, pair \ud83d\ude00, noncharacter \uffff0041, end \ud83d";
    JsonObject content = new JsonObject().put("text", odd).put("k\u0000ey", new io.vertx.core.json.JsonArray().add(odd))
        .put("plain", "unchanged");
    store.inbound(new MessageRepository.Inbound("c", "d2", "odd-1", "4477@s.whatsapp.net", "4477@s.whatsapp.net", "text",
        content, null)).await(10, TimeUnit.SECONDS);
    Row row = bed.pool().preparedQuery("SELECT * FROM messages WHERE message_id = $1").execute(Tuple.of("odd-1"))
        .await(10, TimeUnit.SECONDS).iterator().next();
    assertEquals(content, MessageRepository.message(row, false).content());
    // Rows written before the escaping (no U+FFFF in them) read back as they are.
    assertEquals("caf\u00e9 \ud83d\ude00", StoredText.decode("caf\u00e9 \ud83d\ude00"));
  }
}
