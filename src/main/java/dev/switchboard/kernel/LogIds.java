package dev.switchboard.kernel;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * Log lines about a client's device carry its ids as key-value pairs, which the JSON log format
 * ({@code SWITCHBOARD_LOG_FORMAT=json}) writes as fields, so a log store can filter on them.
 */
public final class LogIds {

  private LogIds() {
  }

  public static LoggingEventBuilder device(Logger log, Level level, String clientId, String deviceId) {
    return log.atLevel(level).addKeyValue("clientId", clientId).addKeyValue("deviceId", deviceId);
  }
}
