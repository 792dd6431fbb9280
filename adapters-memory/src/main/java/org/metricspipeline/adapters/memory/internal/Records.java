package org.metricspipeline.adapters.memory.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The record framing every file of a data directory uses: {@code [length u32][crc32c u32][payload]},
 * big-endian, where the checksum covers the payload. A reader stops at the first record that is
 * short (a torn write) or whose checksum does not match, and says where the valid part ends.
 */
final class Records {

  /** The largest payload accepted; a larger length field is taken for corruption. */
  static final int MAX_PAYLOAD = 256 << 20;
  static final int HEADER_BYTES = 8;

  private Records() {}

  /** A framed record holding {@code payload[0, length)}. */
  static ByteBuffer frame(byte[] payload, int length) {
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, length);
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + length).order(ByteOrder.BIG_ENDIAN);
    b.putInt(length).putInt((int) crc.getValue()).put(payload, 0, length).flip();
    return b;
  }

  /** Receives each valid record's payload. */
  interface Visitor {
    void record(byte[] payload) throws IOException;
  }

  /** What a scan found: where the valid records end, and whether the file goes on past that. */
  record Scan(long validBytes, long fileBytes, int records, String problem) {
    boolean clean() {
      return validBytes == fileBytes;
    }
  }

  /** Reads records from {@code in} (starting {@code skip} bytes in) until the end or the first bad one. */
  static Scan scan(Path file, long skip, Visitor visitor) throws IOException {
    long size = Files.size(file);
    long valid = skip;
    int count = 0;
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = new java.io.BufferedInputStream(raw, 1 << 16)) {
      in.skipNBytes(skip);
      byte[] header = new byte[HEADER_BYTES];
      while (valid < size) {
        if (size - valid < HEADER_BYTES) {
          return new Scan(valid, size, count, "torn record header at byte " + valid);
        }
        readFully(in, header, HEADER_BYTES);
        ByteBuffer h = ByteBuffer.wrap(header);
        int length = h.getInt();
        int expected = h.getInt();
        if (length < 0 || length > MAX_PAYLOAD || length > size - valid - HEADER_BYTES) {
          return new Scan(valid, size, count, "torn or corrupt record at byte " + valid + " (length " + length + ")");
        }
        byte[] payload = new byte[length];
        readFully(in, payload, length);
        CRC32C crc = new CRC32C();
        crc.update(payload, 0, length);
        if ((int) crc.getValue() != expected) {
          return new Scan(valid, size, count, "checksum mismatch in the record at byte " + valid);
        }
        visitor.record(payload);
        valid += HEADER_BYTES + length;
        count++;
      }
    }
    return new Scan(valid, size, count, "");
  }

  private static void readFully(InputStream in, byte[] b, int n) throws IOException {
    if (in.readNBytes(b, 0, n) != n) {
      throw new EOFException();
    }
  }

  /** Makes a file's creation or rename durable by syncing its directory (where the OS allows). */
  static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open a directory; the rename is still atomic
    }
  }

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
      while ((v & ~0x7FL) != 0) {
        bytes[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[size++] = (byte) v;
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
