package dev.switchboard.event;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.support.TestBed;
import dev.switchboard.support.TestNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The retention purge: every expired event goes, however many, and nothing a delivery still needs. */
class EventPurgeTest {

  @RegisterExtension
  final TestBed bed = TestBed.database().withPool(2);

  @Test
  void purgesEveryExpiredEventInBatchesAndKeepsWhatIsPendingOrRecent() {
    // 8 days old: 25 delivered and 2 dead-lettered (expired), 1 still pending (kept); 3 delivered an hour ago (kept).
    events("old-delivered-", 25, "8 days", "delivered");
    events("old-failed-", 2, "8 days", "failed");
    events("old-pending-", 1, "8 days", "pending");
    events("recent-", 3, "1 hour", "delivered");

    // Batches of 10: three statements for the 27 expired events, the last one short.
    assertEquals(27, TestNode.await(EventRepository.purge(bed.pool(), 7, 10)));

    assertEquals(List.of("old-pending-1", "recent-1", "recent-2", "recent-3"), ids("SELECT id FROM events ORDER BY id"));
    assertEquals(List.of("old-pending-1", "recent-1", "recent-2", "recent-3"),
        ids("SELECT event_id FROM webhook_deliveries ORDER BY event_id"), "the purged events' deliveries went with them");
    assertEquals(0, TestNode.await(EventRepository.purge(bed.pool(), 7, 10)), "nothing left to purge");
  }

  private void events(String prefix, int count, String age, String status) {
    TestNode.await(bed.pool().query("""
        WITH e AS (
          INSERT INTO events (id, client_id, device_id, event, payload, created_at)
          SELECT '%1$s' || n, 'c1', 'd1', 'message', '{}', now() - interval '%2$s' FROM generate_series(1, %3$d) AS n
          RETURNING id, client_id, device_id, event, created_at)
        INSERT INTO webhook_deliveries (event_id, client_id, device_id, event, status, created_at)
        SELECT id, client_id, device_id, event, '%4$s', created_at FROM e""".formatted(prefix, age, count, status)).execute());
  }

  private List<String> ids(String sql) {
    List<String> out = new ArrayList<>();
    TestNode.await(bed.pool().query(sql).execute()).forEach(row -> out.add(row.getString(0)));
    return out;
  }
}
