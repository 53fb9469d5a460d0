package dev.switchboard.config;

/** Bad configuration: the node prints the message as one line and exits. */
public class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
