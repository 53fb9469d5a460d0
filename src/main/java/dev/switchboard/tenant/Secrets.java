package dev.switchboard.tenant;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster-wide secrets kept in the {@code settings} table: the master key's hash (when the
 * operator did not set one) and the JWT signing key, so that every node accepts every token.
 */
public record Secrets(byte[] masterKeyHash, String jwtSecret) {

  private static final Logger log = LoggerFactory.getLogger(Secrets.class);
  private static final String INSERT = "INSERT INTO settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING name";
  private static final String SELECT = "SELECT value FROM settings WHERE name = $1";

  /** Loads the secrets, creating them on the first start of the first node. */
  public static Future<Secrets> bootstrap(Pool pool, String configuredMasterKey) {
    Future<byte[]> master;
    if (configuredMasterKey != null) {
      master = Future.succeededFuture(ApiKeys.hash(configuredMasterKey));
    } else {
      String candidate = ApiKeys.newMasterKey();
      String candidateHash = Base64.getEncoder().encodeToString(ApiKeys.hash(candidate));
      master = pool.preparedQuery(INSERT).execute(Tuple.of("master_key_sha256", candidateHash)).compose(rows -> {
        if (rows.size() == 1) {
          // Printed once, here, and never stored in clear anywhere.
          log.warn("""

              ================================================================
               Generated master key (shown only this once, store it now):
               {}
              ================================================================""", candidate);
        }
        return pool.preparedQuery(SELECT).execute(Tuple.of("master_key_sha256"))
            .map(r -> Base64.getDecoder().decode(r.iterator().next().getString("value")));
      });
    }
    Future<String> jwt = pool.preparedQuery(INSERT).execute(Tuple.of("jwt_hs256_secret", ApiKeys.randomToken()))
        .compose(ignored -> pool.preparedQuery(SELECT).execute(Tuple.of("jwt_hs256_secret")))
        .map(r -> r.iterator().next().getString("value"));
    return Future.all(master, jwt).map(ignored -> new Secrets(master.result(), jwt.result()));
  }
}
