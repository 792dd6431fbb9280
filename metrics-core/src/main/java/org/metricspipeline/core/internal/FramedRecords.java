package org.metricspipeline.core.internal;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The record framing of every local log: {@code [length u32][crc32c u32][payload]}, big-endian,
 * the checksum covering the payload. Used by the disk buffer and by the durable store's files. A
 * reader stops at the first record that is short (a torn write) or whose checksum does not match,
 * and says where the valid part ends, so that the caller can cut off the rest.
 */
public final class FramedRecords {

  /** Bytes before each payload: its length and its checksum. */
  public static final int HEADER_BYTES = 8;
  /** The largest payload accepted; a larger length field is taken for corruption. */
  public static final int MAX_PAYLOAD = 256 << 20;

  private FramedRecords() {}

  /** A framed record holding {@code payload[0, length)}, ready to write. */
  public static ByteBuffer frame(byte[] payload, int length) {
    CRC32C crc = new CRC32C();
    crc.update(payload, 0, length);
    ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES + length);
    b.putInt(length).putInt((int) crc.getValue()).put(payload, 0, length).flip();
    return b;
  }

  /** Receives each valid record's payload. */
  public interface Visitor {
    /** One record's payload, in file order. */
    void record(byte[] payload) throws IOException;
  }

  /**
   * What a scan found: where the valid records end, and whether the file goes on past that.
   *
   * @param validBytes the length of the file's valid prefix
   * @param fileBytes the file's length
   * @param records the valid records read
   * @param problem what ended the valid prefix, {@code ""} when the whole file is valid
   */
  public record Scan(long validBytes, long fileBytes, int records, String problem) {
    /** Whether every byte of the file belongs to a valid record. */
    public boolean clean() {
      return validBytes == fileBytes;
    }

    /** Bytes past the valid prefix. */
    public long invalidBytes() {
      return fileBytes - validBytes;
    }
  }

  /** Reads the records of {@code file} (starting {@code skip} bytes in) until its end or the first bad one. */
  public static Scan scan(Path file, long skip, Visitor visitor) throws IOException {
    long size = Files.size(file);
    long valid = skip;
    int count = 0;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
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

  /** Cuts {@code file} to its valid prefix ({@link Scan#validBytes()}) and syncs it. */
  public static void truncate(Path file, long validBytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(validBytes);
      ch.force(true);
    }
  }

  /** Makes a file's creation, rename or deletion durable by syncing its directory (where the OS allows). */
  public static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // some platforms cannot open a directory; the rename is still atomic
    }
  }
}
