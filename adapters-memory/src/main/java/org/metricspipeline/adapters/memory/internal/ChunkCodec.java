package org.metricspipeline.adapters.memory.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Compresses a run of points (timestamps and values) Gorilla-style, bit-exactly.
 *
 * <p>Layout: the count and the first timestamp, then timestamps as delta-of-delta (zig-zag, packed at
 * the widest width the run needs: a steady interval costs 0 bits per point; or, when a few irregular
 * gaps would widen every point, in Gorilla's variable-length buckets), then the values in one
 * of two forms. When every value is a decimal with at most {@value #MAX_DECIMALS} digits after the
 * point (re-reading {@code m / 10^e} gives the very same bits, so {@code -0.0} and anything
 * inexact never qualify), the values are kept as the scaled integers' deltas, zig-zag and packed at
 * the widest width (VictoriaMetrics does the same). Otherwise each value is XORed with the previous
 * one and the meaningful bits are written as in Facebook's Gorilla paper. Arithmetic on timestamps
 * wraps, so any {@code long} sequence, gaps included, round-trips.
 */
public final class ChunkCodec {

  /** The most decimal digits the decimal form tries. */
  static final int MAX_DECIMALS = 12;
  private static final double TWO_TO_53 = 0x1p53;
  private static final double[] POWERS = new double[MAX_DECIMALS + 1];

  static {
    double p = 1;
    for (int e = 0; e <= MAX_DECIMALS; e++) {
      POWERS[e] = p;
      p *= 10;
    }
  }

  private static final int XOR_FORM = 255;
  /** The timestamp width marking Gorilla-style buckets ('0', '10'+7, '110'+12, '1110'+20, '1111'+64 bits). */
  private static final int BUCKETED = 127;

  private ChunkCodec() {}

  /** Encodes {@code n} points. */
  public static byte[] encode(long[] times, double[] values, int n) {
    BitWriter w = new BitWriter(16 + n * 2);
    w.writeVarLong(n);
    if (n == 0) {
      return w.toBytes();
    }
    w.writeBits(times[0], 64);
    if (n > 1) {
      long firstDelta = times[1] - times[0];
      w.writeVarLong(zigzag(firstDelta));
      long widest = 0;
      long previous = firstDelta;
      for (int i = 2; i < n; i++) {
        long delta = times[i] - times[i - 1];
        widest |= zigzag(delta - previous);
        previous = delta;
      }
      int width = 64 - Long.numberOfLeadingZeros(widest);
      long packedBits = (long) (n - 2) * width;
      long bucketBits = 0;
      previous = firstDelta;
      for (int i = 2; i < n && bucketBits < packedBits; i++) {
        long delta = times[i] - times[i - 1];
        bucketBits += bucketBits(zigzag(delta - previous));
        previous = delta;
      }
      boolean buckets = bucketBits < packedBits; // a few irregular gaps: don't widen every point
      w.writeBits(buckets ? BUCKETED : width, 7);
      previous = firstDelta;
      for (int i = 2; i < n; i++) {
        long delta = times[i] - times[i - 1];
        long z = zigzag(delta - previous);
        if (buckets) {
          writeBucket(w, z);
        } else {
          w.writeBits(z, width);
        }
        previous = delta;
      }
    }
    int decimals = decimals(values, n);
    if (decimals >= 0) {
      writeDecimal(w, values, n, decimals);
    } else {
      writeXor(w, values, n);
    }
    return w.toBytes();
  }

  /** The number of points encoded in {@code data}. */
  public static int count(byte[] data) {
    return (int) new BitReader(data).readVarLong();
  }

  /**
   * Decodes into {@code offsets} (timestamps minus {@code base}, which the caller knows to fit an
   * {@code int}) and {@code values}; returns the count.
   */
  public static int decode(byte[] data, long base, int[] offsets, double[] values) {
    BitReader r = new BitReader(data);
    int n = (int) r.readVarLong();
    if (n == 0) {
      return 0;
    }
    long t = r.readBits(64);
    offsets[0] = (int) (t - base);
    if (n > 1) {
      long delta = unzigzag(r.readVarLong());
      t += delta;
      offsets[1] = (int) (t - base);
      int width = (int) r.readBits(7);
      if (width == 0) {
        // a steady interval: int arithmetic wraps as the long arithmetic truncated to an int would
        int o = offsets[1];
        int d = (int) delta;
        for (int i = 2; i < n; i++) {
          o += d;
          offsets[i] = o;
        }
      } else if (width == BUCKETED) {
        for (int i = 2; i < n; i++) {
          delta += unzigzag(readBucket(r));
          t += delta;
          offsets[i] = (int) (t - base);
        }
      } else {
        for (int i = 2; i < n; i++) {
          delta += unzigzag(r.readBits(width));
          t += delta;
          offsets[i] = (int) (t - base);
        }
      }
    }
    readValues(r, values, n);
    return n;
  }

  /** Decodes into full timestamps and values; returns the count. */
  public static int decode(byte[] data, long[] times, double[] values) {
    BitReader r = new BitReader(data);
    int n = (int) r.readVarLong();
    if (n == 0) {
      return 0;
    }
    long t = r.readBits(64);
    times[0] = t;
    if (n > 1) {
      long delta = unzigzag(r.readVarLong());
      t += delta;
      times[1] = t;
      int width = (int) r.readBits(7);
      for (int i = 2; i < n; i++) {
        delta += unzigzag(width == BUCKETED ? readBucket(r) : r.readBits(width));
        t += delta;
        times[i] = t;
      }
    }
    readValues(r, values, n);
    return n;
  }

  private static void readValues(BitReader r, double[] values, int n) {
    int form = (int) r.readBits(8);
    if (form == XOR_FORM) {
      readXor(r, values, n);
    } else {
      readDecimal(r, values, n, form);
    }
  }

  /** The fewest decimals every value has exactly, or -1. */
  static int decimals(double[] values, int n) {
    double largest = 0;
    for (int i = 0; i < n; i++) {
      largest = Math.max(largest, Math.abs(values[i]));
    }
    if (!(largest < TWO_TO_53)) {
      return -1; // NaN, infinities, or too large to scale
    }
    for (int e = 0; e <= MAX_DECIMALS; e++) {
      double scale = POWERS[e];
      if (largest * scale >= TWO_TO_53) {
        return -1;
      }
      int i = 0;
      while (i < n && exact(values[i], scale)) {
        i++;
      }
      if (i == n) {
        return e;
      }
    }
    return -1;
  }

  private static boolean exact(double v, double scale) {
    long m = Math.round(v * scale);
    return Double.doubleToRawLongBits(m / scale) == Double.doubleToRawLongBits(v);
  }

  private static void writeDecimal(BitWriter w, double[] values, int n, int decimals) {
    double scale = POWERS[decimals];
    w.writeBits(decimals, 8);
    long first = Math.round(values[0] * scale);
    w.writeVarLong(zigzag(first));
    long widest = 0;
    long previous = first;
    for (int i = 1; i < n; i++) {
      long m = Math.round(values[i] * scale);
      widest |= zigzag(m - previous);
      previous = m;
    }
    int width = 64 - Long.numberOfLeadingZeros(widest);
    w.writeBits(width, 7);
    previous = first;
    for (int i = 1; i < n; i++) {
      long m = Math.round(values[i] * scale);
      w.writeBits(zigzag(m - previous), width);
      previous = m;
    }
  }

  private static void readDecimal(BitReader r, double[] values, int n, int decimals) {
    double scale = POWERS[decimals];
    long m = unzigzag(r.readVarLong());
    values[0] = m / scale;
    int width = (int) r.readBits(7);
    if (width == 0) {
      Arrays.fill(values, 1, n, values[0]);
    } else {
      // integers: m / 1.0 is (double) m, bit for bit, so the division is skipped
      boolean integers = decimals == 0;
      int i = 1;
      if (width <= 57) { // one 8-byte read per value, whatever its bit offset
        byte[] in = r.in;
        long position = r.bitPosition;
        int lastWord = in.length - 8;
        for (; i < n; i++) {
          int index = (int) (position >>> 3);
          if (index > lastWord) {
            break;
          }
          long word = (long) BitReader.LONGS.get(in, index);
          m += unzigzag((word << (position & 7)) >>> (64 - width));
          position += width;
          values[i] = integers ? (double) m : m / scale;
        }
        r.bitPosition = position;
      }
      for (; i < n; i++) {
        m += unzigzag(r.readBits(width));
        values[i] = integers ? (double) m : m / scale;
      }
    }
  }

  private static void writeXor(BitWriter w, double[] values, int n) {
    w.writeBits(XOR_FORM, 8);
    long previous = Double.doubleToRawLongBits(values[0]);
    w.writeBits(previous, 64);
    int leading = -1;
    int trailing = 0;
    for (int i = 1; i < n; i++) {
      long bits = Double.doubleToRawLongBits(values[i]);
      long xor = bits ^ previous;
      previous = bits;
      if (xor == 0) {
        w.writeBits(0, 1);
        continue;
      }
      int lz = Long.numberOfLeadingZeros(xor);
      int tz = Long.numberOfTrailingZeros(xor);
      if (leading >= 0 && lz >= leading && tz >= trailing) {
        w.writeBits(0b10, 2);
        w.writeBits(xor >>> trailing, 64 - leading - trailing);
      } else {
        leading = lz;
        trailing = tz;
        int meaningful = 64 - lz - tz;
        w.writeBits(0b11, 2);
        w.writeBits(lz, 6);
        w.writeBits(meaningful - 1, 6);
        w.writeBits(xor >>> tz, meaningful);
      }
    }
  }

  private static void readXor(BitReader r, double[] values, int n) {
    long previous = r.readBits(64);
    values[0] = Double.longBitsToDouble(previous);
    int leading = 0;
    int trailing = 0;
    for (int i = 1; i < n; i++) {
      if (r.readBits(1) != 0) {
        if (r.readBits(1) != 0) {
          leading = (int) r.readBits(6);
          int meaningful = (int) r.readBits(6) + 1;
          trailing = 64 - leading - meaningful;
        }
        previous ^= r.readBits(64 - leading - trailing) << trailing;
      }
      values[i] = Double.longBitsToDouble(previous);
    }
  }

  private static int bucketBits(long z) {
    if (z == 0) {
      return 1;
    }
    if (z >>> 7 == 0) {
      return 9;
    }
    if (z >>> 12 == 0) {
      return 15;
    }
    return z >>> 20 == 0 ? 24 : 68;
  }

  private static void writeBucket(BitWriter w, long z) {
    if (z == 0) {
      w.writeBits(0, 1);
    } else if (z >>> 7 == 0) {
      w.writeBits(0b10, 2);
      w.writeBits(z, 7);
    } else if (z >>> 12 == 0) {
      w.writeBits(0b110, 3);
      w.writeBits(z, 12);
    } else if (z >>> 20 == 0) {
      w.writeBits(0b1110, 4);
      w.writeBits(z, 20);
    } else {
      w.writeBits(0b1111, 4);
      w.writeBits(z, 64);
    }
  }

  private static long readBucket(BitReader r) {
    if (r.readBits(1) == 0) {
      return 0;
    }
    if (r.readBits(1) == 0) {
      return r.readBits(7);
    }
    if (r.readBits(1) == 0) {
      return r.readBits(12);
    }
    return r.readBits(1) == 0 ? r.readBits(20) : r.readBits(64);
  }

  static long zigzag(long v) {
    return (v << 1) ^ (v >> 63);
  }

  static long unzigzag(long v) {
    return (v >>> 1) ^ -(v & 1);
  }

  /** Writes bits most significant first into a growing byte array. */
  static final class BitWriter {
    private byte[] out;
    private int position;
    private long pending;
    private int pendingBits;

    BitWriter(int capacity) {
      out = new byte[Math.max(16, capacity)];
    }

    void writeBits(long value, int width) {
      if (width == 0) {
        return;
      }
      if (width < 64) {
        value &= (1L << width) - 1;
      }
      int free = 64 - pendingBits;
      if (width <= free) {
        pending = free == 64 ? value << (64 - width) : pending | (value << (free - width));
        pendingBits += width;
        if (pendingBits == 64) {
          drain();
        }
        return;
      }
      int rest = width - free;
      pending |= value >>> rest;
      pendingBits = 64;
      drain();
      pending = value << (64 - rest);
      pendingBits = rest;
    }

    void writeVarLong(long v) {
      while ((v & ~0x7FL) != 0) {
        writeBits((v & 0x7F) | 0x80, 8);
        v >>>= 7;
      }
      writeBits(v, 8);
    }

    private void drain() {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) {
        out[position++] = (byte) (pending >>> s);
      }
      pending = 0;
      pendingBits = 0;
    }

    private void ensure(int n) {
      if (position + n > out.length) {
        out = Arrays.copyOf(out, Math.max(out.length * 2, position + n));
      }
    }

    byte[] toBytes() {
      int bytes = (pendingBits + 7) / 8;
      ensure(bytes);
      for (int k = 0; k < bytes; k++) {
        out[position++] = (byte) (pending >>> (56 - 8 * k));
      }
      pending = 0;
      pendingBits = 0;
      return Arrays.copyOf(out, position);
    }
  }

  /** Reads what {@link BitWriter} wrote. */
  static final class BitReader {
    static final VarHandle LONGS =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    final byte[] in;
    long bitPosition;

    BitReader(byte[] in) {
      this.in = in;
    }

    long readBits(int width) {
      if (width == 0) {
        return 0;
      }
      int index = (int) (bitPosition >>> 3);
      int offset = (int) (bitPosition & 7);
      bitPosition += width;
      long word = index + 8 <= in.length ? (long) LONGS.get(in, index) : tail(index);
      long result = (word << offset) >>> (64 - width);
      int extra = width - (64 - offset);
      if (extra > 0) {
        result |= (in[index + 8] & 0xFF) >>> (8 - extra);
      }
      return result;
    }

    private long tail(int index) {
      long word = 0;
      for (int k = 0; k < 8; k++) {
        word = (word << 8) | (index + k < in.length ? in[index + k] & 0xFF : 0);
      }
      return word;
    }

    long readVarLong() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        long b = readBits(8);
        v |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
    }
  }
}
