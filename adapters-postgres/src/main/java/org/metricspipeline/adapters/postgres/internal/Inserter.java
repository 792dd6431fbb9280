package org.metricspipeline.adapters.postgres.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;
import org.postgresql.copy.CopyIn;

/**
 * Writes batches into the raw table by binary {@code COPY}, one transaction per batch.
 *
 * <h2>Exactly once across retries</h2>
 * The transaction first records the batch's insert id in the insert-id table (primary key), then
 * copies its rows, then commits: the rows and the id are committed together or not at all. When a
 * batch fails in a way that leaves its outcome unknown (the connection broke, the commit's answer
 * was lost), its content hash is remembered with its id. When the pipeline retries the batch, the
 * id is looked up: recorded means the first attempt committed (nothing is sent again), absent means
 * it did not (the batch is sent again with the same id, so a late commit of the first attempt would
 * collide on the primary key instead of storing the rows twice).
 */
public final class Inserter {

  /** How many unsettled batches are remembered (oldest forgotten first). */
  static final int MAX_REMEMBERED = 4096;
  /** Insert ids older than this are deleted now and then: a retry never comes that late. */
  static final long KEEP_INSERT_IDS_MILLIS = 7L * 86_400_000L;
  private static final int COPY_CHUNK = 1 << 20;
  private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNameLength(Integer.MAX_VALUE)
          .maxStringLength(Integer.MAX_VALUE).build())
      .build());

  private final Connections connections;
  private final Schema schema;
  private final Clock clock;
  private final AtomicLong batches = new AtomicLong();
  private final Map<Key, Long> unsettled = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Long> eldest) {
      return size() > MAX_REMEMBERED;
    }
  };

  /** An inserter into {@code schema}'s raw table. */
  public Inserter(Connections connections, Schema schema, Clock clock) {
    this.connections = connections;
    this.schema = schema;
    this.clock = clock;
  }

  /** Stores a batch; see the class comment. Throws {@link StorageUnavailableException} to retry. */
  public MetricsBatchResult store(List<MetricsData> batch) {
    int n = batch.size();
    CopyRows out = new CopyRows(Math.min(COPY_CHUNK * 8, 64 + 160 * n));
    out.header();
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    long rows = 0;
    for (int i = 0; i < n; i++) {
      MetricsData item = batch.get(i);
      int mark = out.size();
      try {
        rows += append(out, item);
      } catch (ArithmeticException e) {
        out.truncate(mark);
        failures.add(MetricsBatchResult.Failure.of(i, "timestamp out of range for epoch milliseconds: " + item.timestamp()));
      } catch (IllegalArgumentException e) {
        out.truncate(mark);
        failures.add(MetricsBatchResult.Failure.of(i, e.getMessage()));
      }
    }
    out.trailer();
    if (rows > 0) {
      send(out, rows, batch, failures);
    }
    return failures.isEmpty() ? MetricsBatchResult.allSucceeded(n) : MetricsBatchResult.of(n, failures);
  }

  private void send(CopyRows out, long rows, List<MetricsData> batch, List<MetricsBatchResult.Failure> failures) {
    Key key = null;
    Long known = null;
    synchronized (unsettled) {
      if (!unsettled.isEmpty()) {
        key = Key.of(out, rows);
        known = unsettled.get(key);
      }
    }
    long id = known != null ? known : newId();
    try {
      boolean stored = connections.inTransaction(c -> {
        long recorded = Connections.update(c, new Sql("INSERT INTO " + schema.inserts()
            + " (insert_id, rows, at_ms) VALUES (" + id + ", " + rows + ", " + clock.millis()
            + ") ON CONFLICT (insert_id) DO NOTHING"));
        if (recorded == 0) {
          return false; // committed by an earlier attempt
        }
        CopyIn copy = Connections.pg(c).getCopyAPI().copyIn(
            "COPY " + schema.raw() + " (" + Schema.RAW_COPY_COLUMNS + ") FROM STDIN (FORMAT binary)");
        try {
          byte[] b = out.array();
          for (int at = 0; at < out.size(); at += COPY_CHUNK) {
            copy.writeToCopy(b, at, Math.min(COPY_CHUNK, out.size() - at));
          }
          copy.endCopy();
        } finally {
          if (copy.isActive()) {
            copy.cancelCopy();
          }
        }
        return true;
      });
      if (known != null) {
        forget(key);
      }
      if (stored && batches.incrementAndGet() % 1000 == 0) {
        pruneInsertIds();
      }
    } catch (StorageUnavailableException e) {
      remember(key != null ? key : Key.of(out, rows), id);
      throw e;
    } catch (Connections.Rejected e) {
      for (int i = 0; i < batch.size(); i++) {
        int index = i;
        if (failures.stream().noneMatch(f -> f.index() == index) && !batch.get(i).metrics().isEmpty()) {
          failures.add(MetricsBatchResult.Failure.of(i, "rejected by PostgreSQL: " + e.getMessage()));
        }
      }
      failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
    }
  }

  private void pruneInsertIds() {
    try {
      connections.update(new Sql("DELETE FROM " + schema.inserts() + " WHERE at_ms < "
          + (clock.millis() - KEEP_INSERT_IDS_MILLIS)));
    } catch (RuntimeException e) {
      // pruning is housekeeping: the next round tries again
    }
  }

  private void remember(Key key, long id) {
    synchronized (unsettled) {
      unsettled.put(key, id);
    }
  }

  private void forget(Key key) {
    synchronized (unsettled) {
      unsettled.remove(key);
    }
  }

  /** The number of batches whose outcome is still unknown (for health details). */
  public int unsettledInserts() {
    synchronized (unsettled) {
      return unsettled.size();
    }
  }

  private static long newId() {
    long id;
    do {
      id = ThreadLocalRandom.current().nextLong();
    } while (id == 0);
    return id;
  }

  /**
   * Appends one item's rows (one per metric) in the raw table's COPY layout; returns the number of
   * rows. Fails with {@link ArithmeticException} for a timestamp beyond epoch milliseconds and
   * {@link IllegalArgumentException} for NUL in a text field.
   */
  public static int append(CopyRows out, MetricsData item) {
    long time = item.timestamp().toEpochMilli();
    List<Metric> metrics = item.metrics();
    if (metrics.isEmpty()) {
      return 0;
    }
    text("metricType", item.metricType());
    text("source", item.source());
    String context = item.context().isEmpty() ? "" : json(item.context());
    String[] keys = new String[8];
    String[] values = new String[8];
    for (Metric m : metrics) {
      text("name", m.name());
      text("unit", m.unit());
      int t = m.tags().size();
      if (t > keys.length) {
        keys = new String[t];
        values = new String[t];
      }
      int k = 0;
      for (String key : m.tags().keySet()) {
        text("tag key", key);
        keys[k++] = key;
      }
      if (t > 1) {
        Arrays.sort(keys, 0, t, CodePoints::compare);
      }
      for (int i = 0; i < t; i++) {
        values[i] = m.tags().get(keys[i]);
      }
      out.tuple(9);
      out.text(item.metricType());
      out.text(m.name());
      out.text(m.unit());
      out.text(item.source());
      out.textArray(keys, t);
      out.byteaArray(values, t);
      out.int8(time);
      out.float8(m.value());
      out.text(context);
    }
    return metrics.size();
  }

  private static void text(String field, String value) {
    if (!Sql.isText(value)) {
      throw new IllegalArgumentException(field + " contains NUL, which PostgreSQL text cannot hold");
    }
  }

  private static String json(Map<String, Object> context) {
    try {
      return JSON.writeValueAsString(context);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("context is not JSON-like: " + e.getOriginalMessage(), e);
    }
  }

  /** The content of a batch's COPY: a SHA-256 digest, its length and its rows. */
  private record Key(String digest, int bytes, long rows) {
    static Key of(CopyRows out, long rows) {
      try {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(out.array(), 0, out.size());
        return new Key(java.util.HexFormat.of().formatHex(md.digest()), out.size(), rows);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is part of every JDK", e);
      }
    }
  }

}
