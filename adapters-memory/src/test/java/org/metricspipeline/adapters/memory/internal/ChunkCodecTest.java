package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/**
 * Round-trip properties of {@link ChunkCodec}: every value comes back bit-exactly and every
 * timestamp exactly, over generated runs mixing the shapes the codec treats differently.
 */
class ChunkCodecTest {

  private static final double[] SPECIAL = {
    0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL, 0x0.0000000000001p-1022 * 3,
    Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, 9007199254740993.0, 0.1, 0.2, 0.30000000000000004, 1e15 + 0.25,
  };

  @RepeatedTest(2000)
  void roundTripsGeneratedRunsBitExactly(RepetitionInfo info) {
    Random r = new Random(info.getCurrentRepetition() * 7919L);
    int n = r.nextInt(info.getCurrentRepetition() % 10 == 0 ? 5000 : 300);
    long[] times = new long[n];
    double[] values = new double[n];
    long t = r.nextBoolean() ? 1_700_000_000_000L : r.nextLong();
    long step = r.nextInt(4) == 0 ? 0 : r.nextInt(100_000);
    int valueShape = r.nextInt(6);
    int decimals = r.nextInt(5);
    for (int i = 0; i < n; i++) {
      times[i] = t;
      switch (r.nextInt(10)) {
        case 0 -> t += r.nextLong(); // huge gaps, wrapping included
        case 1 -> t -= r.nextInt(1000); // out of order
        default -> t += step + (r.nextInt(3) == 0 ? r.nextInt(50) - 25 : 0);
      }
      values[i] = switch (valueShape) {
        case 0 -> Math.round((50 + 20 * Math.sin(i / 30.0) + r.nextGaussian()) * Math.pow(10, decimals))
            / Math.pow(10, decimals);
        case 1 -> Double.longBitsToDouble(r.nextLong() & 0x7FEFFFFFFFFFFFFFL) * (r.nextBoolean() ? 1 : -1);
        case 2 -> SPECIAL[r.nextInt(SPECIAL.length)];
        case 3 -> r.nextInt(1000);
        case 4 -> r.nextDouble() * 1e-310; // subnormals
        default -> i % 7 == 0 ? SPECIAL[r.nextInt(SPECIAL.length)] : r.nextInt(100) / 4.0;
      };
    }

    assertRoundTrips(times, values, n);
  }

  @Test
  void roundTripsNegativeZeroSubnormalsAndExtremes() {
    double[] values = SPECIAL.clone();
    long[] times = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1, Long.MIN_VALUE, 5, 5, 5, 6, Long.MAX_VALUE, 0, 1, 2};

    assertRoundTrips(times, values, values.length);
  }

  @Test
  void keepsTwoDecimalValuesTenSecondsApartUnderTwoBytesAPoint() {
    Random r = new Random(1);
    int n = 4096;
    long[] times = new long[n];
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      times[i] = 1_700_000_000_000L + 10_000L * i;
      values[i] = Math.round((50 + 20 * Math.sin(i / 60.0) + r.nextGaussian()) * 100) / 100.0;
    }

    byte[] encoded = ChunkCodec.encode(times, values, n);

    assertThat((double) encoded.length / n).isLessThan(2.0);
    assertRoundTrips(times, values, n);
  }

  private static void assertRoundTrips(long[] times, double[] values, int n) {
    byte[] encoded = ChunkCodec.encode(times, values, n);
    long[] t = new long[n];
    double[] v = new double[n];

    assertThat(ChunkCodec.count(encoded)).isEqualTo(n);
    assertThat(ChunkCodec.decode(encoded, t, v)).isEqualTo(n);
    for (int i = 0; i < n; i++) {
      assertThat(t[i]).as("time %d", i).isEqualTo(times[i]);
      assertThat(Double.doubleToRawLongBits(v[i])).as("bits of value %d (%s)", i, values[i])
          .isEqualTo(Double.doubleToRawLongBits(values[i]));
    }
    if (n > 0 && fitsOffsets(times, n)) { // what queries decode: offsets from the chunk's base
      int[] offsets = new int[n];
      double[] v2 = new double[n];
      assertThat(ChunkCodec.decode(encoded, times[0], offsets, v2)).isEqualTo(n);
      for (int i = 0; i < n; i++) {
        assertThat(times[0] + offsets[i]).as("time %d from offsets", i).isEqualTo(times[i]);
        assertThat(Double.doubleToRawLongBits(v2[i])).as("bits of value %d from offsets", i)
            .isEqualTo(Double.doubleToRawLongBits(values[i]));
      }
    }
  }

  private static boolean fitsOffsets(long[] times, int n) {
    for (int i = 0; i < n; i++) {
      long offset = times[i] - times[0];
      if (((times[i] ^ times[0]) & (times[i] ^ offset)) < 0
          || offset < Integer.MIN_VALUE || offset > Integer.MAX_VALUE) {
        return false;
      }
    }
    return true;
  }
}
