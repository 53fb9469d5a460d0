package dev.switchboard.device;

/** docs/api.md's device states. */
public enum DeviceStatus {
  CONNECTING, QR_READY, CONNECTED, RECONNECTING, DISCONNECTED, LOGGED_OUT, FAILED
}
