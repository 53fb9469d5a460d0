package dev.switchboard.engine.cobalt;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * How a Cobalt session's two protobuf blobs share the one {@code byte[]} the gateway stores per
 * device ({@code devices.credentials}). Version 1, all integers big-endian:
 *
 * <pre>
 *   bytes 0..3   magic "SBCW" (Switchboard, Cobalt, Web)
 *   byte  4      format version = 1
 *   int32        length K of the Keys blob, then K bytes: KeysSpec.encode(keys)
 *   int32        length S of the Store blob, then S bytes: StoreSpec.encode(store)
 * </pre>
 *
 * Keys hold the identity and every Signal session (losing or rolling them back breaks the link);
 * Store holds the account data and settings. Chats are not stored: the gateway keeps its own
 * message history. A reader refuses a newer version instead of guessing.
 */
public final class CredentialFormat {

  static final byte[] MAGIC = "SBCW".getBytes(StandardCharsets.US_ASCII);
  static final byte VERSION = 1;
  private static final int MAX_PART = 64 * 1024 * 1024;

  /** The two blobs of one session. */
  public record Parts(byte[] keys, byte[] store) {
  }

  private CredentialFormat() {
  }

  public static byte[] pack(byte[] keys, byte[] store) {
    ByteBuffer out = ByteBuffer.allocate(MAGIC.length + 1 + 4 + keys.length + 4 + store.length);
    out.put(MAGIC).put(VERSION).putInt(keys.length).put(keys).putInt(store.length).put(store);
    return out.array();
  }

  /** The blobs in {@code packed}; {@link IllegalArgumentException} when it is not this format. */
  public static Parts unpack(byte[] packed) {
    if (packed == null || packed.length < MAGIC.length + 1 + 8
        || !Arrays.equals(Arrays.copyOf(packed, MAGIC.length), MAGIC)) {
      throw new IllegalArgumentException("the stored credentials are not Cobalt credentials"
          + " (written by another engine?); remove the device and link it again");
    }
    ByteBuffer in = ByteBuffer.wrap(packed, MAGIC.length, packed.length - MAGIC.length);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("the stored credentials have format version " + version
          + ", this build reads version " + VERSION);
    }
    byte[] keys = part(in, "keys");
    byte[] store = part(in, "store");
    if (in.hasRemaining()) {
      throw new IllegalArgumentException("the stored credentials have " + in.remaining() + " trailing bytes");
    }
    return new Parts(keys, store);
  }

  private static byte[] part(ByteBuffer in, String name) {
    if (in.remaining() < 4) {
      throw new IllegalArgumentException("the stored credentials end before the " + name + " length");
    }
    int length = in.getInt();
    if (length < 0 || length > MAX_PART || length > in.remaining()) {
      throw new IllegalArgumentException("the stored credentials have a broken " + name + " length " + length);
    }
    byte[] bytes = new byte[length];
    in.get(bytes);
    return bytes;
  }
}
