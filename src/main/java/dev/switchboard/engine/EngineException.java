package dev.switchboard.engine;

/**
 * A refusal by the network. {@code code} is an API error code when the refusal maps to one
 * (e.g. {@code NOT_SUPPORTED}, {@code NOT_FOUND}, {@code DEVICE_NOT_CONNECTED}), else {@code ENGINE_ERROR}.
 */
public class EngineException extends RuntimeException {

  private final String code;

  public EngineException(String code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public String code() {
    return code;
  }
}
