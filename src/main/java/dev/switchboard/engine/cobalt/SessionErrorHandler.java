package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineException;
import it.auties.whatsapp.api.ErrorHandler;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.exception.HmacValidationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Our answer to Cobalt's errors, instead of its default (stack traces on stderr, and a silent
 * DISCONNECT that leaves the session down for good). Every error is logged and remembered as the
 * session's last error; those that leave the connection unusable end the session through the
 * supervisor, which reports it and lets the gateway reconnect with backoff. Cobalt itself is never
 * asked to disconnect or reconnect from here: its disconnect is a no-op while handshaking and its
 * reconnect races with the old socket.
 */
final class SessionErrorHandler implements ErrorHandler {

  private static final Logger LOG = LoggerFactory.getLogger(SessionErrorHandler.class);

  private final String name;
  private final Consumer<String> fatal;
  private final Consumer<String> remember;

  SessionErrorHandler(String name, Consumer<String> fatal, Consumer<String> remember) {
    this.name = name;
    this.fatal = fatal;
    this.remember = remember;
  }

  @Override
  public Result handleError(Whatsapp whatsapp, Location location, Throwable error) {
    String what = describe(error);
    remember.accept(location.name().toLowerCase() + ": " + what);
    if (isFatal(location, error)) {
      LOG.warn("Device {}: Cobalt failed at {}: {}", name, location, what);
      LOG.debug("Device {}: Cobalt failure", name, error);
      fatal.accept(reason(location, what));
    } else {
      LOG.info("Device {}: Cobalt error at {} (the session goes on): {}", name, location, what);
      LOG.debug("Device {}: Cobalt error", name, error);
    }
    return Result.DISCARD;
  }

  static boolean isFatal(Location location, Throwable error) {
    return switch (location) {
      case LOGIN, STREAM, CRYPTOGRAPHY, RECONNECT -> true;
      case MESSAGE -> unwrap(error) instanceof HmacValidationException;
      default -> false;
    };
  }

  private static String reason(Location location, String what) {
    return switch (location) {
      case LOGIN -> "login to WhatsApp failed: " + what;
      case RECONNECT -> "reconnecting to WhatsApp failed: " + what;
      case CRYPTOGRAPHY -> "WhatsApp reported broken encryption (bad MAC): " + what;
      default -> "the WhatsApp connection failed at " + location.name().toLowerCase() + ": " + what;
    };
  }

  static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** A one-line description: the innermost useful message. */
  static String describe(Throwable e) {
    Throwable t = unwrap(e);
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    if (root != t && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
    } else if (root != t && root.getMessage() == null) {
      message += " (" + root.getClass().getSimpleName() + ")";
    }
    return message;
  }

  /** Why a socket could not be opened, in words an operator can act on. */
  static String network(Throwable e) {
    Throwable root = unwrap(e);
    while (root.getCause() != null && root.getCause() != root) {
      if (root instanceof java.net.UnknownHostException || root instanceof java.nio.channels.UnresolvedAddressException) {
        break;
      }
      root = root.getCause();
    }
    if (root instanceof java.net.UnknownHostException || root instanceof java.nio.channels.UnresolvedAddressException) {
      return "web.whatsapp.com cannot be resolved (no network or no DNS)";
    }
    if (root instanceof java.net.http.HttpConnectTimeoutException || root instanceof java.net.SocketTimeoutException) {
      return "connecting to web.whatsapp.com timed out";
    }
    if (root instanceof java.net.ConnectException || root instanceof java.nio.channels.UnresolvedAddressException) {
      return "web.whatsapp.com refused or did not take the connection (" + describe(e) + ")";
    }
    return describe(e);
  }

  /** A failed call as the port's exception. */
  static EngineException toEngine(String op, Throwable e, long timeoutMs) {
    Throwable t = unwrap(e);
    if (t instanceof EngineException ee) {
      return ee;
    }
    if (t instanceof TimeoutException) {
      return new EngineException("ENGINE_ERROR", "WhatsApp did not answer " + op + " within " + timeoutMs / 1000 + " s");
    }
    if (t instanceof IllegalArgumentException) {
      return new EngineException("VALIDATION_ERROR", op + ": " + describe(t));
    }
    String message = describe(t);
    if (t instanceof IllegalStateException && message.contains("not connected")) {
      return new EngineException("DEVICE_NOT_CONNECTED", "the device is not connected to WhatsApp");
    }
    return new EngineException("ENGINE_ERROR", op + " failed: " + message);
  }
}
