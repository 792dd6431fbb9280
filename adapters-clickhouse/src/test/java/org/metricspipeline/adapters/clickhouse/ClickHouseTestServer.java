package org.metricspipeline.adapters.clickhouse;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The ClickHouse server the ITs use: {@code CLICKHOUSE_URL} (set by {@code scripts/verify.sh}, which
 * starts one with {@code scripts/clickhouse.sh start}). Without it the test fails when
 * {@code CI=true} and is skipped otherwise, saying how to start one.
 */
public final class ClickHouseTestServer {

  /** What to do when no server is given. */
  static final String HOW = "no ClickHouse server: run `export CLICKHOUSE_URL=$(scripts/clickhouse.sh start)` "
      + "(or set CLICKHOUSE_URL to a running server's HTTP URL), or run scripts/verify.sh which does both";

  private ClickHouseTestServer() {}

  /** The server's HTTP URL; fails (CI) or skips (elsewhere) when none is set. */
  public static String url() {
    String url = System.getenv("CLICKHOUSE_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing server is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
    }
    return url.trim();
  }

  /** A fresh database name, so test classes never see each other's data. */
  public static String freshDatabase(String prefix) {
    return (prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8)).toLowerCase(Locale.ROOT);
  }

  /** An adapter on a fresh database. */
  public static ClickHouseStorageAdapter.Builder adapter(String prefix) {
    return ClickHouseStorageAdapter.builder(url()).database(freshDatabase(prefix));
  }
}
