package dev.switchboard.engine;

/**
 * A refusal by the network. {@code code} is an API error code when the refusal maps to one
 * (e.g. {@code NOT_SUPPORTED}, {@code NOT_FOUND}, {@code DEVICE_NOT_CONNECTED}), else {@code ENGINE_ERROR}.
 * {@code DEVICE_NOT_CONNECTED} (the connection is gone) and {@code TIMEOUT} (no answer in time, the
 * outcome is unknown) mean "try again later": a send is then retried with the same message id.
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

  /** True for a failure worth retrying later with the same message id. */
  public static boolean retryable(Throwable e) {
    return e instanceof EngineException ee && (ee.code.equals("DEVICE_NOT_CONNECTED") || ee.code.equals("TIMEOUT"));
  }
}
