package dev.switchboard.engine;

/** Who a session belongs to. {@code sessionKey} is stable for the life of the device. */
public record SessionSpec(String clientId, String deviceId, String sessionKey) {
}
