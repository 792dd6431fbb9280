package org.metricspipeline.adapters.clickhouse.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;
import org.metricspipeline.clickhouse.sql.Sql;

/**
 * Writes batches into the raw table: each batch becomes RowBinary, cut at item boundaries into
 * inserts of at most {@code maxRows} rows and {@code maxBytes} bytes, each sent as one streamed
 * INSERT (one block, so ClickHouse commits it whole or not at all per partition).
 *
 * <h2>Exactly once across retries and timeouts</h2>
 * Before its first send, every insert is registered by content hash with a fresh id: its rows carry
 * that {@code insert_id}, and the INSERT carries the query id {@code metrics-insert-<id>}. A retry of
 * the same content (the pipeline retries the same batch; a channel redelivers the same message)
 * finds the registration and keeps the id, so every attempt writes the same rows under the same id:
 * <ul>
 *   <li>While an attempt of this process is still in flight, a retry does not send: it fails at
 *       once with {@link StorageUnavailableException} and the pipeline retries after its backoff.
 *   <li>After an attempt whose outcome is unknown (timeout, connection broken, server stopped), a
 *       retry first asks the server whether the INSERT with that query id still runs (a frozen or
 *       slow server may still commit it: then the retry waits), then counts the rows carrying the
 *       id: all there means it was committed (skipped), none means it was not (sent again with the
 *       same id), some means a partial commit across day partitions or, on a cluster, across shards
 *       (those rows are deleted, then it is sent again under a fresh id).
 *   <li>The server refuses a second INSERT with a query id that is still running (code 216), so an
 *       abandoned INSERT that reaches a resumed server late and the retry cannot both run.
 * </ul>
 * A registration is forgotten once its insert is known committed or refused.
 */
public final class Inserter {

  /** How many registered inserts are remembered (oldest forgotten first). */
  static final int MAX_REMEMBERED = 4096;
  /** The query id prefix of inserts: {@code metrics-insert-<insert id>}. */
  static final String QUERY_ID_PREFIX = "metrics-insert-";

