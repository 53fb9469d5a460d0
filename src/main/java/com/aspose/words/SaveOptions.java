package com.aspose.words;

/** Stub, see package-info. */
public abstract class SaveOptions {
}
