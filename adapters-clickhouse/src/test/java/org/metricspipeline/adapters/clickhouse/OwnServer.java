package org.metricspipeline.adapters.clickhouse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A ClickHouse server of one test class, started and stopped with {@code scripts/clickhouse.sh}
 * under its own data dir, for tests that stop or freeze the server and must not disturb others.
 */
final class OwnServer {

  private static final Path SCRIPT = Path.of("..", "scripts", "clickhouse.sh").toAbsolutePath().normalize();
  private final Path dir;

  /** A server with data under {@code target/<name>}; nothing runs until {@link #start()}. */
  OwnServer(String name) {
    this.dir = Path.of("target", name).toAbsolutePath();
  }

  /** Starts it (again, on the same ports and data when it ran before); returns its URL. */
  String start() throws IOException, InterruptedException {
    return script("start").trim();
  }

  void stop() throws IOException, InterruptedException {
    script("stop");
  }

  /** Sends a signal (STOP, CONT) to the server process. */
  void signal(String signal) throws IOException, InterruptedException {
    String pid = Files.readString(dir.resolve("server.pid")).trim();
    Process p = new ProcessBuilder("kill", "-" + signal, pid).inheritIO().start();
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + pid + " failed");
    }
  }

  private String script(String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(SCRIPT.toString(), command).redirectErrorStream(false);
    pb.environment().put("CLICKHOUSE_DIR", dir.toString());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(SCRIPT + " " + command + " failed: " + err);
    }
    return out;
  }
}