  private final Connection connection;
  private final Schema schema;
  private final Queries queries;
  private final int maxRows;
  private final int maxBytes;
  private final Mutations mutations;
  private final Map<String, String> insertSettings;
  private final Object quorumInserts = new Object();
  private final Map<ChunkKey, Registration> registered = new LinkedHashMap<>(16, 0.75f, false) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<ChunkKey, Registration> eldest) {
      return size() > MAX_REMEMBERED && !eldest.getValue().inFlight;
    }
  };

  /** An inserter into {@code schema}'s raw table. */
  public Inserter(Connection connection, Queries queries, int maxRows, int maxBytes, Mutations mutations) {
    this(connection, queries, maxRows, maxBytes, mutations, Map.of());
  }

  /** An inserter sending these server settings with its INSERTs only ({@code insert_quorum}: one at a time). */
  public Inserter(Connection connection, Queries queries, int maxRows, int maxBytes, Mutations mutations,
      Map<String, String> insertSettings) {
    this.insertSettings = Map.copyOf(insertSettings);
    this.connection = connection;
    this.schema = queries.schema();
    this.queries = queries;
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

    List<Registration> regs = register(out, chunks);
    try {
      for (int c = 0; c < chunks.size(); c++) {
        Chunk chunk = chunks.get(c);
        try {
          send(out, ids, chunk, regs.get(c));
        } catch (Connection.StillRunning e) {
          regs.get(c).running = e.request();
          throw e;
        } catch (Connection.ServerRejection e) {
          forget(chunk, regs.get(c));
          for (int index : chunk.items) {
            failures.add(MetricsBatchResult.Failure.of(index, "rejected by ClickHouse: " + e.getMessage()));
          }
        }
      }
    } finally {
      release(regs);
    }
    failures.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return failures.isEmpty() ? MetricsBatchResult.allSucceeded(n) : MetricsBatchResult.of(n, failures);
  }

  /**
   * Registers every chunk before anything is sent (keeping the id of content registered before) and
   * marks it in flight; fails without sending when another attempt of the same content still runs.
   */
  private List<Registration> register(RowBinary.Writer out, List<Chunk> chunks) {
    List<Registration> regs = new ArrayList<>(chunks.size());
    synchronized (registered) {
      for (Chunk c : chunks) {
        Registration r = registered.get(c.key(out));
        if (r != null && r.inFlight) {
          throw new StorageUnavailableException("an earlier attempt to store this batch into "
              + schema.raw() + " is still in flight (insert id " + Long.toUnsignedString(r.id)
              + "); it is retried once that attempt ends");
        }
      }
      for (Chunk c : chunks) {
        Registration r = registered.computeIfAbsent(c.key(out), k -> new Registration(newId()));
        r.inFlight = true;
        regs.add(r);
      }
    }
    return regs;
  }

  private void release(List<Registration> regs) {
    synchronized (registered) {
      for (Registration r : regs) {
        CompletableFuture<?> running = r.running;
        if (running == null || running.isDone()) {
          r.inFlight = false;
        } else {
          // The client stopped waiting but the request goes on: no retry until it has ended.
          running.whenComplete((ok, failure) -> {
            synchronized (registered) {
              r.inFlight = false;
            }
          });
        }
      }
    }
  }

  private void send(RowBinary.Writer out, RawRows.IntList ids, Chunk chunk, Registration reg) {
    String queryId = QUERY_ID_PREFIX + Long.toUnsignedString(reg.id);
    if (reg.sent) {
      // An earlier attempt's outcome is unknown: it may still run on a server that was frozen.
      long running = connection.queryLong("SELECT count() FROM system.processes WHERE query_id = "
          + Sql.quote(queryId));
      if (running > 0) {
        throw new StorageUnavailableException("an earlier INSERT of this batch (query id " + queryId
            + ") still runs on ClickHouse at " + connection.url() + "; retrying once it ends");
      }
      String where = "insert_id = " + Long.toUnsignedString(reg.id);
      long there = connection.queryLong(Queries.countWhere(schema.raw(), where));
      if (there == chunk.rows) {
        forget(chunk, reg);
        return; // committed before the failure was seen
      }
      if (there > 0) {
        connection.execute(queries.deleteWhere(schema.tableName(), where));
        mutations.await(schema.tableName());
        // A fresh id: the resent rows then differ from what was deleted, which a replicated table's
        // block deduplication (it remembers the hashes of recent blocks) would otherwise drop.
        synchronized (registered) {
          reg.id = newId();
        }
        queryId = QUERY_ID_PREFIX + Long.toUnsignedString(reg.id);
      }
    }
    for (int k = chunk.idFrom; k < chunk.idTo; k++) {
      out.patchInt64(ids.get(k), reg.id);
    }
    reg.sent = true;
    if (insertSettings.containsKey("insert_quorum")) {
      // 18.16 refuses a quorum insert into a table while another one runs ("Another quorum insert has
      // been already started"; later releases have insert_quorum_parallel, not tried here): one at a
      // time from this adapter.
      // Only the INSERT holds the lock: never a mutation wait of the exactly-once check.
      synchronized (quorumInserts) {
        connection.insert(schema.raw(), Schema.RAW_INSERT_COLUMNS, out, chunk.from, chunk.to, queryId, insertSettings);
      }
    } else {
      connection.insert(schema.raw(), Schema.RAW_INSERT_COLUMNS, out, chunk.from, chunk.to, queryId, insertSettings);
    }
    forget(chunk, reg);
  }

  private void forget(Chunk chunk, Registration reg) {
    synchronized (registered) {
      registered.remove(chunk.key, reg);
    }
  }

  /** The number of inserts whose outcome is still unknown (for health details). */
  public int unsettledInserts() {
    synchronized (registered) {
      int n = 0;
      for (Registration r : registered.values()) {
        if (r.sent) {
          n++;
        }
      }
      return n;
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

    /** The content key, computed before ids are patched in (they are 0 then). */
    ChunkKey key(RowBinary.Writer out) {
      if (key == null) {
        key = new ChunkKey(out.hash(from, to), to - from, rows);
      }
      return key;
    }
  }

  private record ChunkKey(long hash, int bytes, int rows) {}

  /** The id of registered content; guarded by the registry's lock. */
  private static final class Registration {
    long id;
    boolean inFlight;
    boolean sent; // an attempt was sent and its outcome is not known
    CompletableFuture<?> running; // a request the client stopped waiting for

    Registration(long id) {
      this.id = id;
    }
  }
}
