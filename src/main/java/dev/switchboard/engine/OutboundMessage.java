package dev.switchboard.engine;

import io.vertx.core.json.JsonObject;

/**
 * One message to send. {@code messageId} is chosen by the gateway before the send so a resend after
 * a crash carries the same id. {@code to} is a JID ({@code 123@s.whatsapp.net} or {@code x@g.us}).
 * {@code content} holds the API's fields for {@code type} (text, caption, latitude, options, ...),
 * plus {@code replyTo} and {@code mentions}; media bytes come as base64 {@code media} with
 * {@code mimeType} and {@code fileName}.
 */
public record OutboundMessage(String messageId, String to, String type, JsonObject content) {
}
