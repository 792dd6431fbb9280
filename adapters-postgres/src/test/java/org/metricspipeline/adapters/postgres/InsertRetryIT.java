package org.metricspipeline.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;

/**
 * A batch the server committed but whose COMMIT answer never reached the client (the connection
 * broke) is not stored twice when the batch is retried: a proxy in front of the server forwards the
 * COMMIT and cuts the connection before its answer, the batch fails with
 * StorageUnavailableException, and the retry finds its insert id and stores nothing again.
 */
class InsertRetryIT {

  private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^:/]+):(\\d+)(/.*)$");

  private CommitDroppingProxy proxy;
  private PostgresStorageAdapter storage;

  @BeforeEach
  void start() throws IOException {
    Matcher m = HOST_PORT.matcher(PostgresTestServer.url());
    assertThat(m.matches()).as("POSTGRES_URL is jdbc:postgresql://host:port/...").isTrue();
    proxy = new CommitDroppingProxy(m.group(1), Integer.parseInt(m.group(2)));
    storage = PostgresStorageAdapter.builder("jdbc:postgresql://127.0.0.1:" + proxy.port() + m.group(3))
        .schema(PostgresTestServer.freshSchema("it_retry")).threads(1).build();
    storage.createSchema().join();
  }

  @AfterEach
  void stop() throws IOException {
    // both are null when the set-up skipped or failed (no PostgreSQL server)
    if (storage != null) {
      storage.close();
      PostgresTestServer.dropSchema(storage);
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aBatchCommittedUnseenIsStoredExactlyOnceOnRetry() throws SQLException {
    List<MetricsData> batch = batch(350, 0);
    proxy.dropNextCommitAnswer();
    assertThat(storage.batchStore(batch)).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
        .withCauseInstanceOf(StorageUnavailableException.class);
    assertThat(scalar("SELECT count(*) FROM " + storage.table()))
        .as("the batch was committed before its answer was lost").isEqualTo(350);

    assertThat(storage.batchStore(batch).join().allSucceeded()).isTrue();
    assertThat(scalar("SELECT count(*) FROM " + storage.table())).isEqualTo(350);
    assertThat(scalar("SELECT count(DISTINCT tag_values[1]) FROM " + storage.table())).isEqualTo(350);

    // the same content stored again on purpose, without a failure in between, is stored again
    assertThat(storage.batchStore(batch(10, 1000)).join().allSucceeded()).isTrue();
    assertThat(storage.batchStore(batch(10, 1000)).join().allSucceeded()).isTrue();
    assertThat(scalar("SELECT count(*) FROM " + storage.table())).isEqualTo(370);
  }

  @Test
  void aBatchCutBeforeItsCommitIsStoredOnceOnRetry() throws SQLException {
    List<MetricsData> batch = batch(200, 0);
    proxy.cutBeforeNextCommit();
    assertThat(storage.batchStore(batch)).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
        .withCauseInstanceOf(StorageUnavailableException.class);
    assertThat(scalar("SELECT count(*) FROM " + storage.table())).as("nothing committed").isZero();

    assertThat(storage.batchStore(batch).join().allSucceeded()).isTrue();
    assertThat(scalar("SELECT count(*) FROM " + storage.table())).isEqualTo(200);
  }

  private static List<MetricsData> batch(int n, int first) {
    List<MetricsData> items = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      items.add(MetricsData.of(Instant.parse("2026-11-23T00:00:00Z").plusSeconds(i), "retry",
          List.of(Metric.of("events", i, Map.of("id", Integer.toString(i))))));
    }
    return items;
  }

  private static long scalar(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(PostgresTestServer.url()); Statement s = c.createStatement();
        ResultSet r = s.executeQuery(sql)) {
      r.next();
      return r.getLong(1);
    }
  }

  /** A TCP proxy that can cut a connection around the client's next COMMIT. */
  static final class CommitDroppingProxy implements AutoCloseable {
    private static final byte[] COMMIT = "COMMIT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COPY_DONE = "COPY ".getBytes(StandardCharsets.US_ASCII);
    private final ServerSocket server;
    private final String host;
    private final int port;
    private final AtomicBoolean dropAnswer = new AtomicBoolean();
    private final AtomicBoolean cutBefore = new AtomicBoolean();
    private final List<Socket> sockets = new ArrayList<>();

    CommitDroppingProxy(String host, int port) throws IOException {
      this.host = host;
      this.port = port;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::acceptLoop, "test-proxy-accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    /** The next COMMIT reaches the server; its answer does not reach the client. */
    void dropNextCommitAnswer() {
      dropAnswer.set(true);
    }

    /** The connection breaks once the next COPY is in, before its transaction commits. */
    void cutBeforeNextCommit() {
      cutBefore.set(true);
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket up = new Socket(host, port);
          synchronized (sockets) {
            sockets.add(client);
            sockets.add(up);
          }
          pump(client, up, false);
          pump(up, client, true);
        } catch (IOException e) {
          return;
        }
      }
    }

    private void pump(Socket from, Socket to, boolean answers) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[65536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int n;
          while ((n = in.read(buf)) > 0) {
            // the server's answers say where the transaction is: "COPY n" once the rows are in,
            // "COMMIT" once they are committed (the driver's COMMIT itself is a prepared statement)
            if (answers && contains(buf, n, COPY_DONE) && cutBefore.compareAndSet(true, false)) {
              return;
            }
            if (answers && contains(buf, n, COMMIT) && dropAnswer.compareAndSet(true, false)) {
              return;
            }
            out.write(buf, 0, n);
            out.flush();
          }
        } catch (IOException e) {
          // the other side closed
        } finally {
          try {
            from.close();
            to.close();
          } catch (IOException ignored) {
            // closing
          }
        }
      }, "test-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    private static boolean contains(byte[] buf, int n, byte[] what) {
      outer:
      for (int i = 0; i + what.length <= n; i++) {
        for (int j = 0; j < what.length; j++) {
          if (buf[i + j] != what[j]) {
            continue outer;
          }
        }
        return true;
      }
      return false;
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) {
          s.close();
        }
      }
    }
  }
}
