package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.switchboard.config.DbUrl;
import dev.switchboard.store.Db;
import dev.switchboard.store.Migrations;
import dev.switchboard.support.TestDatabase;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node's batched device statements against real PostgreSQL: state changes (fenced by epoch, the
 * newest change of a device wins), their lock order against lease renewals, and credential loads.
 */
class StatusWriterTest {

  @Test
  void batchedChangesKeepTheNewestPerDeviceAndRefuseAStaleEpoch() throws Exception {
    withDatabase(pool -> {
      pool.query("""
          INSERT INTO devices (client_id, device_id, session_key, epoch) VALUES ('c', 'a', 'ka', 3), ('c', 'b', 'kb', 1)""")
          .execute().await(10, TimeUnit.SECONDS);
      StatusWriter writer = new StatusWriter(pool);
      DeviceRepository.Lease a = new DeviceRepository.Lease("c", "a", "ka", 3);
      DeviceRepository.Lease staleB = new DeviceRepository.Lease("c", "b", "kb", 0);
      // The first goes alone; the next three share one statement, where a's QR_READY is replaced by CONNECTED.
      List<Future<Boolean>> writes = List.of(
          writer.write(a, DeviceStatus.CONNECTING, null, null),
          writer.write(a, DeviceStatus.QR_READY, null, null),
          writer.write(staleB, DeviceStatus.CONNECTED, null, "4411"),
          writer.write(a, DeviceStatus.CONNECTED, null, "4477"));
      Future.all(writes).await(10, TimeUnit.SECONDS);
      assertEquals(List.of(true, true, false, true), writes.stream().map(Future::result).toList());
      Row rowA = pool.query("SELECT status, phone_number, connected_at FROM devices WHERE device_id = 'a'").execute()
          .await(10, TimeUnit.SECONDS).iterator().next();
      assertEquals("CONNECTED", rowA.getString("status"));
      assertEquals("4477", rowA.getString("phone_number"));
      Row rowB = pool.query("SELECT status, phone_number FROM devices WHERE device_id = 'b'").execute()
          .await(10, TimeUnit.SECONDS).iterator().next();
      assertEquals("CONNECTING", rowB.getString("status"), "a stale epoch writes nothing");
      assertEquals(null, rowB.getString("phone_number"));
    });
  }

  @Test
  void stateChangesAndLeaseRenewalsOfManyDevicesNeverDeadlock() throws Exception {
    withDatabase(pool -> {
      int n = 300;
      pool.query("INSERT INTO devices (client_id, device_id, session_key, epoch, owner_node)"
              + " SELECT 'c', 'd' || lpad(i::text, 4, '0'), 'k' || i, 1, 'n1' FROM generate_series(1, " + n + ") i").execute()
          .await(10, TimeUnit.SECONDS);
      List<String[]> ascending = new ArrayList<>();
      List<DeviceRepository.StatusWrite> changes = new ArrayList<>();
      for (int i = 1; i <= n; i++) {
        String id = String.format("d%04d", i);
        ascending.add(new String[] {"c", id});
        changes.add(new DeviceRepository.StatusWrite(new DeviceRepository.Lease("c", id, "k", 1), DeviceStatus.CONNECTED, null, null));
      }
      List<String[]> descending = new ArrayList<>(ascending);
      Collections.reverse(descending);
      // Opposite orders, at once, many times: without ordered locking PostgreSQL reports a deadlock within a few rounds.
      for (int round = 0; round < 30; round++) {
        Future.all(DeviceRepository.statuses(pool, changes), DeviceRepository.renew(pool, "n1", descending))
            .await(20, TimeUnit.SECONDS);
      }
      long deadlocks = pool.query("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()").execute()
          .await(10, TimeUnit.SECONDS).iterator().next().getLong(0);
      assertEquals(0, deadlocks);
    });
  }

  @Test
  void credentialLoadsOfManyDevicesShareStatementsAndAnswerEachItsOwn() throws Exception {
    withDatabase(pool -> {
      pool.query("INSERT INTO devices (client_id, device_id, session_key, credentials)"
              + " SELECT 'c', 'd' || i, 'k' || i, CASE WHEN i % 3 = 0 THEN NULL ELSE convert_to('creds-' || i, 'UTF8') END"
              + " FROM generate_series(1, 1200) i").execute()
          .await(10, TimeUnit.SECONDS);
      CredentialReader reader = new CredentialReader(pool);
      List<Future<byte[]>> loads = new ArrayList<>();
      for (int i = 1; i <= 1200; i++) {
        loads.add(reader.load("c", "d" + i));
      }
      Future<byte[]> gone = reader.load("c", "no-such-device");
      Future.all(loads).await(20, TimeUnit.SECONDS);
      for (int i = 1; i <= 1200; i++) {
        byte[] got = loads.get(i - 1).result();
        if (i % 3 == 0) {
          assertEquals(null, got, "d" + i + " has no credentials");
        } else {
          assertEquals("creds-" + i, new String(got, java.nio.charset.StandardCharsets.UTF_8));
        }
      }
      assertEquals(null, gone.await(5, TimeUnit.SECONDS));
    });
  }

  private interface DatabaseTest {
    void run(Pool pool) throws Exception;
  }

  /** Runs {@code test} against a fresh migrated database holding client 'c'. */
  private static void withDatabase(DatabaseTest test) throws Exception {
    DbUrl db = DbUrl.parse(TestDatabase.newDatabase());
    Migrations.apply(db);
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = Db.pool(vertx, db, 4);
      pool.query("INSERT INTO clients (client_id, webhook_secret) VALUES ('c', 'whsec_x')").execute().await(10, TimeUnit.SECONDS);
      test.run(pool);
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }
}
