package org.metricspipeline.guard;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;
import org.metricspipeline.adapters.clickhouse.ClickHouseStorageAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.testkit.StorageAdapterConformanceSuite;

/**
 * {@link GuardedStorage} around the ClickHouse store passes the storage conformance kit against the
 * real server with every capability (the guarded twin of adapters-clickhouse's
 * {@code ClickHouseStorageAdapterConformanceIT}). Each test gets a fresh database, dropped afterwards.
 *
 * <p>Needs {@code CLICKHOUSE_URL}: {@code export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)}.
 * Without it the tests fail when {@code CI=true} and are skipped otherwise, saying so.
 */
class GuardedClickHouseStorageConformanceIT extends StorageAdapterConformanceSuite {

  private static final String HOW = "no ClickHouse server: run `export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)` "
      + "(or set CLICKHOUSE_URL to a running server's HTTP URL), or run scripts/verify.sh which does both";

  private String database;

  private static String url() {
    String url = System.getenv("CLICKHOUSE_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing server is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
    }
    return url.trim();
  }

  @Override
  protected StorageAdapter createStorage() {
    String url = url();
    database = ("it_guarded_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8)).toLowerCase(Locale.ROOT);
    String db = database;
    // small inserts: the suite's batches then span several INSERTs
    return GuardedStorage.builder(() -> ClickHouseStorageAdapter.builder(url).database(db).insertBatchRows(50).build())
        .build();
  }

  @Override
  protected Set<Capability> capabilities() {
    return EnumSet.allOf(Capability.class);
  }

  @Override
  protected void cleanUp(StorageAdapter storage) {
    storage.close();
    HttpRequest drop = HttpRequest.newBuilder(URI.create(url())).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("DROP DATABASE IF EXISTS `" + database + "`")).build();
    try {
      HttpResponse<String> r = HttpClient.newHttpClient().send(drop, HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError("dropping " + database + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (IOException e) {
      throw new AssertionError("dropping " + database + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }
}
