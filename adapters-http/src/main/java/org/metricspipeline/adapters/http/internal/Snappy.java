package org.metricspipeline.adapters.http.internal;

import java.io.IOException;

/**
 * A decompressor of Snappy's block format (the one Prometheus remote write uses, not the framed
 * stream format), in plain Java: no native library to extract and load. Bounded by construction:
 * the uncompressed length the block declares is checked against the limit before anything is
 * allocated, every copy is checked against what was written so far, and the output must end at
 * exactly the declared length.
 */
public final class Snappy {

  /** The block declares more bytes than the limit allows. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Why, naming both lengths. */
    TooLargeException(long declared, int max) {
      super("the snappy block declares " + declared + " uncompressed bytes, more than " + max, null);
    }
  }

  private Snappy() {}

  /**
   * The uncompressed bytes of {@code block}; fails with {@link TooLargeException} when it declares
   * more than {@code maxBytes}, and with an {@link IOException} naming the fault when it is not a
   * valid snappy block.
   */
  public static byte[] decompress(byte[] block, int maxBytes) throws IOException {
    int in = 0;
    long declared = 0;
    for (int shift = 0; ; shift += 7) {
      if (in >= block.length) {
        throw new IOException("the snappy block ends inside its length header");
      }
      if (shift > 28) {
        throw new IOException("the snappy length header is longer than 5 bytes");
      }
      int b = block[in++] & 0xff;
      declared |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        break;
      }
    }
    if (declared > 0xffffffffL) {
      throw new IOException("the snappy length header is beyond 32 bits");
    }
    if (declared > maxBytes) {
      throw new TooLargeException(declared, maxBytes);
    }
    byte[] out = new byte[(int) declared];
    int op = 0;
    while (in < block.length) {
      int tag = block[in++] & 0xff;
      int length;
      int offset;
      switch (tag & 3) {
        case 0 -> {
          length = (tag >>> 2) + 1;
          if (length > 60) {
            int bytes = length - 60;
            if (in + bytes > block.length) {
              throw new IOException("the snappy block ends inside a literal's length");
            }
            long l = 0;
            for (int i = 0; i < bytes; i++) {
              l |= (long) (block[in++] & 0xff) << (8 * i);
            }
            if (l + 1 > out.length - op) {
              throw new IOException("a snappy literal runs past the declared length " + declared);
            }
            length = (int) l + 1;
          }
          if (length > out.length - op) {
            throw new IOException("a snappy literal runs past the declared length " + declared);
          }
          if (length > block.length - in) {
            throw new IOException("the snappy block ends inside a literal");
          }
          System.arraycopy(block, in, out, op, length);
          in += length;
          op += length;
          continue;
        }
        case 1 -> {
          if (in >= block.length) {
            throw new IOException("the snappy block ends inside a copy");
          }
          length = 4 + ((tag >>> 2) & 7);
          offset = ((tag >>> 5) << 8) | (block[in++] & 0xff);
        }
        case 2 -> {
          if (in + 2 > block.length) {
            throw new IOException("the snappy block ends inside a copy");
          }
          length = (tag >>> 2) + 1;
          offset = (block[in] & 0xff) | (block[in + 1] & 0xff) << 8;
          in += 2;
        }
        default -> {
          if (in + 4 > block.length) {
            throw new IOException("the snappy block ends inside a copy");
          }
          length = (tag >>> 2) + 1;
          long o = (block[in] & 0xffL) | (block[in + 1] & 0xffL) << 8 | (block[in + 2] & 0xffL) << 16
              | (block[in + 3] & 0xffL) << 24;
          if (o > Integer.MAX_VALUE) {
            throw new IOException("a snappy copy reaches before the start of the output");
          }
          offset = (int) o;
          in += 4;
        }
      }
      if (offset == 0 || offset > op) {
        throw new IOException("a snappy copy reaches before the start of the output (offset " + offset + " at "
            + op + ")");
      }
      if (length > out.length - op) {
        throw new IOException("a snappy copy runs past the declared length " + declared);
      }
      // byte by byte: a copy may overlap what it writes (offset < length repeats a pattern)
      for (int i = 0; i < length; i++) {
        out[op + i] = out[op - offset + i];
      }
      op += length;
    }
    if (op != out.length) {
      throw new IOException("the snappy block holds " + op + " bytes, not the " + declared + " it declares");
    }
    return out;
  }
}
