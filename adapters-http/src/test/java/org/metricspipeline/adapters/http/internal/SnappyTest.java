package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.http.RemoteWriteRequests;

class SnappyTest {

  @Test
  void decompressesWhatSnappyJavaCompresses() throws IOException {
    Random random = new Random(7);
    for (int size : new int[] {0, 1, 59, 60, 61, 255, 256, 65_535, 65_536, 70_000, 1 << 20}) {
      for (int kind = 0; kind < 3; kind++) {
        byte[] raw = new byte[size];
        if (kind == 0) {
          random.nextBytes(raw); // incompressible: long literals
        } else if (kind == 1) {
          for (int i = 0; i < size; i++) {
            raw[i] = (byte) ("up{job=\"prometheus\"} ".charAt(i % 21)); // short-offset copies
          }
        } else {
          for (int i = 0; i < size; i++) {
            raw[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt() : (i / 4096)); // long runs, far copies
          }
        }
        byte[] back = Snappy.decompress(RemoteWriteRequests.snappy(raw), 1 << 21);
        assertThat(Arrays.equals(back, raw)).as("size %d kind %d", size, kind).isTrue();
      }
    }
  }

  @Test
  void refusesADeclaredLengthOverTheLimitBeforeAllocating() {
    // declares 4 GiB - 1 in five bytes and carries nothing: a decompression bomb's header
    byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    assertThatThrownBy(() -> Snappy.decompress(bomb, 1 << 20)).isInstanceOf(Snappy.TooLargeException.class)
        .hasMessageContaining("4294967295");
    byte[] big = RemoteWriteRequests.snappy(new byte[2 << 20]);
    assertThatThrownBy(() -> Snappy.decompress(big, 1 << 20)).isInstanceOf(Snappy.TooLargeException.class);
  }

  @Test
  void rejectsCorruptBlocks() {
    byte[] good = RemoteWriteRequests.snappy("hello hello hello hello hello".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> Snappy.decompress(new byte[0], 100)).hasMessageContaining("length header");
    assertThatThrownBy(() -> Snappy.decompress(Arrays.copyOf(good, good.length - 1), 100)).isInstanceOf(IOException.class);
    // declares 5 bytes, copies from before the start
    assertThatThrownBy(() -> Snappy.decompress(new byte[] {5, 0b0000_0001 | (1 << 2), 9}, 100))
        .hasMessageContaining("before the start");
    // declares 2 bytes, carries a 3-byte literal
    assertThatThrownBy(() -> Snappy.decompress(new byte[] {2, 2 << 2, 'a', 'b', 'c'}, 100))
        .hasMessageContaining("past the declared length");
    // declares 4 bytes, carries 3
    assertThatThrownBy(() -> Snappy.decompress(new byte[] {4, 2 << 2, 'a', 'b', 'c'}, 100))
        .hasMessageContaining("not the 4");
    assertThatThrownBy(() -> Snappy.decompress(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
        (byte) 0x80, 1}, 100)).hasMessageContaining("5 bytes");
  }
}
