package org.metricspipeline.adapters.clickhouse.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * ClickHouse's RowBinary format, both ways: {@link Writer} builds an insert body in memory,
 * {@link Reader} reads a {@code FORMAT RowBinary} result. Strings are length-prefixed bytes (UTF-8),
 * numbers little-endian, arrays a length then the elements. Values travel as data, never as SQL.
 */
public final class RowBinary {

  private RowBinary() {}

  /** A growable RowBinary buffer. Not thread-safe. */
  public static final class Writer {
    private byte[] buf;
    private int size;

    /** A buffer with room for {@code capacity} bytes before it grows. */
    public Writer(int capacity) {
      buf = new byte[Math.max(64, capacity)];
    }

    /** The bytes written so far. */
    public int size() {
      return size;
    }

    /** Forgets what was written, keeping the memory. */
    public void reset() {
      size = 0;
    }

    /** Cuts back to {@code mark} bytes (drops what was written after it). */
    public void truncate(int mark) {
      size = mark;
    }

    /** Writes bytes {@code [from, to)} to {@code out}. */
    public void writeTo(OutputStream out, int from, int to) throws IOException {
      out.write(buf, from, to - from);
    }

    /** A copy of bytes {@code [from, to)}. */
    public byte[] copy(int from, int to) {
      return Arrays.copyOfRange(buf, from, to);
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        long wanted = Math.max((long) buf.length * 2, (long) size + more);
        if (wanted > Integer.MAX_VALUE - 8) {
          throw new IllegalStateException("RowBinary buffer would exceed 2 GiB");
        }
        buf = Arrays.copyOf(buf, (int) wanted);
      }
    }

    /** An unsigned LEB128 length. */
    public void varint(long v) {
      ensure(10);
      while ((v & ~0x7FL) != 0) {
        buf[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      buf[size++] = (byte) v;
    }

    /** A String column value (UTF-8). */
    public void string(String s) {
      int n = s.length();
      boolean ascii = n < 128;
      if (ascii) {
        for (int i = 0; i < n; i++) {
          if (s.charAt(i) >= 0x80) {
            ascii = false;
            break;
          }
        }
      }
      if (ascii) {
        ensure(n + 1);
        buf[size++] = (byte) n;
        for (int i = 0; i < n; i++) {
          buf[size++] = (byte) s.charAt(i);
        }
      } else {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        varint(b.length);
        ensure(b.length);
        System.arraycopy(b, 0, buf, size, b.length);
        size += b.length;
      }
    }

    /** An Int64 or UInt64 column value. */
    public void int64(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        buf[size++] = (byte) (v >>> (8 * i));
      }
    }

    /** A Float64 column value. */
    public void float64(double v) {
      int64(Double.doubleToRawLongBits(v));
    }

    /** Overwrites the 8 bytes at {@code position} with an Int64/UInt64 value. */
    public void patchInt64(int position, long v) {
      for (int i = 0; i < 8; i++) {
        buf[position + i] = (byte) (v >>> (8 * i));
      }
    }

    /** A 64-bit hash of bytes {@code [from, to)}, to recognise a chunk sent again. */
    public long hash(int from, int to) {
      long h = 0x9E3779B97F4A7C15L ^ (to - from);
      for (int i = from; i < to; i++) {
        h = (h ^ (buf[i] & 0xFF)) * 0x100000001B3L;
        h ^= h >>> 29;
      }
      return h;
    }

    /** A Date column value: days since 1970-01-01, 0 to 65535. */
    public void date(int days) {
      ensure(2);
      buf[size++] = (byte) days;
      buf[size++] = (byte) (days >>> 8);
    }
  }

  /** Reads a RowBinary result whose column types the caller knows. Not thread-safe. */
  public static final class Reader {
    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;

    /** A reader over a result stream (buffered here). */
    public Reader(InputStream in) {
      this.in = in;
    }

    /** Whether another row follows. */
    public boolean hasMore() throws IOException {
      return pos < limit || fill();
    }

    private boolean fill() throws IOException {
      int n = in.read(buf, 0, buf.length);
      if (n <= 0) {
        return false;
      }
      pos = 0;
      limit = n;
      return true;
    }

    private int next() throws IOException {
      if (pos == limit && !fill()) {
        throw new EOFException("RowBinary result ended inside a row");
      }
      return buf[pos++] & 0xFF;
    }

    /** An unsigned LEB128 length. */
    public long varint() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = next();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
      throw new IOException("malformed RowBinary length");
    }

    /** A String column value. */
    public String string() throws IOException {
      long n = varint();
      if (n > Integer.MAX_VALUE - 8) {
        throw new IOException("RowBinary string too long: " + n);
      }
      int len = (int) n;
      if (limit - pos >= len) {
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
      }
      byte[] b = new byte[len];
      int done = 0;
      while (done < len) {
        if (pos == limit && !fill()) {
          throw new EOFException("RowBinary result ended inside a string");
        }
        int k = Math.min(len - done, limit - pos);
        System.arraycopy(buf, pos, b, done, k);
        pos += k;
        done += k;
      }
      return new String(b, StandardCharsets.UTF_8);
    }

    /** An Array(String) column value. */
    public List<String> strings() throws IOException {
      int n = (int) varint();
      List<String> out = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        out.add(string());
      }
      return out;
    }

    /** An Int64 or UInt64 column value. */
    public long int64() throws IOException {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v |= (long) next() << (8 * i);
      }
      return v;
    }

    /** A Float64 column value. */
    public double float64() throws IOException {
      return Double.longBitsToDouble(int64());
    }

    /** A UInt8 column value. */
    public int uint8() throws IOException {
      return next();
    }
  }
}
