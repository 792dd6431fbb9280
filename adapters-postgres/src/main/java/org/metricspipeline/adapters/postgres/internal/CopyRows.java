package org.metricspipeline.adapters.postgres.internal;

import java.util.Arrays;

/**
 * A growable buffer in PostgreSQL's binary {@code COPY} format: the header, tuples of typed fields
 * (text as UTF-8, {@code int8}, {@code float8}, one-dimensional {@code text[]} and {@code bytea[]}
 * arrays), and the trailer. Strings are encoded to UTF-8 in place (a lone surrogate becomes
 * {@code ?}, as {@link String#getBytes} does).
 */
public final class CopyRows {

  private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
      0, 0, 0, 0, 0, 0, 0, 0};
  private static final int TEXT_OID = 25;
  private static final int BYTEA_OID = 17;

  private byte[] buf;
  private int size;

  /** A buffer of {@code capacity} bytes to start with. */
  public CopyRows(int capacity) {
    buf = new byte[Math.max(64, capacity)];
  }

  /** The bytes written so far. */
  public byte[] array() {
    return buf;
  }

  /** The number of bytes written. */
  public int size() {
    return size;
  }

  /** Forgets everything after {@code mark} (an item that failed half-way). */
  public void truncate(int mark) {
    size = mark;
  }

  /** Forgets everything. */
  public void clear() {
    size = 0;
  }

  /** The file header. */
  public void header() {
    put(HEADER, 0, HEADER.length);
  }

  /** The file trailer. */
  public void trailer() {
    putShort(-1);
  }

  /** Starts a tuple of {@code fields} fields. */
  public void tuple(int fields) {
    putShort(fields);
  }

  /** An {@code int8} field. */
  public void int8(long v) {
    putInt(8);
    putLong(v);
  }

  /** A {@code float8} field. */
  public void float8(double v) {
    putInt(8);
    putLong(Double.doubleToRawLongBits(v));
  }

  /** A {@code text} field. */
  public void text(String s) {
    int at = size;
    putInt(0);
    utf8(s);
    patchInt(at, size - at - 4);
  }

  /** A {@code text[]} field. */
  public void textArray(String[] values, int n) {
    array(TEXT_OID, values, n);
  }

  /** A {@code bytea[]} field holding the UTF-8 bytes of each string. */
  public void byteaArray(String[] values, int n) {
    array(BYTEA_OID, values, n);
  }

  /** A {@code jsonb} field (binary format version 1, then the JSON text). */
  public void jsonb(String json) {
    int at = size;
    putInt(0);
    ensure(1);
    buf[size++] = 1;
    utf8(json);
    patchInt(at, size - at - 4);
  }

  /** A NULL field. */
  public void nullField() {
    putInt(-1);
  }

  /** A {@code bool} field. */
  public void bool(boolean v) {
    putInt(1);
    ensure(1);
    buf[size++] = (byte) (v ? 1 : 0);
  }

  /** A {@code float4} field. */
  public void float4(float v) {
    putInt(4);
    putInt(Float.floatToRawIntBits(v));
  }

  /** An {@code int4} field. */
  public void int4(int v) {
    putInt(4);
    putInt(v);
  }

  /** A {@code date} field: days since 2000-01-01. */
  public void date(int daysSince2000) {
    putInt(4);
    putInt(daysSince2000);
  }

  /** A {@code timestamptz} field: microseconds since 2000-01-01T00:00:00Z. */
  public void timestamp(long microsSince2000) {
    int8(microsSince2000);
  }

  private void array(int oid, String[] values, int n) {
    int at = size;
    putInt(0);
    putInt(n == 0 ? 0 : 1);
    putInt(0);
    putInt(oid);
    if (n > 0) {
      putInt(n);
      putInt(1);
      for (int i = 0; i < n; i++) {
        int el = size;
        putInt(0);
        utf8(values[i]);
        patchInt(el, size - el - 4);
      }
    }
    patchInt(at, size - at - 4);
  }

  private void utf8(String s) {
    int n = s.length();
    ensure(n * 3);
    byte[] b = buf;
    int p = size;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else if (c < 0x800) {
        b[p++] = (byte) (0xc0 | c >> 6);
        b[p++] = (byte) (0x80 | c & 0x3f);
      } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xf0 | cp >> 18);
        b[p++] = (byte) (0x80 | cp >> 12 & 0x3f);
        b[p++] = (byte) (0x80 | cp >> 6 & 0x3f);
        b[p++] = (byte) (0x80 | cp & 0x3f);
      } else if (Character.isSurrogate(c)) {
        b[p++] = '?';
      } else {
        b[p++] = (byte) (0xe0 | c >> 12);
        b[p++] = (byte) (0x80 | c >> 6 & 0x3f);
        b[p++] = (byte) (0x80 | c & 0x3f);
      }
    }
    size = p;
  }

  private void putShort(int v) {
    ensure(2);
    buf[size++] = (byte) (v >> 8);
    buf[size++] = (byte) v;
  }

  private void putInt(int v) {
    ensure(4);
    patchInt(size, v);
    size += 4;
  }

  private void patchInt(int at, int v) {
    buf[at] = (byte) (v >> 24);
    buf[at + 1] = (byte) (v >> 16);
    buf[at + 2] = (byte) (v >> 8);
    buf[at + 3] = (byte) v;
  }

  private void putLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >> shift);
    }
  }

  private void put(byte[] bytes, int from, int length) {
    ensure(length);
    System.arraycopy(bytes, from, buf, size, length);
    size += length;
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      long want = Math.max((long) buf.length * 2, (long) size + more);
      if (want > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("a COPY buffer cannot exceed 2 GiB");
      }
      buf = Arrays.copyOf(buf, (int) want);
    }
  }
}
