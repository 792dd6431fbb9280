package org.metricspipeline.core.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * Bounded caches the JSON reader shares between documents, so the names, units, tag values and
 * tag maps producers send again and again decode to the same instances: no new {@code String}s or
 * maps for them, hash codes computed once, and the in-memory store finds their series by identity.
 *
 * <p>The tables are two-way set-associative with a fixed number of slots (a value may sit in its
 * slot or the slot's twin; a miss fills an empty one or overwrites one of the two), so memory stays
 * bounded whatever the cardinality: twice {@value #STRING_SLOTS} strings (decoded from chars, from
 * ASCII bytes) of at most {@value #MAX_STRING_LENGTH} characters and {@value #TAG_MAP_SLOTS} tag
 * maps of at most {@value #MAX_TAGS} tags (a few MB when full). The sizes hold the tag values and
 * tag maps of tens of thousands of hosts: with a table smaller than the working set, every request
 * decodes fresh maps and the in-memory store can no longer find series by the map's identity. Reads and writes race on purpose: entries are immutable (final fields),
 * so a reader sees a whole entry or an older one, and a lost write only costs a later miss. Every
 * returned value equals what decoding afresh would give.
 */
public final class DecodeCache {

  static final int STRING_SLOTS = 1 << 16;
  static final int MAX_STRING_LENGTH = 64;
  static final int TAG_MAP_SLOTS = 1 << 16;
  static final int MAX_TAGS = 8;

  /** The instance the JSON readers share. */
  public static final DecodeCache SHARED = new DecodeCache();

  private final String[] strings = new String[STRING_SLOTS];
  private final AsciiString[] asciiStrings = new AsciiString[STRING_SLOTS];
  private final TagMap[] tagMaps = new TagMap[TAG_MAP_SLOTS];

  /** The string of {@code length} characters at {@code offset}, from the cache when seen recently. */
  public String string(char[] chars, int offset, int length) {
    if (length > MAX_STRING_LENGTH) {
      return new String(chars, offset, length);
    }
    int h = 0;
    for (int i = offset, end = offset + length; i < end; i++) {
      h = 31 * h + chars[i];
    }
    int slot = (h ^ (h >>> 15)) & (STRING_SLOTS - 1);
    String cached = strings[slot];
    if (cached != null && cached.length() == length && sameChars(cached, chars, offset)) {
      return cached;
    }
    int twin = slot ^ 1;
    cached = strings[twin];
    if (cached != null && cached.length() == length && sameChars(cached, chars, offset)) {
      return cached;
    }
    String s = new String(chars, offset, length);
    strings[victim(strings, slot, h >>> 20)] = s;
    return s;
  }

  /**
   * The string of the {@code length} ASCII bytes at {@code offset}, from the cache when seen
   * recently. The slot is chosen from the length and the first and last eight bytes, read as two
   * words, which tells apart the names and values producers number or suffix.
   */
  public String ascii(byte[] bytes, int offset, int length) {
    if (length > MAX_STRING_LENGTH) {
      return new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    }
    long h = length;
    if (length >= Long.BYTES) {
      h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(bytes, offset);
      h = h * 0x9E3779B97F4A7C15L + (long) LONGS.get(bytes, offset + length - Long.BYTES);
    } else if (length >= Integer.BYTES) {
      h = h * 0x9E3779B97F4A7C15L + (int) INTS.get(bytes, offset);
      h = h * 0x9E3779B97F4A7C15L + (int) INTS.get(bytes, offset + length - Integer.BYTES);
    } else {
      for (int i = offset, end = offset + length; i < end; i++) {
        h = h * 31 + bytes[i];
      }
    }
    // murmur3's finalizer: every input bit reaches the slot bits
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    int slot = (int) h & (STRING_SLOTS - 1);
    AsciiString cached = asciiStrings[slot];
    if (cached != null && cached.matches(bytes, offset, length)) {
      return cached.string;
    }
    cached = asciiStrings[slot ^ 1];
    if (cached != null && cached.matches(bytes, offset, length)) {
      return cached.string;
    }
    String s = new String(bytes, offset, length, StandardCharsets.ISO_8859_1);
    asciiStrings[victim(asciiStrings, slot, (int) (h >>> 32))] =
        new AsciiString(Arrays.copyOfRange(bytes, offset, offset + length), s);
    return s;
  }

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private record AsciiString(byte[] bytes, String string) {
    boolean matches(byte[] other, int offset, int length) {
      if (bytes.length != length) {
        return false;
      }
      if (length < Long.BYTES) {
        for (int i = 0; i < length; i++) {
          if (bytes[i] != other[offset + i]) {
            return false;
          }
        }
        return true;
      }
      // word by word; the last word may overlap the one before
      for (int i = 0; i < length - Long.BYTES; i += Long.BYTES) {
        if ((long) LONGS.get(bytes, i) != (long) LONGS.get(other, offset + i)) {
          return false;
        }
      }
      return (long) LONGS.get(bytes, length - Long.BYTES) == (long) LONGS.get(other, offset + length - Long.BYTES);
    }
  }

  private static boolean sameChars(String s, char[] chars, int offset) {
    for (int i = 0, n = s.length(); i < n; i++) {
      if (s.charAt(i) != chars[offset + i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * An immutable map of the {@code size / 2} pairs key, value in {@code keysAndValues} (keys
   * distinct), from the cache when the same pairs were seen recently; at most {@value #MAX_TAGS}
   * pairs are cached.
   */
  public Map<String, String> tagMap(String[] keysAndValues, int size) {
    if (size > 2 * MAX_TAGS) {
      return build(keysAndValues, size);
    }
    int h = size;
    for (int i = 0; i < size; i++) {
      h = 31 * h + keysAndValues[i].hashCode();
    }
    h ^= h >>> 15;
    h *= 0x9E3779B9; // tag values often differ in their last characters only: spread them
    h ^= h >>> 16;
    int slot = h & (TAG_MAP_SLOTS - 1);
    TagMap cached = tagMaps[slot];
    if (cached != null && cached.matches(keysAndValues, size)) {
      return cached.map;
    }
    cached = tagMaps[slot ^ 1];
    if (cached != null && cached.matches(keysAndValues, size)) {
      return cached.map;
    }
    Map<String, String> map = build(keysAndValues, size);
    tagMaps[victim(tagMaps, slot, h >>> 20)] = new TagMap(Arrays.copyOf(keysAndValues, size), map);
    return map;
  }

  /**
   * Which of {@code slot} and its twin a miss fills: an empty one, else one chosen by a hash bit
   * the slot index does not use, so two values sharing a pair both stay.
   */
  private static int victim(Object[] table, int slot, int bits) {
    if (table[slot] == null) {
      return slot;
    }
    if (table[slot ^ 1] == null) {
      return slot ^ 1;
    }
    return (bits & 1) == 0 ? slot : slot ^ 1;
  }

  /**
   * Adds the pair to the first {@code size} entries of {@code kv} (key, value, key, value, ...), a
   * later duplicate key replacing the earlier value as a JSON object read into a map does; returns
   * the new size, or -1 when {@code kv} is full.
   */
  static int putTag(String[] kv, int size, String key, String value) {
    for (int k = 0; k < size; k += 2) {
      if (kv[k] == key || kv[k].equals(key)) {
        kv[k + 1] = value;
        return size;
      }
    }
    if (size == kv.length) {
      return -1;
    }
    kv[size] = key;
    kv[size + 1] = value;
    return size + 2;
  }

  private static Map<String, String> build(String[] kv, int size) {
    switch (size) {
      case 0:
        return Map.of();
      case 2:
        return Map.of(kv[0], kv[1]);
      case 4:
        return Map.of(kv[0], kv[1], kv[2], kv[3]);
      default: {
        @SuppressWarnings("unchecked")
        Map.Entry<String, String>[] entries = new Map.Entry[size / 2];
        for (int i = 0; i < entries.length; i++) {
          entries[i] = Map.entry(kv[2 * i], kv[2 * i + 1]);
        }
        return Map.ofEntries(entries);
      }
    }
  }

  private static final class TagMap {
    final String[] keysAndValues;
    final Map<String, String> map;

    TagMap(String[] keysAndValues, Map<String, String> map) {
      this.keysAndValues = keysAndValues;
      this.map = map;
    }

    boolean matches(String[] kv, int size) {
      if (keysAndValues.length != size) {
        return false;
      }
      for (int i = 0; i < size; i++) {
        String a = keysAndValues[i];
        String b = kv[i];
        if (a != b && !a.equals(b)) {
          return false;
        }
      }
      return true;
    }
  }
}
