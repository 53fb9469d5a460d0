package dev.switchboard.engine.cobalt;

import io.vertx.core.json.JsonObject;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.message.model.MediaMessage;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Downloads an inbound message's media into its event, as base64 {@code media}; failures become {@code mediaError}. */
final class InboundMedia {

  private InboundMedia() {
  }

  /** Blocks: call it on a Cobalt listener thread (virtual), never on an event loop. */
  static void attach(Whatsapp wa, ChatMessageInfo info, MediaMessage<?> media, JsonObject data, long maxBytes, long timeoutMs) {
    long size = media.mediaSize().orElse(-1);
    if (size > maxBytes) {
      data.put("mediaError", "media of " + size + " bytes is over the " + maxBytes + " byte limit; not downloaded");
      return;
    }
    try {
      // The message form also asks the sender's phone to upload again when the file has expired.
      CompletableFuture<byte[]> download = info.message().content() instanceof MediaMessage<?>
          ? wa.downloadMedia(info) : wa.downloadMedia(media);
      byte[] bytes = download.get(timeoutMs, TimeUnit.MILLISECONDS);
      if (bytes.length > maxBytes) {
        data.put("mediaError", "media of " + bytes.length + " bytes is over the " + maxBytes + " byte limit");
        return;
      }
      data.put("media", Base64.getEncoder().encodeToString(bytes)).put("size", bytes.length);
      if (!data.containsKey("mimeType")) {
        data.put("mimeType", "application/octet-stream");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      data.put("mediaError", "interrupted");
    } catch (Exception e) {
      data.put("mediaError", "download failed: " + SessionErrorHandler.describe(e));
    }
  }
}
