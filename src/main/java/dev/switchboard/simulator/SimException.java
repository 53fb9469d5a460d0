package dev.switchboard.simulator;

/**
 * A refusal by the simulated network. {@code status} is what the control API answers;
 * {@code code} is what a linked device receives (an API error code the engine passes on).
 */
final class SimException extends RuntimeException {

  final int status;
  final String code;

  SimException(int status, String code, String message) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
  }

  static SimException badRequest(String message) {
    return new SimException(400, "VALIDATION_ERROR", message);
  }

  static SimException notFound(String message) {
    return new SimException(404, "NOT_FOUND", message);
  }

  /** An admin-only group action by a member who is not an admin (docs/api.md: 403 NOT_GROUP_ADMIN). */
  static SimException notGroupAdmin(String message) {
    return new SimException(403, "NOT_GROUP_ADMIN", message);
  }
}
