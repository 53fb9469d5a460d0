package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineEvent;
import it.auties.whatsapp.api.DisconnectReason;
import it.auties.whatsapp.api.Listener;
import it.auties.whatsapp.api.Whatsapp;
import it.auties.whatsapp.model.call.Call;
import it.auties.whatsapp.model.info.ChatMessageInfo;
import it.auties.whatsapp.model.info.MessageInfo;
import it.auties.whatsapp.model.jid.Jid;
import it.auties.whatsapp.model.node.Node;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session's ears on Cobalt. Cobalt calls each method on a virtual thread of its own, in no
 * particular order, so this only maps (and downloads media, which blocks) and hands results to the
 * {@link Sink}, which brings them onto the device's context. Only the {@code Whatsapp}-first
 * overloads are implemented: Cobalt invokes both forms of every callback.
 */
final class CobaltListener implements Listener {

  private static final Logger LOG = LoggerFactory.getLogger(CobaltListener.class);

  /** Where the listener's findings go; implemented by the session. */
  interface Sink {
    boolean ended();

    void loggedIn(String phone);

    /** The phone scanned the QR (pair-success); the login follows after Cobalt's restart. */
    void paired();

    /** A failure WhatsApp announced, kept as the session's last error. */
    void failure(String reason);

    void event(EngineEvent event);
  }

  private final String name;
  private final Sink sink;

  CobaltListener(String name, Sink sink) {
    this.name = name;
    this.sink = sink;
  }

  @Override
  public void onLoggedIn(Whatsapp api) {
    sink.loggedIn(api.store().jid().map(Jid::user).orElse(null));
  }

  @Override
  public void onDisconnected(Whatsapp api, DisconnectReason reason) {
    // Always DISCONNECTED in 0.0.10, and not called at all for some closes: the session's watchdog decides.
    LOG.debug("Device {}: Cobalt reports the socket closed", name);
  }

  @Override
  public void onNodeReceived(Whatsapp api, Node node) {
    String failure = NodeEvents.failureReason(node);
    if (failure != null) {
      sink.failure(failure);
    }
    if (node.hasDescription("iq") && node.hasNode("pair-success")) {
      sink.paired();
    }
    if (sink.ended()) {
      return;
    }
    try {
      NodeEvents.of(node, api.store().jid().orElse(null)).forEach(sink::event);
    } catch (RuntimeException e) {
      LOG.debug("Device {}: unreadable {} stanza: {}", name, node.description(), e.toString());
    }
  }

  @Override
  public void onNewMessage(Whatsapp api, MessageInfo<?> info) {
    if (sink.ended() || !(info instanceof ChatMessageInfo chat)) {
      return;
    }
    PollVotes.vote(chat, api.store().jid().orElse(null), api.keys().identityKeyPair().privateKey()).ifPresent(sink::event);
    InboundMapper.message(chat).ifPresent(event -> {
      if ("message".equals(event.type())) {
        InboundMapper.media(chat).ifPresent(media -> InboundMedia.attach(api, chat, media, event.data(),
            CobaltSession.MAX_INBOUND_MEDIA_BYTES, CobaltSession.SEND_TIMEOUT_MS));
      }
      sink.event(event);
    });
  }

  @Override
  public void onMessageDeleted(Whatsapp api, MessageInfo<?> info, boolean everyone) {
    if (!sink.ended() && info instanceof ChatMessageInfo chat) {
      ChangeMapper.revoked(chat, everyone).ifPresent(sink::event);
    }
  }

  @Override
  public void onCall(Whatsapp api, Call call) {
    if (!sink.ended()) {
      sink.event(InboundMapper.call(call));
    }
  }
}
