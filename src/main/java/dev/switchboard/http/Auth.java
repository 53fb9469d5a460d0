package dev.switchboard.http;

import dev.switchboard.kernel.Principal;
import dev.switchboard.kernel.ApiException;
import dev.switchboard.kernel.Contexts;
import dev.switchboard.config.TrustedProxies;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * Resolves the caller from {@code x-api-key} or {@code Authorization: Bearer} and enforces one
 * route's {@link Access}. How a credential becomes a {@link Principal} is the tenant package's business.
 */
public final class Auth {

  public static final String PRINCIPAL = "principal";
  private static final String SOURCE_IP = "sourceIp";

  private final Function<String, Future<Principal>> resolver;
  private final Admission admission;
  private final Guard guard;
  private final SourceAddress sources;

  /**
   * What every authenticated request passes right after its credential resolved and before the
   * route's rule is checked (rate limits): it may set response headers, and fails the request with
   * an {@link ApiException} to refuse it.
   */
  @FunctionalInterface
  public interface Admission {
    Admission ALL = (ctx, principal) -> Future.succeededFuture();

    Future<Void> admit(RoutingContext ctx, Principal principal);
  }

  /**
   * Failed authentications per source address (docs/api.md, Abuse limits): an address that failed too
   * often is refused before its credential is looked at, and every credential presented that does
   * not resolve is counted. Both fail with an {@link ApiException} (429) to refuse the request.
   */
  public interface Guard {
    Guard NONE = new Guard() {
      @Override
      public Future<Void> check(String address) {
        return Future.succeededFuture();
      }

      @Override
      public Future<Void> failed(String address, String credential) {
        return Future.succeededFuture();
      }
    };

    Future<Void> check(String address);

    /** Counts one failure; {@code credential} is what was presented, of which only a prefix may be kept. */
    Future<Void> failed(String address, String credential);
  }

  public Auth(Function<String, Future<Principal>> resolver) {
    this(resolver, Admission.ALL);
  }

  public Auth(Function<String, Future<Principal>> resolver, Admission admission) {
    this(resolver, admission, Guard.NONE, new SourceAddress(TrustedProxies.NONE));
  }

  public Auth(Function<String, Future<Principal>> resolver, Admission admission, Guard guard, SourceAddress sources) {
    this.resolver = resolver;
    this.admission = admission;
    this.guard = guard;
    this.sources = sources;
  }

  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The raw credential of a request, or null. */
  public static String credential(io.vertx.core.http.HttpServerRequest request) {
    String key = request.getHeader("x-api-key");
    if (key != null && !key.isBlank()) {
      return key.trim();
    }
    String authorization = request.getHeader("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).trim();
    }
    return null;
  }

  /** The caller's address (behind trusted proxies, the client's), for the audit log. */
  public static String sourceIp(RoutingContext ctx) {
    String source = ctx.get(SOURCE_IP);
    if (source != null) {
      return source;
    }
    var remote = ctx.request().remoteAddress();
    return remote == null ? null : remote.hostAddress();
  }

  public Future<Principal> resolve(String credential) {
    if (credential == null || credential.isEmpty()) {
      return Future.failedFuture(ApiException.unauthorized("an API key is required (x-api-key header)"));
    }
    return resolver.apply(credential);
  }

  public Handler<RoutingContext> require(Access access) {
    return require(access, null);
  }

  /** The route's rule, and for a client route the scope the caller's key must hold (null: none). */
  public Handler<RoutingContext> require(Access access, String scope) {
    return ctx -> {
      if (access == Access.PUBLIC) {
        ctx.next();
        return;
      }
      // The route goes on on the request's own event loop. A future shared between requests (a
      // cached lookup) calls back on the loop that created it, and a handler run there writes to
      // this connection from the wrong thread: a live feed's frames would queue up between loops.
      String address = sources.of(ctx.request());
      ctx.put(SOURCE_IP, address);
      String credential = credential(ctx.request());
      Future<Principal> admitted = guard.check(address)
          .compose(v -> resolve(credential).recover(e -> counted(address, credential, e)))
          .compose(principal -> admission.admit(ctx, principal).map(principal));
      Contexts.onContext(Vertx.currentContext(), admitted)
          .onSuccess(principal -> allow(ctx, access, scope, principal))
          .onFailure(ctx::fail);
    };
  }

  /** Client-wide messages and events hold every device's: not for a key limited to some devices. */
  private static boolean spansDevices(String scope) {
    return scope.startsWith("messages:") || scope.equals("events:read");
  }

  /** 403 for a key without the scope a route needs. */
  public static ApiException missingScope(String scope) {
    return new ApiException(403, "FORBIDDEN", "this key lacks the scope '" + scope + "'",
        new JsonObject().put("requiredScope", scope), null);
  }

  /** 403 for a key limited to other devices of its client. */
  public static ApiException deviceNotAllowed(String deviceId) {
    return new ApiException(403, "FORBIDDEN", "this key is not allowed to use device '" + deviceId + "'",
        new JsonObject().put("deviceId", deviceId), null);
  }

  /** A presented credential that was refused (401) counts against its address; the answer stays, or becomes 429. */
  private Future<Principal> counted(String address, String credential, Throwable refusal) {
    if (credential == null || credential.isEmpty() || !(refusal instanceof ApiException api) || api.status() != 401) {
      return Future.failedFuture(refusal);
    }
    return guard.failed(address, credential).transform(ar -> Future.failedFuture(ar.failed() ? ar.cause() : refusal));
  }

  private static void allow(RoutingContext ctx, Access access, String scope, Principal principal) {
    switch (access) {
      case MASTER -> {
        if (!principal.isMaster()) {
          ctx.fail(principal.clientId() != null && !principal.clientId().equals(ctx.pathParam("clientId"))
              && ctx.pathParam("clientId") != null
              ? ApiException.unauthorized("this key is not valid for client '" + ctx.pathParam("clientId") + "'")
              : ApiException.forbidden("this action needs the master key"));
          return;
        }
      }
      case CLIENT -> {
        String clientId = ctx.pathParam("clientId");
        if (!principal.isMaster() && !principal.clientId().equals(clientId)) {
          ctx.fail(ApiException.unauthorized("this key is not valid for client '" + clientId + "'"));
          return;
        }
        if (scope != null && !principal.allows(scope)) {
          ctx.fail(missingScope(scope));
          return;
        }
        String deviceId = ctx.pathParam("deviceId");
        if (deviceId != null && !principal.allowsDevice(deviceId)) {
          ctx.fail(deviceNotAllowed(deviceId));
          return;
        }
        if (deviceId == null && principal.deviceIds() != null && scope != null && spansDevices(scope)) {
          ctx.fail(ApiException.forbidden("this key is limited to devices " + principal.deviceIds()
              + ": use the routes of one device"));
          return;
        }
      }
      case ANY, PUBLIC -> {
      }
    }
    ctx.put(PRINCIPAL, principal);
    ctx.next();
  }
}
