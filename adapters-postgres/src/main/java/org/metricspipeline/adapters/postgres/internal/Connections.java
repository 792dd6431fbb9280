package org.metricspipeline.adapters.postgres.internal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.metricspipeline.api.MetricsPipelineException;
import org.metricspipeline.api.StorageUnavailableException;
import org.postgresql.PGConnection;

/**
 * A small pool of JDBC connections to one server (the adapter's executor threads are the only
 * borrowers, so the pool never holds more than their number). A connection that failed with a
 * connection-level error is closed instead of being returned. Errors become
 * {@link StorageUnavailableException} when retrying may help (the server is unreachable, shutting
 * down, out of resources, or the transaction lost a serialization race) and {@link Rejected} when
 * the server refused the statement.
 */
public final class Connections implements AutoCloseable {

  /** Work on a borrowed connection. */
  @FunctionalInterface
  public interface Work<T> {
    /** Runs with the connection. */
    T run(Connection connection) throws SQLException, IOException;
  }

  /** Reads one row of a result. */
  @FunctionalInterface
  public interface RowReader {
    /** Reads the current row. */
    void read(ResultSet row) throws SQLException;
  }

  /** The server refused a statement (not worth retrying as is). */
  public static final class Rejected extends MetricsPipelineException {
    private static final long serialVersionUID = 1L;

