package dev.switchboard.device;

import dev.switchboard.message.MessageRepository;
import dev.switchboard.kernel.ChatIds;
import dev.switchboard.engine.EngineSession;
import dev.switchboard.tenant.ClientConfig;
import dev.switchboard.tenant.ClientConfigCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code config.callPolicy} of docs/api.md: with {@code reject} an incoming call is declined, and with a
 * {@code message} that text goes to the caller through the device's durable outbox. The call event
 * then says {@code rejected: true}. Every call is kept in the client's call log ({@link CallRepository}).
 */
public final class CallPolicy {

  private static final Logger log = LoggerFactory.getLogger(CallPolicy.class);

  private final ClientConfigCache configs;
  private final Pool pool;
  private final String clientId;
  private final String deviceId;

  public CallPolicy(ClientConfigCache configs, Pool pool, String clientId, String deviceId) {
    this.configs = configs;
    this.pool = pool;
    this.clientId = clientId;
    this.deviceId = deviceId;
  }

  /** The call event's data after the policy ran and the call was logged; {@code outbox} is woken when a message was queued. */
  public Future<JsonObject> apply(EngineSession session, JsonObject call, Outbox outbox) {
    return decide(session, call, outbox).compose(data -> CallRepository.insert(pool, clientId, deviceId, data)
        .recover(e -> {
          log.warn("Device {}/{} could not log a call: {}", clientId, deviceId, e.getMessage());
          return Future.succeededFuture();
        }).map(data));
  }

  private Future<JsonObject> decide(EngineSession session, JsonObject call, Outbox outbox) {
    return configs.get(clientId).compose(config -> {
      JsonObject policy = config.map(ClientConfig::effectiveCallPolicy).orElse(null);
      if (policy == null || !policy.getBoolean("reject", false) || session == null) {
        return Future.succeededFuture(call);
      }
      String caller = call.getString("from");
      return session.rejectCall(call.getString("callId"), caller).compose(v -> {
        log.info("Device {}/{} rejected a call from {} (callPolicy)", clientId, deviceId, caller);
        String text = policy.getString("message");
        if (text == null || text.isBlank()) {
          return Future.<Void>succeededFuture();
        }
        MessageRepository.Draft draft = new MessageRepository.Draft(clientId, deviceId, ChatIds.newMessageId(), caller, "text",
            new JsonObject().put("text", text), "QUEUED", null, null);
        return MessageRepository.insert(pool, List.of(draft)).onSuccess(ids -> outbox.wake()).mapEmpty();
      }).map(v -> call.copy().put("rejected", true)).recover(e -> {
        log.warn("Device {}/{} could not apply the call policy: {}", clientId, deviceId, e.getMessage());
        return Future.succeededFuture(call);
      });
    });
  }
}
