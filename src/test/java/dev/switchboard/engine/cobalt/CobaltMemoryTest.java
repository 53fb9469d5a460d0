package dev.switchboard.engine.cobalt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import it.auties.whatsapp.api.ClientType;
import it.auties.whatsapp.controller.Store;
import it.auties.whatsapp.model.chat.Chat;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageStatus;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the session lets Cobalt keep in memory: the newest messages of the last day, nothing of a closed session. */
class CobaltMemoryTest {

  private static final long NOW = 1_763_726_400L;

  @Test
  void theTrimKeepsOnlyTheSessionsNewestMessagesOfTheLastDay() {
    Store store = Store.of(UUID.randomUUID(), null, null, ClientType.WEB);
    Chat alice = store.addNewChat(CobaltFixtures.ALICE);
    Chat bob = store.addNewChat(CobaltFixtures.BOB);
    // Three 2 days old, then 1,500 recent messages in each chat, one a second, alternating.
    for (int i = 0; i < 3; i++) {
      alice.addNewMessage(message(CobaltFixtures.ALICE, "OLD-A" + i, NOW - 2 * 86_400 + i));
      bob.addNewMessage(message(CobaltFixtures.BOB, "OLD-B" + i, NOW - 2 * 86_400 + i));
    }
    for (int i = 0; i < 3_000; i++) {
      Jid chat = i % 2 == 0 ? CobaltFixtures.ALICE : CobaltFixtures.BOB;
      (i % 2 == 0 ? alice : bob).addNewMessage(message(chat, "M" + i, NOW - 3_000 + i));
    }

    CobaltMemory.trim(store, NOW);

    assertEquals(CobaltMemory.MESSAGE_MEMORY_COUNT, alice.messages().size() + bob.messages().size());
    assertTrue(store.findMessageById(alice, "M2998").isPresent(), "the newest stay");
    assertTrue(store.findMessageById(bob, "M1001").isPresent());
    assertFalse(store.findMessageById(bob, "M999").isPresent(), "older than the newest 2,000 are gone");
    for (int i = 0; i < 3; i++) {
      assertFalse(store.findMessageById(alice, "OLD-A" + i).isPresent(), "older than a day is gone");
    }
    // The chat is still a sound list: a new message lands last and the kept ones stay in order.
    alice.addNewMessage(message(CobaltFixtures.ALICE, "NEW", NOW + 1));
    assertEquals("NEW", alice.newestMessage().orElseThrow().id());
    assertEquals("M1000", alice.oldestMessage().orElseThrow().id());
    assertEquals(1_001, alice.messages().size());
  }

  @Test
  void aClosedSessionsChatsAreReleased() {
    Store store = Store.of(UUID.randomUUID(), null, null, ClientType.WEB);
    store.addNewChat(CobaltFixtures.ALICE).addNewMessage(message(CobaltFixtures.ALICE, "M1", NOW));
    store.addContact(CobaltFixtures.BOB);

    CobaltMemory.releaseChats(store);

    assertTrue(store.chats().isEmpty());
    assertEquals(1, store.contacts().size(), "contacts are stored with the credentials and stay");
  }

  private static ChatMessageInfo message(Jid chat, String id, long seconds) {
    return new ChatMessageInfoBuilder()
        .key(new ChatMessageKeyBuilder().id(id).chatJid(chat).fromMe(false).senderJid(chat).build())
        .senderJid(chat).message(MessageContainer.of("text " + id)).timestampSeconds(seconds)
        .status(MessageStatus.DELIVERED).build();
  }
}
