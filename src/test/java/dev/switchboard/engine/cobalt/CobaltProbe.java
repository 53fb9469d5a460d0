package dev.switchboard.engine.cobalt;

import dev.switchboard.engine.EngineSession;
import it.auties.whatsapp.controller.Store;

/** Reaches into a Cobalt engine session from outside the package (the memory bench fills its store). */
public final class CobaltProbe {

  private CobaltProbe() {
  }

  /** The live Cobalt store of a session the Cobalt engine opened. */
  public static Store store(EngineSession session) {
    return ((CobaltSession) session).whatsapp().store();
  }

  /** Runs the session's periodic trim of Cobalt's messages now, on the calling thread. */
  public static void trim(EngineSession session) {
    CobaltMemory.trim(store(session), System.currentTimeMillis() / 1000);
  }
}
