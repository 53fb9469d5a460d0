package dev.switchboard.device;

import com.google.zxing.BarcodeFormat;
import com.google.zxing.EncodeHintType;
import com.google.zxing.WriterException;
import com.google.zxing.common.BitMatrix;
import com.google.zxing.qrcode.QRCodeWriter;
import com.google.zxing.qrcode.decoder.ErrorCorrectionLevel;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Base64;
import java.util.Map;
import javax.imageio.ImageIO;

/** Renders a QR payload as a PNG with zxing. */
public final class QrImages {

  /** Pixels per side: enough to scan from a screen (zxing scales by whole pixels per module). */
  private static final int SIZE = 200;

  static {
    // ImageIO buffers into a temporary file by default; in memory is what a few KiB of PNG needs.
    ImageIO.setUseCache(false);
  }

  private QrImages() {
  }

  public static byte[] png(String payload) {
    try {
      BitMatrix m = new QRCodeWriter().encode(payload, BarcodeFormat.QR_CODE, SIZE, SIZE,
          Map.of(EncodeHintType.ERROR_CORRECTION, ErrorCorrectionLevel.M, EncodeHintType.MARGIN, 2));
      // One bit per pixel (1 = white in the binary palette), written straight into the raster:
      // setRGB per pixel costs milliseconds per image, and this runs on an event loop.
      BufferedImage image = new BufferedImage(m.getWidth(), m.getHeight(), BufferedImage.TYPE_BYTE_BINARY);
      byte[] bits = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
      int stride = (m.getWidth() + 7) / 8;
      for (int y = 0; y < m.getHeight(); y++) {
        for (int x = 0; x < m.getWidth(); x++) {
          if (!m.get(x, y)) {
            bits[y * stride + x / 8] |= (byte) (0x80 >>> (x % 8));
          }
        }
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (WriterException | IOException e) {
      throw new IllegalStateException("cannot render QR code", e);
    }
  }

  public static String dataUrl(String payload) {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png(payload));
  }
}
