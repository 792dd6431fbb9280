package org.metricspipeline.adapters.memory.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.internal.FramedRecords;

class WalBatchTest {

  @TempDir
  Path dir;

  /** What a decoded segment held: the series defined (in order) and every point as "name@time=value". */
  private static final class Recorded implements WalBatch.Sink<String> {
    final List<String> defined = new ArrayList<>();
    final List<String> points = new ArrayList<>();

    @Override
    public String series(String metricType, String source, String name, String unit, Map<String, String> tags) {
      defined.add(name);
      return name;
    }

    @Override
    public void points(String series, long[] times, double[] values, int n) {
      for (int i = 0; i < n; i++) {
        points.add(series + "@" + times[i] + "=" + values[i]);
      }
    }

    @Override
    public void context(MetricsData item) {}
  }

  private Recorded replay(Path segment) throws Exception {
    Recorded recorded = new Recorded();
    WalBatch.Ordinals<String> known = new WalBatch.Ordinals<>();
    FramedRecords.scan(segment, 0, payload -> WalBatch.decode(payload, known, recorded));
    return recorded;
  }

  @Test
  void aSeriesThatInterleavedBatchesListTwiceIsDefinedOnceAndItsPointsAllReplay() throws Exception {
    SeriesStore store = new SeriesStore(1_000, 64);
    Series a = store.restoreSeries("t", "s", "a", "", Map.of("host", "h1"));
    Series b = store.restoreSeries("t", "s", "b", "", Map.of());
    WalBatch first = new WalBatch(4);
    WalBatch second = new WalBatch(4);
    first.point(a, a.ordinal, 1_000, 1.5);
    second.point(a, a.ordinal, 2_000, 9.0);
    first.point(b, b.ordinal, 1_000, 2.5);
    first.point(a, a.ordinal, 3_000, -4.25); // the first batch lists it again

    assertThat(Arrays.copyOf(first.series, first.seriesCount)).containsExactly(a, b, a);

    WriteAheadLog wal = new WriteAheadLog(dir, 1, 1 << 20, new WriteAheadLog.DiskUsage(), n -> {});
    wal.append(first);
    wal.append(second);
    wal.close();

    Recorded recorded = replay(WriteAheadLog.segmentFile(dir, 1));
    assertThat(recorded.defined).containsExactly("a", "b");
    assertThat(recorded.points).containsExactly("a@1000=1.5", "b@1000=2.5", "a@3000=-4.25", "a@2000=9.0");
  }

  @Test
  void ordinalsAgreeWithAMapForDenseSparseAndHugeKeys() {
    Random random = new Random(7);
    WalBatch.Ordinals<Long> ordinals = new WalBatch.Ordinals<>();
    Map<Long, Long> expected = new HashMap<>();
    for (int i = 0; i < 50_000; i++) {
      long key = switch (i % 3) {
        case 0 -> i; // dense, as a store numbers its series
        case 1 -> random.nextLong(); // anything a corrupt record could hold
        default -> (long) random.nextInt(1_000) << 40;
      };
      long value = random.nextLong();
      ordinals.put(key, value);
      expected.put(key, value);
    }
    for (Map.Entry<Long, Long> e : expected.entrySet()) {
      assertThat(ordinals.get(e.getKey())).isEqualTo(e.getValue());
    }
    assertThat(ordinals.get(-1L)).isNull();
    assertThat(ordinals.get(50_001L)).isNull();
    // either side of the direct array's limit
    assertThat(ordinals.get(WalBatch.Ordinals.DENSE_LIMIT - 1L)).isNull();
    ordinals.put(WalBatch.Ordinals.DENSE_LIMIT, 5L);
    assertThat(ordinals.get((long) WalBatch.Ordinals.DENSE_LIMIT)).isEqualTo(5L);
    assertThat(ordinals.get(WalBatch.Ordinals.DENSE_LIMIT + 1L)).isNull();
  }
}
