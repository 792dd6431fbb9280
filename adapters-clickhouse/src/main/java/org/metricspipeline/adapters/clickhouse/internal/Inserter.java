package org.metricspipeline.adapters.clickhouse.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;

/**
 * Writes batches into the raw table: each batch becomes RowBinary, cut at item boundaries into
 * inserts of at most {@code maxRows} rows and {@code maxBytes} bytes, each sent as one streamed
 * INSERT (one block, so ClickHouse commits it whole or not at all per partition).
 *
 * <h2>Exactly once across retries</h2>
 * Every row carries the {@code insert_id} of its insert. When an insert fails in a way that leaves
 * its outcome unknown (the connection broke after the body was sent, the server stopped), the
 * inserts of that batch are remembered by content hash with their ids. When the pipeline retries
 * the batch, an insert with remembered content first counts the rows carrying its id: all there
 * means it was committed (skipped), none means it was not (sent again with the same id), some
 * means a partial commit across day partitions (those rows are deleted, then it is sent again).
 */
public final class Inserter {

  /** How many unsettled inserts are remembered (oldest forgotten first). */
  static final int MAX_REMEMBERED = 4096;

  private final Connection connection;
  private final Schema schema;
  private final int maxRows;
  private final int maxBytes;
  private final Mutations mutations;
  private final Map<ChunkKey, Long> unsettled = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<ChunkKey, Long> eldest) {
      return size() > MAX_REMEMBERED;
    }
  };

  /** An inserter into {@code schema}'s raw table. */
  public Inserter(Connection connection, Schema schema, int maxRows, int maxBytes, Mutations mutations) {
    this.connection = connection;
    this.schema = schema;
    this.maxRows = maxRows;
    this.maxBytes = maxBytes;
    this.mutations = mutations;
  }

  /** Stores a batch; see the class comment. Throws {@link StorageUnavailableException} to retry. */
  public MetricsBatchResult store(List<MetricsData> batch) {
    int n = batch.size();
    RowBinary.Writer out = new RowBinary.Writer(Math.min(maxBytes, 256 + 128 * n));
    RawRows.IntList ids = new RawRows.IntList();
    List<MetricsBatchResult.Failure> failures = new ArrayList<>();
    List<Chunk> chunks = new ArrayList<>();
    Chunk current = null;
    for (int i = 0; i < n; i++) {
      MetricsData item = batch.get(i);
      int mark = out.size();
      int idMark = ids.size();
      int rows;
      try {
        rows = RawRows.append(out, item, ids);
      } catch (ArithmeticException e) {
        out.truncate(mark);
        ids.truncate(idMark);
        failures.add(MetricsBatchResult.Failure.of(i, "timestamp out of range for epoch milliseconds: " + item.timestamp()));
        continue;
      } catch (IllegalArgumentException e) {
        out.truncate(mark);
        ids.truncate(idMark);
        failures.add(MetricsBatchResult.Failure.of(i, e.getMessage()));
        continue;
      }
      if (rows == 0) {
        continue;
      }
      if (current != null && (current.rows + rows > maxRows || out.size() - current.from > maxBytes)) {
        current.close(mark, idMark);
        chunks.add(current);
        current = null;
      }
      if (current == null) {
        current = new Chunk(mark, idMark);
      }
      current.rows += rows;
      current.items.add(i);
    }
    if (current != null) {
      current.close(out.size(), ids.size());
      chunks.add(current);
    }

    for (int c = 0; c < chunks.size(); c++) {
      Chunk chunk = chunks.get(c);
      try {
        send(out, ids, chunk);
      } catch (StorageUnavailableException e) {
        remember(out, ids, chunks);
        throw e;
      } catch (Connection.ServerRejection e) {
        for (int index : chunk.items) {
          failures.add(MetricsBatchResult.Failure.of(index, "rejected by ClickHouse: " + e.getMessage()));
        }
      }
    }
    failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return failures.isEmpty() ? MetricsBatchResult.allSucceeded(n) : MetricsBatchResult.of(n, failures);
  }

  private void send(RowBinary.Writer out, RawRows.IntList ids, Chunk chunk) {
    Long known = null;
    ChunkKey key = null;
    synchronized (unsettled) {
      if (!unsettled.isEmpty()) {
        key = chunk.key(out);
        known = unsettled.get(key);
      }
    }
    if (known != null) {
      long there = connection.queryLong(Queries.countWhere(schema.raw(), "insert_id = " + Long.toUnsignedString(known)));
      if (there == chunk.rows) {
        forget(key);
        return; // committed before the failure was seen
      }
      if (there > 0) {
        connection.execute(Queries.deleteWhere(schema.raw(), "insert_id = " + Long.toUnsignedString(known)));
        mutations.await(schema.tableName());
      }
      chunk.id = known;
    } else if (chunk.id == 0) {
      chunk.id = newId();
    }
    for (int k = chunk.idFrom; k < chunk.idTo; k++) {
      out.patchInt64(ids.get(k), chunk.id);
    }
    connection.insert(schema.raw(), Schema.RAW_INSERT_COLUMNS, out, chunk.from, chunk.to);
    if (known != null) {
      forget(key);
    }
  }

  private void remember(RowBinary.Writer out, RawRows.IntList ids, List<Chunk> chunks) {
    synchronized (unsettled) {
      for (Chunk c : chunks) {
        if (c.id == 0) {
          c.id = newId();
        }
        for (int k = c.idFrom; k < c.idTo; k++) {
          out.patchInt64(ids.get(k), 0); // keys are computed over rows without their id
        }
        unsettled.put(c.key(out), c.id);
      }
    }
  }

  private void forget(ChunkKey key) {
    synchronized (unsettled) {
      unsettled.remove(key);
    }
  }

  /** The number of inserts whose outcome is still unknown (for health details). */
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

  /** One insert of a batch: a byte range of the buffer and the items in it. */
  private static final class Chunk {
    final int from;
    final int idFrom;
    int to;
    int idTo;
    int rows;
    long id;
    final List<Integer> items = new ArrayList<>();
    private ChunkKey key;

    Chunk(int from, int idFrom) {
      this.from = from;
      this.idFrom = idFrom;
    }

    void close(int to, int idTo) {
      this.to = to;
      this.idTo = idTo;
    }

    /** The content key; ids are zeroed first so the same rows give the same key. */
    ChunkKey key(RowBinary.Writer out) {
      if (key == null) {
        key = new ChunkKey(out.hash(from, to), to - from, rows);
      }
      return key;
    }
  }

  private record ChunkKey(long hash, int bytes, int rows) {}
}
