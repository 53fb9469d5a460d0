package dev.switchboard.device;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** A vote that names its options by hash gets the stored poll's names, in the poll's order. */
class InboxTest {

  @Test
  void optionHashesBecomeThePollsOptionNames() {
    JsonObject poll = new JsonObject().put("question", "Lunch?").put("options", new JsonArray().add("Pizza").add("סלט").add("Sushi"));
    // One of no option, "Sushi", and "Pizza" (as `printf %s Pizza | sha256sum` prints it).
    JsonArray hashes = new JsonArray().add(sha("Salad")).add(sha("Sushi"))
        .add("f12958816a49adfa2c6c8de8dd2144c163e92c5e375de964d533187c7d236c36");
    assertEquals(new JsonArray().add("Pizza").add("Sushi"), Inbox.names(poll, hashes));
    assertEquals(new JsonArray(), Inbox.names(null, hashes), "a poll the gateway does not have counts nothing");
  }

  private static String sha(String s) {
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
          .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
