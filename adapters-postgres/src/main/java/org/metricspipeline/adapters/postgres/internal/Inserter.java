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
    Key key = null;
    Long known = null;
    synchronized (unsettled) {
      if (!unsettled.isEmpty()) {
        key = keyOf(batch);
        known = unsettled.get(key);
      }
    }
    long id = known != null ? known : newId();
    Long knownId = known;
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    try {
      boolean stored = connections.inTransaction(c -> {
        if (knownId != null && Connections.queryLong(c, new Sql("SELECT count(*) FROM " + schema.inserts()
            + " WHERE insert_id = " + knownId)) > 0) {
          return false; // committed by an earlier attempt whose answer was lost
        }
        long rows = copy(c, batch, failures);
        if (rows == 0) {
          return false;
        }
        long recorded = Connections.update(c, new Sql("INSERT INTO " + schema.inserts()
            + " (insert_id, rows, at_ms) VALUES (" + id + ", " + rows + ", " + clock.millis()
            + ") ON CONFLICT (insert_id) DO NOTHING"));
        if (recorded == 0) {
          throw new AlreadyStored(); // an earlier attempt committed meanwhile: roll these rows back
        }
        return true;
      });
      if (knownId != null) {
        forget(key);
      }
      if (stored && batches.incrementAndGet() % 1000 == 0) {
        pruneInsertIds();
      }
    } catch (AlreadyStored e) {
      forget(key);
    } catch (StorageUnavailableException e) {
      remember(key != null ? key : keyOf(batch), id);
      throw e;
    } catch (Connections.Rejected e) {
      for (int i = 0; i < n; i++) {
        int index = i;
        if (failures.stream().noneMatch(f -> f.index() == index) && !batch.get(i).metrics().isEmpty()) {
          failures.add(MetricsBatchResult.Failure.of(i, "rejected by PostgreSQL: " + e.getMessage()));
        }
      }
    }
    failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return failures.isEmpty() ? MetricsBatchResult.allSucceeded(n) : MetricsBatchResult.of(n, failures);
  }

  /**
   * Encodes the batch and streams it into one {@code COPY}, a chunk at a time as it is encoded, so
   * encoding overlaps the server's work and no buffer holds the whole batch. Items the store cannot
   * hold are left out and added to {@code failures}. Returns the rows copied.
   */
  private long copy(java.sql.Connection c, List<MetricsData> batch, List<MetricsBatchResult.Failure> failures)
      throws java.sql.SQLException {
    failures.clear();
    CopyRows out = new CopyRows(COPY_CHUNK + (COPY_CHUNK >> 2));
    out.header();
    CopyIn copy = null;
    long rows = 0;
    try {
      for (int i = 0; i < batch.size(); i++) {
        rows += appendOrFail(out, batch.get(i), i, failures);
        if (out.size() >= COPY_CHUNK) {
          if (copy == null) {
            copy = startCopy(c);
          }
          copy.writeToCopy(out.array(), 0, out.size());
          out.clear();
        }
      }
      if (rows == 0) {
        return 0;
      }
      out.trailer();
      if (copy == null) {
        copy = startCopy(c);
      }
      copy.writeToCopy(out.array(), 0, out.size());
      copy.endCopy();
      return rows;
    } finally {
      if (copy != null && copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (java.sql.SQLException ignored) {
          // the connection is broken: the first failure is the one reported
        }
      }
    }
  }

  private CopyIn startCopy(java.sql.Connection c) throws java.sql.SQLException {
    return Connections.pg(c).getCopyAPI().copyIn(
        "COPY " + schema.raw() + " (" + Schema.RAW_COPY_COLUMNS + ") FROM STDIN (FORMAT binary)");
  }

  private static int appendOrFail(CopyRows out, MetricsData item, int index, List<MetricsBatchResult.Failure> failures) {
    int mark = out.size();
    try {
      return append(out, item);
    } catch (ArithmeticException e) {
      out.truncate(mark);
      failures.add(MetricsBatchResult.Failure.of(index, "timestamp out of range for epoch milliseconds: " + item.timestamp()));
    } catch (IllegalArgumentException e) {
      out.truncate(mark);
      failures.add(MetricsBatchResult.Failure.of(index, e.getMessage()));
    }
    return 0;
  }

  /** The content key of a batch: the SHA-256 of its COPY encoding (computed only around failures). */
  private static Key keyOf(List<MetricsData> batch) {
    CopyRows out = new CopyRows(COPY_CHUNK);
    MessageDigest md = sha256();
    long rows = 0;
    long bytes = 0;
    List<MetricsBatchResult.Failure> ignored = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      rows += appendOrFail(out, batch.get(i), i, ignored);
      if (out.size() >= COPY_CHUNK || i == batch.size() - 1) {
        md.update(out.array(), 0, out.size());
        bytes += out.size();
        out.clear();
      }
    }
    return new Key(java.util.HexFormat.of().formatHex(md.digest()), bytes, rows);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }

  /** Thrown inside the transaction to roll it back when an earlier attempt's commit won. */
  private static final class AlreadyStored extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AlreadyStored() {
      super(null, null, false, false);
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
  private record Key(String digest, long bytes, long rows) {}
}
