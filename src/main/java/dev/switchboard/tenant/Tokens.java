package dev.switchboard.tenant;

import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Principal;
import dev.switchboard.kernel.Times;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * JWTs signed with the cluster's secret. Each names the key it was issued with in its {@code kid}
 * claim (a client key's id, or the master key's id) and is accepted only while that key is: a token
 * dies with a rotated or revoked client key, and with a master key the node no longer has.
 */
final class Tokens {

  private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");

  private final JWTAuth jwt;
  private final String masterKeyId;

  Tokens(Vertx vertx, Secrets secrets) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("HS256").setBuffer(secrets.jwtSecret())));
    this.masterKeyId = masterKeyId(secrets);
  }

  /**
   * The master key's id in its tokens: an HMAC of the key's hash under the JWT secret. A prefix of the
   * hash itself would let anyone holding a token test guesses of a weak operator-chosen master key.
   */
  static String masterKeyId(Secrets secrets) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secrets.jwtSecret().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update("master-key-id:".getBytes(StandardCharsets.UTF_8));
      byte[] id = Arrays.copyOf(mac.doFinal(secrets.masterKeyHash()), 16);
      return "master:" + Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether a credential has the shape of a JWT (three base64url parts); no API key has. */
  static boolean shaped(String credential) {
    return SHAPE.matcher(credential).matches();
  }

  JsonObject issue(Principal principal, int ttlSeconds) {
    JsonObject claims = principal.isMaster()
        ? new JsonObject().put("scope", "master").put("sub", "master").put("kid", masterKeyId)
        : new JsonObject().put("scope", "client").put("sub", principal.clientId()).put("kid", principal.keyId());
    String token = jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
    return new JsonObject()
        .put("token", token)
        .put("expiresAt", Times.iso(Instant.now().plusSeconds(ttlSeconds)))
        .put("scope", principal.isMaster() ? "master" : "client:" + principal.clientId());
  }

  /**
   * The caller a token stands for, valid until the token expires. {@code clientKey} finds the client
   * key a client token was issued with, by client and key id, and fails when it is gone.
   */
  Future<Principal> verify(String token, BiFunction<String, String, Future<Principal>> clientKey) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(ApiException.unauthorized("invalid or expired token")))
        .compose(user -> {
          // The whole payload; the user's principal lacks the registered claims (exp).
          JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
          Long exp = claims.getLong("exp");
          String keyId = claims.getString("kid");
          if (exp == null || keyId == null) {
            return Future.failedFuture(ApiException.unauthorized("invalid token"));
          }
          Instant expires = Instant.ofEpochSecond(exp);
          if ("master".equals(claims.getString("scope"))) {
            return masterKeyId.equals(keyId) ? Future.succeededFuture(Principal.MASTER.until(expires))
                : Future.failedFuture(ApiException.unauthorized("this token was issued with another master key"));
          }
          String clientId = claims.getString("sub");
          if (clientId == null) {
            return Future.failedFuture(ApiException.unauthorized("invalid token"));
          }
          return clientKey.apply(clientId, keyId).map(principal -> principal.until(expires));
        });
  }
}
