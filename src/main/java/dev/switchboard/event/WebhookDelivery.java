package dev.switchboard.event;

import java.time.OffsetDateTime;

/**
 * One webhook delivery as the deliveries API shows it: its event, its state ({@code pending},
 * {@code delivered} or {@code failed}) and its last attempt. {@code nextAttemptAt} is the row's,
 * meaningful only while the delivery is pending; {@code webhookId} is null for the client's v1 webhookUrl.
 */
public record WebhookDelivery(long id, String eventId, String webhookId, String event, String deviceId, String status, int attempts,
    OffsetDateTime nextAttemptAt, String url, Integer lastStatusCode, String lastError, OffsetDateTime lastAttemptAt,
    OffsetDateTime deliveredAt, OffsetDateTime createdAt) {

  public boolean pending() {
    return "pending".equals(status);
  }
}
