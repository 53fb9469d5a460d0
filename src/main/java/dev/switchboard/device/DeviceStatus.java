package dev.switchboard.device;

/** docs/api.md's device states; STOPPED: closed on request, credentials kept, not resumed until started. */
public enum DeviceStatus {
  CONNECTING, QR_READY, CONNECTED, RECONNECTING, DISCONNECTED, LOGGED_OUT, FAILED, STOPPED
}
