/**
 * A compile-time stand-in for the five Aspose.Words types that Cobalt 0.0.10's {@code Medias}
 * class references. Cobalt depends on the commercial {@code com.aspose:aspose-words}, which the
 * pom excludes; without these classes the JVM verifier cannot link {@code Medias} and every media
 * path (build, upload, download) fails with {@code NoClassDefFoundError}. Cobalt only uses Aspose
 * to count document pages and render document thumbnails, and it catches every failure there, so
 * these stubs throw: documents get a page count of 1 and no thumbnail.
 */
package com.aspose.words;
