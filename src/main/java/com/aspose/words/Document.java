package com.aspose.words;

import java.io.InputStream;
import java.io.OutputStream;

/** Stub, see package-info. */
public class Document {

  public Document(InputStream in) {
    throw new UnsupportedOperationException("Aspose.Words is not in this build");
  }

  public int getPageCount() {
    throw new UnsupportedOperationException("Aspose.Words is not in this build");
  }

  public SaveOutputParameters save(OutputStream out, SaveOptions options) {
    throw new UnsupportedOperationException("Aspose.Words is not in this build");
  }
}
