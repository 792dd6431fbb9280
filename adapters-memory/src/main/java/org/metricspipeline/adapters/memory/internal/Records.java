package org.metricspipeline.adapters.memory.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The encodings inside the records of a data directory's files (varints, longs, strings, series
 * identities); the records themselves are framed by core's {@link
 * org.metricspipeline.core.internal.FramedRecords}, as the disk buffer's are.
 */
final class Records {

  private Records() {}

  /** A growing byte buffer with the few encodings the files use. */
  static final class Out {
    byte[] bytes;
    int size;

    Out(int capacity) {
      bytes = new byte[Math.max(16, capacity)];
    }

    void reset() {
      size = 0;
    }

    private void ensure(int n) {
      if (size + n > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + n));
      }
    }

    void writeByte(int b) {
      ensure(1);
      bytes[size++] = (byte) b;
    }

    void writeVarLong(long v) {
      ensure(10);
      size = putVarLong(bytes, size, v);
    }

    /** Writes {@code v} as a var-long at {@code p} (room checked by the caller); the position after it. */
    private static int putVarLong(byte[] b, int p, long v) {
      while ((v & ~0x7FL) != 0) {
        b[p++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      b[p++] = (byte) v;
      return p;
    }

    /** A log point: two var-longs and eight bytes, with one bounds check. */
    void writePoint(long ordinal, long zigzagDelta, long valueBits) {
      ensure(28);
      byte[] b = bytes;
      int p = putVarLong(b, putVarLong(b, size, ordinal), zigzagDelta);
      for (int s = 56; s >= 0; s -= 8) {
        b[p++] = (byte) (valueBits >>> s);
      }
      size = p;
    }

    void writeLong(long v) {
      ensure(8);
      for (int s = 56; s >= 0; s -= 8) {
        bytes[size++] = (byte) (v >>> s);
      }
    }

    void writeDouble(double v) {
      writeLong(Double.doubleToRawLongBits(v));
    }

    void writeBytes(byte[] b) {
      writeVarLong(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, bytes, size, b.length);
      size += b.length;
    }

    void writeString(String s) {
      writeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    void writeSeries(String metricType, String source, String name, String unit, Map<String, String> tags) {
      writeString(metricType);
      writeString(source);
      writeString(name);
      writeString(unit);
      writeVarLong(tags.size());
      for (Map.Entry<String, String> e : tags.entrySet()) {
        writeString(e.getKey());
        writeString(e.getValue());
      }
    }

    void writeSeries(Series s) {
      writeSeries(s.metricType(), s.source(), s.name(), s.unit(), s.tags());
    }

    void append(Out other) {
      ensure(other.size);
      System.arraycopy(other.bytes, 0, bytes, size, other.size);
      size += other.size;
    }
  }

  /** Reads what {@link Out} wrote. */
  static final class In {
    private final byte[] bytes;
    private int position;

    In(byte[] bytes) {
      this.bytes = bytes;
    }

    boolean hasMore() {
      return position < bytes.length;
    }

    int readByte() {
      return bytes[position++] & 0xFF;
    }

    long readVarLong() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        long b = bytes[position++];
        v |= (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
    }

    int readVarInt() {
      long v = readVarLong();
      if (v < 0 || v > Integer.MAX_VALUE) {
        throw new IllegalStateException("count out of range: " + v);
      }
      return (int) v;
    }

    long readLong() {
      long v = 0;
      for (int k = 0; k < 8; k++) {
        v = (v << 8) | (bytes[position++] & 0xFF);
      }
      return v;
    }

    double readDouble() {
      return Double.longBitsToDouble(readLong());
    }

    byte[] readBytes() {
      int n = readVarInt();
      byte[] b = Arrays.copyOfRange(bytes, position, position + n);
      position += n;
      return b;
    }

    String readString() {
      int n = readVarInt();
      String s = new String(bytes, position, n, StandardCharsets.UTF_8);
      position += n;
      return s;
    }

    Series readSeries(SeriesStore store) {
      String type = readString();
      String source = readString();
      String name = readString();
      String unit = readString();
      int n = readVarInt();
      Map<String, String> tags = new LinkedHashMap<>();
      for (int i = 0; i < n; i++) {
        tags.put(readString(), readString());
      }
      return store.restoreSeries(type, source, name, unit, Map.copyOf(tags));
    }
  }
}
