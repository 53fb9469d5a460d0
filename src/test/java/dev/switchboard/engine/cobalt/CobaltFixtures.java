package dev.switchboard.engine.cobalt;

import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.ChatMessageInfoBuilder;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.message.model.ChatMessageKeyBuilder;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageStatus;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Cobalt model objects for mapping tests, built with Cobalt's own builders. */
final class CobaltFixtures {

  static final Jid SELF = Jid.of("15550000001");
  static final Jid ALICE = Jid.of("15550000002");
  static final Jid BOB = Jid.of("15550000003");
  static final Jid GROUP = Jid.of("120363025246125486@g.us");
  static final long T = 1_763_726_400L;

  private CobaltFixtures() {
  }

  /** A message as Cobalt hands it to {@code onNewMessage}. */
  static ChatMessageInfo received(Jid chat, Jid sender, String id, MessageContainer message) {
    return info(chat, sender, id, message, false);
  }

  static ChatMessageInfo info(Jid chat, Jid sender, String id, MessageContainer message, boolean fromMe) {
    return new ChatMessageInfoBuilder()
        .key(new ChatMessageKeyBuilder().id(id).chatJid(chat).fromMe(fromMe).senderJid(sender).build())
        .senderJid(sender).message(message).timestampSeconds(T).pushName("Alice").status(MessageStatus.DELIVERED)
        .build();
  }

  static byte[] png(int size) {
    BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    var g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, size / 2, size / 2);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
