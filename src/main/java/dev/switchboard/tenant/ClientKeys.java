package dev.switchboard.tenant;

import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/**
 * Issues and revokes client keys inside the caller's transaction, each with its {@link ClientChanges.Change}
 * announced in the same transaction, so no node accepts the old key once the change has settled.
 */
final class ClientKeys {

  /** A key just issued: the key itself is shown once, then only its prefix. */
  record IssuedKey(String key, String prefix, OffsetDateTime expiresAt) {

    JsonObject toJson() {
      return new JsonObject().put("key", key).put("prefix", prefix).put("expiresAt", Times.iso(expiresAt));
    }
  }

  private ClientKeys() {
  }

  /** Creates or replaces the change's client's main key, valid for {@code ttlDays}. */
  static Future<IssuedKey> replace(SqlClient sql, ClientChanges.Change change, int ttlDays) {
    String key = ApiKeys.newClientKey();
    IssuedKey issued = new IssuedKey(key, ApiKeys.prefix(key), OffsetDateTime.now(ZoneOffset.UTC).plusDays(ttlDays));
    return KeyRepository.replaceMain(sql, change.clientId(), UUID.randomUUID(), ApiKeys.hash(key), issued.prefix(),
            issued.expiresAt())
        .compose(v -> change.announce(sql))
        .map(issued);
  }

  /** Removes the change's client's main key; true when it had one. */
  static Future<Boolean> revoke(SqlClient sql, ClientChanges.Change change) {
    return KeyRepository.deleteMain(sql, change.clientId())
        .compose(revoked -> change.announce(sql).map(revoked));
  }
}