    Rejected(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String url;
  private final Properties properties;
  private final BlockingQueue<Connection> idle;
  private volatile boolean closed;

  /** Connections to {@code url} ({@code jdbc:postgresql://...}), at most {@code size} kept idle. */
  public Connections(String url, String username, String password, Duration connectTimeout,
      Duration socketTimeout, int size) {
    this.url = url;
    this.properties = new Properties();
    if (!username.isEmpty()) {
      properties.setProperty("user", username);
    }
    if (!password.isEmpty()) {
      properties.setProperty("password", password);
    }
    properties.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    properties.setProperty("loginTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
    properties.setProperty("socketTimeout", Long.toString(Math.max(1, socketTimeout.toSeconds())));
    properties.setProperty("tcpKeepAlive", "true");
    properties.setProperty("ApplicationName", "metrics-pipeline");
    this.idle = new ArrayBlockingQueue<>(size);
  }

  /** The server URL without credentials. */
  public String url() {
    int q = url.indexOf('?');
    return q < 0 ? url : url.substring(0, q);
  }

  /** Runs {@code work} on a pooled connection in auto-commit mode. */
  public <T> T with(Work<T> work) {
    Connection c = borrow();
    boolean healthy = false;
    try {
      T result = work.run(c);
      healthy = true;
      return result;
    } catch (SQLException e) {
      healthy = !isConnectionError(e) && isOpen(c);
      throw translate(e);
    } catch (IOException e) {
      throw new StorageUnavailableException("PostgreSQL connection failed: " + e.getMessage(), e);
    } finally {
      release(c, healthy);
    }
  }

  /**
   * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
   * A failure of the commit itself leaves the outcome unknown and throws
   * {@link StorageUnavailableException} (callers that must know, such as inserts, check afterwards).
   */
  public <T> T inTransaction(Work<T> work) {
    return with(c -> {
      c.setAutoCommit(false);
      try {
        T result = work.run(c);
        c.commit();
        return result;
      } catch (SQLException | IOException | RuntimeException e) {
        try {
          if (!c.isClosed()) {
            c.rollback();
          }
        } catch (SQLException ignored) {
          // the connection is broken; it is discarded by with()
        }
        throw e;
      } finally {
        if (!c.isClosed()) {
          try {
            c.setAutoCommit(true);
          } catch (SQLException ignored) {
            // discarded below when broken
          }
        }
      }
    });
  }

  /** Executes statements (DDL, or updates whose counts do not matter). */
  public void execute(Sql... statements) {
    with(c -> {
      for (Sql s : statements) {
        update(c, s);
      }
      return null;
    });
  }

  /** Runs an update; returns the rows changed. */
  public long update(Sql statement) {
    return with(c -> update(c, statement));
  }

  /** Runs a query, calling {@code reader} for each row. */
  public void query(Sql statement, RowReader reader) {
    with(c -> {
      query(c, statement, reader);
      return null;
    });
  }

  /** The first column of the first row as a long (0 when there is no row or it is NULL). */
  public long queryLong(Sql statement) {
    return with(c -> queryLong(c, statement));
  }

  /** {@link #update(Sql)} on a given connection. */
  public static long update(Connection c, Sql statement) throws SQLException {
    if (statement.params().isEmpty()) {
      try (Statement s = c.createStatement()) {
        s.execute(statement.text());
        return Math.max(0, s.getLargeUpdateCount());
      }
    }
    try (PreparedStatement s = prepare(c, statement)) {
      return s.executeLargeUpdate();
    }
  }

  /** {@link #query(Sql, RowReader)} on a given connection. */
  public static void query(Connection c, Sql statement, RowReader reader) throws SQLException {
    try (PreparedStatement s = prepare(c, statement); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        reader.read(rs);
      }
    }
  }

  /** {@link #queryLong(Sql)} on a given connection. */
  public static long queryLong(Connection c, Sql statement) throws SQLException {
    long[] out = {0};
    query(c, statement, r -> out[0] = r.getLong(1));
    return out[0];
  }

  private static PreparedStatement prepare(Connection c, Sql statement) throws SQLException {
    PreparedStatement s = c.prepareStatement(statement.text());
    List<Object> params = statement.params();
    for (int i = 0; i < params.size(); i++) {
      Object p = params.get(i);
      if (p instanceof String v) {
        s.setString(i + 1, v);
      } else if (p instanceof Long v) {
        s.setLong(i + 1, v);
      } else if (p instanceof Integer v) {
        s.setInt(i + 1, v);
      } else if (p instanceof Double v) {
        s.setDouble(i + 1, v);
      } else if (p instanceof Boolean v) {
        s.setBoolean(i + 1, v);
      } else if (p instanceof byte[] v) {
        s.setBytes(i + 1, v);
      } else if (p instanceof Sql.TextArray v) {
        s.setArray(i + 1, c.createArrayOf("text", v.values().toArray()));
      } else if (p instanceof java.sql.Timestamp v) {
        s.setTimestamp(i + 1, v);
      } else if (p instanceof java.sql.Date v) {
        s.setDate(i + 1, v);
      } else {
        s.setObject(i + 1, p);
      }
    }
    return s;
  }

  /** The PostgreSQL API of a pooled connection (COPY). */
  public static PGConnection pg(Connection c) throws SQLException {
    return c.unwrap(PGConnection.class);
  }

  private Connection borrow() {
    if (closed) {
      throw new StorageUnavailableException("PostgreSQL connections are closed");
    }
    Connection c = idle.poll();
    if (c != null) {
      return c;
    }
    try {
      return DriverManager.getConnection(url, properties);
    } catch (SQLException e) {
      throw new StorageUnavailableException("cannot connect to PostgreSQL at " + url() + ": " + e.getMessage(), e);
    }
  }

  private void release(Connection c, boolean healthy) {
    if (healthy && !closed && idle.offer(c)) {
      return;
    }
    try {
      c.close();
    } catch (SQLException ignored) {
      // already broken
    }
  }

  private static boolean isOpen(Connection c) {
    try {
      return !c.isClosed();
    } catch (SQLException e) {
      return false;
    }
  }

  /** Whether the error says the connection or the server is gone (retrying may help). */
  static boolean isConnectionError(SQLException e) {
    String state = e.getSQLState();
    return state == null || state.startsWith("08") || state.startsWith("57P") || state.startsWith("53");
  }

  /** The exception to throw for a failed statement. */
  static MetricsPipelineException translate(SQLException e) {
    String state = e.getSQLState();
    if (isConnectionError(e) || "40001".equals(state) || "40P01".equals(state)) {
      return new StorageUnavailableException("PostgreSQL unavailable: " + e.getMessage(), e);
    }
    return new Rejected("PostgreSQL refused the statement (SQLSTATE " + state + "): " + e.getMessage(), e);
  }

  @Override
  public void close() {
    closed = true;
    Connection c;
    while ((c = idle.poll()) != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
