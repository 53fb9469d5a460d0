package com.aspose.words;

/** Stub, see package-info. Cobalt's bytecode inlines this constant. */
public final class SaveFormat {

  public static final int JPEG = 104;

  private SaveFormat() {
  }
}
