package dev.switchboard.tenant;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Key material: 256 random bits, url-safe base64, kept only as SHA-256. */
public final class ApiKeys {

  private static final SecureRandom RANDOM = new SecureRandom();

  private ApiKeys() {
  }

  /** {@code sb_} + 43 url-safe base64 characters. */
  public static String newClientKey() {
    return "sb_" + randomToken();
  }

  public static String newMasterKey() {
    return "sbm_" + randomToken();
  }

  public static String newWebhookSecret() {
    return "whsec_" + Base64.getEncoder().encodeToString(randomBytes(32));
  }

  public static String randomToken() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
  }

  public static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  public static String prefix(String key) {
    return key.substring(0, Math.min(7, key.length()));
  }

  public static byte[] hash(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Constant-time comparison of two hashes. */
  public static boolean same(byte[] a, byte[] b) {
    return a != null && b != null && MessageDigest.isEqual(a, b);
  }
}
