package com.aspose.words;

/** Stub, see package-info. */
public class ImageSaveOptions extends SaveOptions {

  public ImageSaveOptions(int format) {
    throw new UnsupportedOperationException("Aspose.Words is not in this build");
  }
}
