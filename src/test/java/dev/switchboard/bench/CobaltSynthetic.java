package dev.switchboard.bench;

import dev.switchboard.engine.cobalt.CredentialFormat;
import it.auties.whatsapp.api.ClientType;
import it.auties.whatsapp.controller.Keys;
import it.auties.whatsapp.controller.KeysSpec;
import it.auties.whatsapp.controller.Store;
import it.auties.whatsapp.controller.StoreSpec;
import it.auties.whatsapp.model.chat.Chat;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageStatus;
import it.auties.whatsapp.model.signal.keypair.SignalKeyPair;
import it.auties.whatsapp.model.signal.sender.SenderKeyName;
import it.auties.whatsapp.model.signal.session.Session;
import it.auties.whatsapp.model.signal.session.SessionAddress;
import it.auties.whatsapp.model.signal.session.SessionChain;
import it.auties.whatsapp.model.signal.session.SessionState;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A linked account's Cobalt state, made up: what a device's stored credentials decode to, and the
 * chats its live store holds after the history sync and a day of traffic. Random bytes where
 * Cobalt keeps keys, so nothing is shared or compressed away between sessions.
 */
final class CobaltSynthetic {

  /**
   * How much an account holds. {@code contacts} and {@code statuses} are in the stored Store;
   * {@code signalSessions} (one per peer device written to) and {@code groups} (a sender key each)
   * in the stored Keys; {@code chats} x {@code messagesPerChat} only in memory (Cobalt does not
   * persist chats through the gateway's serializer).
   */
  record Size(String name, int contacts, int signalSessions, int groups, int chats, int messagesPerChat, int statuses) {

    /** A linked device with nothing yet: the floor of a session. */
    static final Size EMPTY = new Size("empty", 0, 0, 0, 0, 0, 0);

    /**
     * A small business number: 500 contacts, 500 Signal sessions, 20 groups, 200 chats with 50
     * messages each (10,000 messages: a busy day, which is what the adapter keeps in memory), 30
     * status posts.
     */
    static final Size TYPICAL = new Size("typical", 500, 500, 20, 200, 50, 30);

    static Size of(String name) {
      return switch (name) {
        case "empty" -> EMPTY;
        case "typical" -> TYPICAL;
        default -> throw new IllegalArgumentException("store size: empty or typical, not " + name);
      };
    }
  }

  private static final long NOW = System.currentTimeMillis() / 1000;

  private CobaltSynthetic() {
  }

  /** The packed credentials of a linked device, as the gateway stores them for {@code id}. */
  static byte[] credentials(UUID id, long phone, Size size, Random rnd) {
    Keys keys = Keys.of(id, null, null, ClientType.WEB);
    keys.setRegistered(true);
    for (int i = 0; i < size.signalSessions(); i++) {
      keys.addSession(new SessionAddress(Long.toString(phone + 1 + i / 2), i % 2), signalSession(rnd));
    }
    for (int g = 0; g < size.groups(); g++) {
      for (int member = 0; member < 3; member++) {
        keys.findSenderKeyByName(new SenderKeyName(group(phone, g).toString(), new SessionAddress(Long.toString(phone + 1 + member), 0)))
            .addState(rnd.nextInt(), SignalKeyPair.random(), 0, bytes(rnd, 32));
      }
    }
    Store store = Store.of(id, null, null, ClientType.WEB);
    store.setJid(Jid.of(phone));
    store.setName("Acme " + phone);
    for (int i = 0; i < size.contacts(); i++) {
      store.addContact(Jid.of(phone + 1 + i)).setChosenName("Contact " + i).setFullName("Contact Person " + i);
    }
    for (int i = 0; i < size.statuses(); i++) {
      store.addStatus(message(Jid.of("status@broadcast"), Jid.of(phone + 1 + i), "status-" + i, "A status post " + i, rnd));
    }
    return CredentialFormat.pack(KeysSpec.encode(keys), StoreSpec.encode(store));
  }

  /** Adds the chats a live session holds: what the history sync and a day's messages put there. */
  static void fillChats(Store store, long phone, Size size, Random rnd) {
    for (int c = 0; c < size.chats(); c++) {
      boolean isGroup = c < size.groups();
      Jid jid = isGroup ? group(phone, c) : Jid.of(phone + 1 + c);
      Chat chat = store.addNewChat(jid);
      for (int m = 0; m < size.messagesPerChat(); m++) {
        Jid sender = isGroup ? Jid.of(phone + 1 + m % 10) : jid;
        chat.addNewMessage(message(jid, sender, HexFormat.of().formatHex(bytes(rnd, 10)).toUpperCase(),
            "Message " + m + " of a day's conversation, about an order and its delivery", rnd));
      }
    }
  }

  private static Jid group(long phone, int g) {
    return Jid.of("1203630" + phone + g + "@g.us");
  }

  private static ChatMessageInfo message(Jid chat, Jid sender, String id, String text, Random rnd) {
    boolean fromMe = rnd.nextBoolean();
    return new ChatMessageInfoBuilder()
        .key(new ChatMessageKeyBuilder().id(id).chatJid(chat).fromMe(fromMe).senderJid(sender).build())
        .senderJid(sender).message(MessageContainer.of(text)).timestampSeconds(NOW - rnd.nextInt(20 * 3600))
        .pushName(fromMe ? null : "Contact").status(MessageStatus.DELIVERED)
        .build();
  }

  /** One established session: a state with a sending and a receiving chain, as after a few messages. */
  private static Session signalSession(Random rnd) {
    ConcurrentHashMap<String, SessionChain> chains = new ConcurrentHashMap<>();
    SessionState state = new SessionState(3, rnd.nextInt(16380) + 1, bytes(rnd, 33), bytes(rnd, 33), chains,
        bytes(rnd, 32), null, SignalKeyPair.random(), bytes(rnd, 33), 0, false);
    state.addChain(bytes(rnd, 33), new SessionChain(3, bytes(rnd, 32)));
    state.addChain(bytes(rnd, 33), new SessionChain(2, bytes(rnd, 32)));
    Session session = new Session();
    session.addState(state);
    return session;
  }

  private static byte[] bytes(Random rnd, int n) {
    byte[] b = new byte[n];
    rnd.nextBytes(b);
    return b;
  }
}
