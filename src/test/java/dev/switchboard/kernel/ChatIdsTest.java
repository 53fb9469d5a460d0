package dev.switchboard.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ChatIdsTest {

  @Test
  void messageIdsAreUniqueWhatsAppStyleIdsThatSortByTheirTime() throws Exception {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      String id = ChatIds.newMessageId();
      assertTrue(id.matches("3EB0[0-9A-F]{24}"), id);
      ids.add(id);
    }
    assertEquals(100_000, ids.size(), "ids made in the same millisecond differ");
    String earlier = ChatIds.newMessageId();
    Thread.sleep(2);
    String later = ChatIds.newMessageId();
    assertTrue(later.compareTo(earlier) > 0, earlier + " then " + later);
    long millis = Long.parseLong(later.substring(4, 16), 16);
    assertTrue(Math.abs(System.currentTimeMillis() - millis) < 60_000, "the id starts with the time it was made: " + later);
  }
}
