package dev.switchboard.engine.cobalt;

import static dev.switchboard.engine.cobalt.CobaltFixtures.ALICE;
import static dev.switchboard.engine.cobalt.CobaltFixtures.SELF;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.engine.EngineException;
import dev.switchboard.engine.OutboundMessage;
import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.message.model.MessageContainer;
import it.auties.whatsapp.model.message.model.MessageContainerSpec;
import it.auties.whatsapp.model.message.standard.ImageMessage;
import it.auties.whatsapp.model.message.standard.VideoOrGifMessage;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** View-once media as Cobalt builds it, and back as a recipient's device reads it. */
class ViewOnceMappingTest {

  private static ChatMessageInfo map(String type, JsonObject content) {
    return OutboundMapper.info(new OutboundMessage("MSGVIEW01", ALICE.toString(), type, content), SELF,
        (chat, id) -> Optional.empty());
  }

  @Test
  void aViewOnceImageOrVideoTravelsInTheViewOnceContainerWithItsFlagAndArrivesAsViewOnce() {
    byte[] png = CobaltFixtures.png(32);
    ChatMessageInfo image = map("image", new JsonObject().put("media", Base64.getEncoder().encodeToString(png))
        .put("mimeType", "image/png").put("caption", "once").put("viewOnce", true));
    MessageContainer wire = MessageContainerSpec.decode(MessageContainerSpec.encode(image.message()));
    assertTrue(viewOnceV2(wire), "the view-once (v2) container: " + wire);
    ImageMessage inner = assertInstanceOf(ImageMessage.class, image.message().unbox().content());
    assertTrue(inner.viewOnce());
    assertArrayEquals(png, inner.decodedMedia().orElseThrow());
    assertEquals(Optional.of("once"), inner.caption());

    JsonObject received = InboundMapper.message(CobaltFixtures.received(ALICE, ALICE, "IN1", wire)).orElseThrow().data();
    assertEquals("image", received.getString("type"));
    assertEquals(true, received.getBoolean("viewOnce"));
    assertEquals("once", received.getString("caption"));

    ChatMessageInfo video = map("video", new JsonObject().put("media", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3}))
        .put("viewOnce", true));
    assertTrue(assertInstanceOf(VideoOrGifMessage.class, video.message().unbox().content()).viewOnce());
    ImageMessage plain = assertInstanceOf(ImageMessage.class, map("image", new JsonObject()
        .put("media", Base64.getEncoder().encodeToString(png))).message().content());
    assertFalse(plain.viewOnce());
  }

  /** Cobalt 0.0.10 has no accessor for the container's view-once field. */
  private static boolean viewOnceV2(MessageContainer container) {
    try {
      java.lang.reflect.Field field = MessageContainer.class.getDeclaredField("viewOnceV2Message");
      field.setAccessible(true);
      return field.get(container) != null;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void viewOnceAudioIsNotSupportedByCobalt() {
    EngineException e = assertThrows(EngineException.class, () -> map("audio", new JsonObject()
        .put("media", Base64.getEncoder().encodeToString(new byte[] {1, 2, 3})).put("viewOnce", true)));
    assertEquals("NOT_SUPPORTED", e.code());
  }
}
