package dev.switchboard.engine.cobalt;

import it.auties.whatsapp.controller.Store;
import it.auties.whatsapp.model.chat.Chat;
import it.auties.whatsapp.model.sync.HistorySyncMessage;
import java.util.Arrays;
import java.util.List;

/**
 * What a session lets Cobalt keep in memory. Cobalt holds every message it sees, in its store's
 * chats, for as long as the instance lives; a text message costs about 1.2 KB of heap there
 * (bench/cobalt-memory.sh). The gateway keeps the history itself, so Cobalt needs only the recent
 * messages that replies (the quoted text), reactions in groups and revokes look up.
 */
final class CobaltMemory {

  /** Messages older than this are dropped. */
  static final long MESSAGE_MEMORY_SECONDS = 24 * 3600;
  /** And at most this many, the newest, per session: about 2.2 MiB of heap. */
  static final int MESSAGE_MEMORY_COUNT = 2_000;

  private CobaltMemory() {
  }

  /**
   * Drops the messages older than a day, then all but the newest {@link #MESSAGE_MEMORY_COUNT} of the
   * session (messages of the same second as the oldest kept one stay too).
   *
   * <p>Cobalt's own removal cannot do this: {@code Chat.removeMessage(predicate)} unlinks only the
   * first match, and its list keeps an unlinked first node reachable from the next one. So a chat
   * with messages to drop is emptied and given back the messages it keeps, in order. A message that
   * Cobalt adds to that chat in between is lost to this cache (the gateway has already had it).
   */
  static void trim(Store store, long nowSeconds) {
    List<Chat> chats = store.chats();
    long[] stamps = chats.stream().flatMap(chat -> chat.messages().stream()).mapToLong(CobaltMemory::seconds).toArray();
    long cutoff = nowSeconds - MESSAGE_MEMORY_SECONDS;
    if (stamps.length > MESSAGE_MEMORY_COUNT) {
      Arrays.sort(stamps);
      cutoff = Math.max(cutoff, stamps[stamps.length - MESSAGE_MEMORY_COUNT]);
    }
    long keepFrom = cutoff;
    for (Chat chat : chats) {
      List<HistorySyncMessage> all = List.copyOf(chat.messages());
      List<HistorySyncMessage> kept = all.stream().filter(m -> seconds(m) >= keepFrom).toList();
      if (kept.size() < all.size()) {
        chat.removeMessages();
        chat.historySyncMessages().addAll(kept);
      }
    }
  }

  private static long seconds(HistorySyncMessage m) {
    return m.messageInfo().timestampSeconds().orElse(Long.MAX_VALUE);
  }

  /**
   * Empties the store of an instance the session gave up. One whose connection never opened, or
   * never finished its handshake, stays referenced by the JDK's HTTP client (and Cobalt's shutdown
   * hook) with no way to close it; without its chats, which are only a cache here, it holds
   * little more than its keys.
   */
  static void releaseChats(Store store) {
    store.chats().forEach(chat -> store.removeChat(chat.jid()));
  }
}
