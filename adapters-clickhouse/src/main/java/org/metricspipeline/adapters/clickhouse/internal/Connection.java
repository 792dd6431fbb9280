package org.metricspipeline.adapters.clickhouse.internal;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.ServerException;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.StorageUnavailableException;

/**
 * The ClickHouse HTTP connection (the official {@code client-v2}), blocking: callers run it on the
 * adapter's executor. Failures become {@link StorageUnavailableException} when retrying may help
 * (connection refused or reset, timeouts, the server's transient error codes) and
 * {@link ServerRejection} when the server refused the statement itself.
 */
public final class Connection implements AutoCloseable {

  /** Server error codes that say "later may work": overload, memory, timeouts, shutdown. */
  private static final Set<Integer> TRANSIENT_CODES = Set.of(
      159, // TIMEOUT_EXCEEDED
      202, // TOO_MANY_SIMULTANEOUS_QUERIES
      209, // SOCKET_TIMEOUT
      216, // QUERY_WITH_SAME_ID_IS_ALREADY_RUNNING (an earlier attempt of the same insert)
      210, // NETWORK_ERROR
      241, // MEMORY_LIMIT_EXCEEDED
      242, // TABLE_IS_READ_ONLY
      252, // TOO_MANY_PARTS
      394); // QUERY_WAS_CANCELLED (server shutting down)

  /** The largest statement the server is asked to parse. */
  public static final int MAX_QUERY_BYTES = 16 << 20;

  /** How long calls fail at once after the server was found unreachable. */
  static final long UNREACHABLE_PAUSE_MS = 1000;
  private static final long UNREACHABLE_PAUSE_NANOS = UNREACHABLE_PAUSE_MS * 1_000_000;

  private final Client client;
  private final String url;
  private volatile long unreachableUntilNanos = System.nanoTime();
  private volatile String lastUnreachable = "";
  private final Duration timeout;

  /** A connection; nothing is sent until the first call. */
  public Connection(String url, String username, String password, boolean compressRequests,
      boolean compressResponses, Duration connectTimeout, Duration socketTimeout, Duration timeout,
      int maxConnections) {
    this(url, username, password, compressRequests, compressResponses, connectTimeout, socketTimeout, timeout,
        maxConnections, java.util.Map.of());
  }

  /** A connection sending these server settings with every request; nothing is sent until the first call. */
  public Connection(String url, String username, String password, boolean compressRequests,
      boolean compressResponses, Duration connectTimeout, Duration socketTimeout, Duration timeout,
      int maxConnections, java.util.Map<String, String> serverSettings) {
    this.url = url;
    this.timeout = timeout;
    Client.Builder builder = new Client.Builder();
    serverSettings.forEach(builder::serverSetting);
    this.client = builder
        .addEndpoint(url)
        .setUsername(username)
        .setPassword(password)
        // 18.16 answers compressed responses with an empty body (clickhouse-facts.md): off by default.
        .compressServerResponse(compressResponses)
        .compressClientRequest(compressRequests)
        .setConnectTimeout(connectTimeout.toMillis(), ChronoUnit.MILLIS)
        .setSocketTimeout(socketTimeout.toMillis(), ChronoUnit.MILLIS)
        .setMaxConnections(maxConnections)
        // Retries are the pipeline's job (with backoff); a client retry could store a batch twice.
        .setMaxRetries(0)
        .setClientName("metrics-pipeline")
        // Filters quote user values into the SQL; a long tag value must not hit the 256 KiB default.
        .serverSetting("max_query_size", String.valueOf(MAX_QUERY_BYTES))
        .build();
  }

  /** The server URL. */
  public String url() {
    return url;
  }

  /** Runs a statement that returns nothing (DDL, ALTER, INSERT ... SELECT/VALUES). */
  @SuppressWarnings("try") // the client's responses must be closed; their close() throws Exception
  public void execute(String sql) {
    failFastWhileUnreachable();
    try (var r = client.execute(sql).get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      // nothing to read
    } catch (Exception e) {
      throw map(e, sql);
    }
  }

