package org.metricspipeline.adapters.postgres;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Assumptions;

/**
 * The PostgreSQL server the ITs use: {@code POSTGRES_URL} (set by {@code scripts/verify.sh}, which
 * starts one with {@code scripts/postgres.sh start}). Without it the test fails when {@code CI=true}
 * and is skipped otherwise, saying how to start one.
 */
public final class PostgresTestServer {

  static final String HOW = "no PostgreSQL server: run `export POSTGRES_URL=$(scripts/postgres.sh start)` "
      + "(or set POSTGRES_URL to a running server's JDBC URL with user and password), or run "
      + "scripts/verify.sh which does both";

  private PostgresTestServer() {}

  /** The server's JDBC URL; fails (CI) or skips (elsewhere) when none is set. */
  public static String url() {
    String url = System.getenv("POSTGRES_URL");
    if (url == null || url.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing server is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
    }
    return url.trim();
  }

  /** A fresh schema name, so test classes never see each other's data. */
  public static String freshSchema(String prefix) {
    return (prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 8)).toLowerCase(Locale.ROOT);
  }

  /** An adapter on a fresh schema. */
  public static PostgresStorageAdapter.Builder adapter(String prefix) {
    return PostgresStorageAdapter.builder(url()).schema(freshSchema(prefix));
  }

  /** Runs one statement on a connection of its own. */
  public static void execute(String sql) {
    try (Connection c = DriverManager.getConnection(url()); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql + " failed: " + e.getMessage(), e);
    }
  }

  /** Drops a schema and everything in it. */
  public static void dropSchema(PostgresStorageAdapter storage) {
    execute("DROP SCHEMA IF EXISTS \"" + storage.table().split("\\.")[0] + "\" CASCADE");
  }

  /** {@code scripts/postgres.sh}, for tests that stop and start the server. */
  public static Path script() {
    String root = System.getenv("PROJECT_ROOT");
    Path dir = root == null ? Path.of("").toAbsolutePath() : Path.of(root);
    for (Path p = dir; p != null; p = p.getParent()) {
      Path s = p.resolve("scripts/postgres.sh");
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    throw new AssertionError("scripts/postgres.sh not found above " + dir);
  }
}
