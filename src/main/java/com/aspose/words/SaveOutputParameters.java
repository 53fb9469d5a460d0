package com.aspose.words;

/** Stub, see package-info. */
public class SaveOutputParameters {
}