  /**
   * Reads rows of a SELECT as RowBinary, passing each row to {@code rows}. The format is written into
   * the statement: 18.16 ignores the format the client asks for in a header and answers TabSeparated.
   */
  @SuppressWarnings("try") // the client's responses must be closed; their close() throws Exception
  public void query(String sql, RowHandler rows) {
    failFastWhileUnreachable();
    QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.RowBinary);
    try (QueryResponse response = client.query(sql + " FORMAT RowBinary", settings).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        InputStream in = response.getInputStream()) {
      RowBinary.Reader reader = new RowBinary.Reader(in);
      while (reader.hasMore()) {
        rows.row(reader);
      }
    } catch (Exception e) {
      throw map(e, sql);
    }
  }

  /** The single UInt64 of a one-row statement (0 when it returned no row). */
  public long queryLong(String sql) {
    long[] out = {0};
    query(sql, r -> out[0] = r.int64());
    return out[0];
  }

  /**
   * Streams a RowBinary body into {@code table} (quoted) with these columns: one INSERT under
   * {@code queryId}, which the server refuses while an INSERT with that id still runs.
   */
  @SuppressWarnings("try") // the client's responses must be closed; their close() throws Exception
  public void insert(String table, List<String> columns, RowBinary.Writer data, int from, int to, String queryId) {
    insert(table, columns, data, from, to, queryId, java.util.Map.of());
  }

  /** {@link #insert(String, List, RowBinary.Writer, int, int, String)} with server settings for this INSERT only. */
  @SuppressWarnings("try") // the client's responses must be closed; their close() throws Exception
  public void insert(String table, List<String> columns, RowBinary.Writer data, int from, int to, String queryId,
      java.util.Map<String, String> serverSettings) {
    failFastWhileUnreachable();
    InsertSettings settings = new InsertSettings().setQueryId(queryId);
    serverSettings.forEach(settings::serverSetting);
    CompletableFuture<InsertResponse> request;
    try {
      // client-v2 may run the request on the calling thread and throw here
      request = client.insert(table, columns, out -> data.writeTo(out, from, to), ClickHouseFormat.RowBinary,
          settings);
    } catch (RuntimeException e) {
      throw map(e, "INSERT INTO " + table + " FORMAT RowBinary");
    }
    try (var r = request.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      // the summary is not needed
    } catch (TimeoutException e) {
      throw new StillRunning("ClickHouse at " + url + " did not answer INSERT " + queryId + " within "
          + timeout + "; the request still runs", request, e);
    } catch (Exception e) {
      throw map(e, "INSERT INTO " + table + " FORMAT RowBinary");
    }
  }

  /**
   * Reads a SELECT as JSONEachRow lines, with {@code readonly=2} (the server refuses writes) and
   * 64-bit integers as JSON numbers: for the table sink's read-only queries.
   */
  @SuppressWarnings("try") // the client's responses must be closed; their close() throws Exception
  public void queryJsonLines(String sql, java.util.function.Consumer<String> lines) {
    QuerySettings settings = new QuerySettings().setFormat(ClickHouseFormat.JSONEachRow)
        .serverSetting("readonly", "2").serverSetting("output_format_json_quote_64bit_integers", "0");
    try (QueryResponse response = client.query(sql + " FORMAT JSONEachRow", settings).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        java.io.BufferedReader in = new java.io.BufferedReader(
            new java.io.InputStreamReader(response.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (!line.isEmpty()) {
          lines.accept(line);
        }
      }
    } catch (Exception e) {
      throw map(e, sql);
    }
  }

  /** Streams a JSONEachRow body into {@code table} (quoted) with these columns: one INSERT. */
  @SuppressWarnings("try") // the client's responses must be closed; their close() throws Exception
  public void insertJsonLines(String table, List<String> columns, byte[] body) {
    try (var r = client.insert(table, columns, out -> out.write(body), ClickHouseFormat.JSONEachRow,
        new InsertSettings()).get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      // the summary is not needed
    } catch (Exception e) {
      throw map(e, "INSERT INTO " + table + " FORMAT JSONEachRow");
    }
  }

  private RuntimeException map(Exception e, String sql) {
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new StorageUnavailableException("interrupted while talking to ClickHouse at " + url, cause);
    }
    ServerException server = find(cause, ServerException.class);
    if (server != null) {
      String message = "ClickHouse at " + url + " rejected " + head(sql) + ": " + firstLine(server.getMessage());
      if (server.getCode() == 0) {
        // 18.16 sends no exception-code header and an error text the client cannot parse: the HTTP
        // status is all there is. 5xx covers overload and shutdown as well as refusals, so it may
        // be retried; 4xx (bad statement, unknown table) will not get better.
        int status = server.getTransportProtocolCode();
        message = "ClickHouse at " + url + " answered HTTP " + status + " to " + head(sql)
            + " (its error text is not readable by the client on this server version)";
        return status >= 500 ? new StorageUnavailableException(message, cause)
            : new ServerRejection(0, message, cause);
      }
      return TRANSIENT_CODES.contains(server.getCode())
          ? new StorageUnavailableException(message, cause)
          : new ServerRejection(server.getCode(), message, cause);
    }
    if (cause instanceof TimeoutException) {
      return new StorageUnavailableException("ClickHouse at " + url + " did not answer within " + timeout, cause);
    }
    String reason = firstLine(rootMessage(cause));
    if (find(cause, java.net.ConnectException.class) != null
        || find(cause, java.net.UnknownHostException.class) != null) {
      // no connection at all (nothing was sent): pause calls, see failFastWhileUnreachable
      lastUnreachable = reason;
      unreachableUntilNanos = System.nanoTime() + UNREACHABLE_PAUSE_NANOS;
    }
    return new StorageUnavailableException("ClickHouse at " + url + " is unreachable: " + reason, cause);
  }

  /**
   * After a connection to the server could not be made, calls fail at once for {@value #UNREACHABLE_PAUSE_MS} ms
   * instead of reaching the client: the client logs every failed request at WARN with a stack trace
   * (a library cannot lower another library's log level), so an outage would flood the log with
   * one trace per call. One call per pause still tries the server, so recovery is seen within it.
   */
  private void failFastWhileUnreachable() {
    if (System.nanoTime() - unreachableUntilNanos < 0) {
      throw new StorageUnavailableException("ClickHouse at " + url + " is unreachable: " + lastUnreachable
          + " (seen less than " + UNREACHABLE_PAUSE_MS + " ms ago; not tried again yet)");
    }
  }

  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (type.isInstance(c)) {
        return type.cast(c);
      }
    }
    return null;
  }

  private static String rootMessage(Throwable t) {
    Throwable c = t;
    while (c.getCause() != null && c.getCause() != c) {
      c = c.getCause();
    }
    return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static String head(String sql) {
    return sql.length() <= 80 ? sql : sql.substring(0, 80) + "...";
  }

  @Override
  public void close() {
    client.close();
  }

  /** Receives one row of a RowBinary result. */
  @FunctionalInterface
  public interface RowHandler {
    /** Reads exactly one row's columns from {@code row}. */
    void row(RowBinary.Reader row) throws IOException;
  }

  /**
   * The client stopped waiting for a request that has not ended: it may still reach the server and
   * commit, so nothing that could overlap it may be sent until {@link #request()} completes.
   */
  public static final class StillRunning extends StorageUnavailableException {
    private static final long serialVersionUID = 1L;
    private final transient CompletableFuture<?> request;

    StillRunning(String message, CompletableFuture<?> request, Throwable cause) {
      super(message, cause);
      this.request = request;
    }

    /** Completes (either way) once the request has ended. */
    public CompletableFuture<?> request() {
      return request;
    }
  }

  /** The server refused a statement for a reason retrying will not fix. */
  public static final class ServerRejection extends MetricsPipelineException {
    private static final long serialVersionUID = 1L;
    private final int code;

    ServerRejection(int code, String message, Throwable cause) {
      super(message, cause);
      this.code = code;
    }

    /** The ClickHouse error code. */
    public int code() {
      return code;
    }
  }
}
