package dev.switchboard.kernel;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.regex.Pattern;

/** docs/api.md's id rule for every id in a path or body: {@code ^[A-Za-z0-9_-]{1,64}$}. */
public final class Ids {

  public static final Pattern ID = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");
  private static final java.util.Set<String> JIDS = java.util.Set.of("chatId", "groupId");

  private Ids() {
  }

  /** WhatsApp's own ids in paths ({@code chatId}, {@code groupId}), which are JIDs, not API ids. */
  public static boolean isJid(String pathParameter) {
    return JIDS.contains(pathParameter);
  }

  public static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  public static String require(String field, String id) {
    if (!valid(id)) {
      throw ApiException.validation(field, field + " must match ^[A-Za-z0-9_-]{1,64}$");
    }
    return id;
  }

  /**
   * Rejects a request whose path ids break the rule, before any handler sees them. WhatsApp's own
   * ids ({@code chatId}, {@code groupId}: JIDs) have their own rules, checked by their handlers.
   */
  public static Handler<RoutingContext> pathValidator() {
    return ctx -> {
      for (Map.Entry<String, String> p : ctx.pathParams().entrySet()) {
        if (p.getKey().endsWith("Id") && !JIDS.contains(p.getKey()) && !valid(p.getValue())) {
          ctx.fail(ApiException.validation(p.getKey(), p.getKey() + " must match ^[A-Za-z0-9_-]{1,64}$"));
          return;
        }
      }
      ctx.next();
    };
  }
}
