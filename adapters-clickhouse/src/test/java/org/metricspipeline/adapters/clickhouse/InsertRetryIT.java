package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.StorageUnavailableException;

/**
 * An INSERT the server committed but whose answer never reached the client (the connection broke)
 * is not stored twice when the batch is retried: a proxy in front of the server drops the response
 * to the first INSERT, the batch fails with StorageUnavailableException, the retry completes it.
 */
class InsertRetryIT {

  private DroppingProxy proxy;
  private ClickHouseStorageAdapter storage;

  @BeforeEach
  void start() throws IOException {
    proxy = new DroppingProxy(URI.create(ClickHouseTestServer.url()));
    storage = ClickHouseStorageAdapter.builder("http://127.0.0.1:" + proxy.port())
        .database(ClickHouseTestServer.freshDatabase("it_retry")).insertBatchRows(100).build();
    storage.createSchema().join();
  }

  @AfterEach
  void stop() throws IOException {
    // both are null when the set-up skipped or failed (no ClickHouse server)
    if (storage != null) {
      storage.close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aBatchWhoseFirstInsertWasCommittedUnseenIsCompletedExactlyOnceOnRetry() {
    List<MetricsData> batch = batch(350, 0); // 4 inserts of at most 100 rows
    proxy.dropNextResponse();
    assertThat(storage.batchStore(batch)).failsWithin(Duration.ofSeconds(30)).withThrowableThat()
        .withCauseInstanceOf(StorageUnavailableException.class);
    assertThat(rows()).as("the first insert was committed before its answer was lost").isEqualTo(100);

    assertThat(storage.batchStore(batch).join().allSucceeded()).isTrue();
    assertThat(rows()).isEqualTo(350);
    assertThat(distinctIds()).isEqualTo(350);

    // the same content stored again on purpose, without a failure in between, is stored again
    assertThat(storage.batchStore(batch(10, 1000)).join().allSucceeded()).isTrue();
    assertThat(storage.batchStore(batch(10, 1000)).join().allSucceeded()).isTrue();
    assertThat(rows()).isEqualTo(370);
  }

  private static List<MetricsData> batch(int n, int first) {
    List<MetricsData> items = new ArrayList<>();
    for (int i = first; i < first + n; i++) {
      items.add(MetricsData.of(Instant.parse("2026-11-23T00:00:00Z").plusSeconds(i), "retry",
          List.of(Metric.of("events", i, Map.of("id", Integer.toString(i))))));
    }
    return items;
  }

  private long rows() {
    return scalar("SELECT count() FROM " + storage.table());
  }

  private long distinctIds() {
    return scalar("SELECT uniqExact(tag_values[1]) FROM " + storage.table());
  }

  private static long scalar(String sql) {
    Duration t = Duration.ofSeconds(30);
    try (Connection c = new Connection(ClickHouseTestServer.url(), "default", "", false, false, t, t, t, 1)) {
      return c.queryLong(sql);
    }
  }

  /** A TCP proxy that can close a connection as soon as the server starts answering. */
  static final class DroppingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final URI upstream;
    private final AtomicBoolean dropNext = new AtomicBoolean();
    private final List<Socket> sockets = new ArrayList<>();

    DroppingProxy(URI upstream) throws IOException {
      this.upstream = upstream;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread accept = new Thread(this::acceptLoop, "test-proxy-accept");
      accept.setDaemon(true);
      accept.start();
    }

    int port() {
      return server.getLocalPort();
    }

    /** The next response the server starts sending is cut: the client sees the connection close. */
    void dropNextResponse() {
      dropNext.set(true);
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Socket up = new Socket(upstream.getHost(), upstream.getPort());
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

    private void pump(Socket from, Socket to, boolean response) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[65536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int n;
          while ((n = in.read(buf)) > 0) {
            if (response && dropNext.compareAndSet(true, false)) {
              from.close();
              to.close();
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
