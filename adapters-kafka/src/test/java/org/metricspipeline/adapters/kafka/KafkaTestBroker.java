package org.metricspipeline.adapters.kafka;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.Assumptions;

/**
 * The Kafka broker the ITs use: {@code KAFKA_BOOTSTRAP} (set by {@code scripts/verify.sh}, which
 * starts one with {@code scripts/kafka.sh start}). Without it the test fails when {@code CI=true}
 * and is skipped otherwise, saying how to start one.
 */
final class KafkaTestBroker {

  static final String HOW = "no Kafka broker: run `export KAFKA_BOOTSTRAP=$(scripts/kafka.sh start)` "
      + "(or set KAFKA_BOOTSTRAP to a running broker's host:port), or run scripts/verify.sh which does both";
  static final Path SCRIPT = Path.of("..", "scripts", "kafka.sh").toAbsolutePath().normalize();

  private KafkaTestBroker() {}

  /** The bootstrap address; fails (CI) or skips (elsewhere) when none is set. */
  static String bootstrap() {
    String b = System.getenv("KAFKA_BOOTSTRAP");
    if (b == null || b.isBlank()) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail(HOW + " (CI=true: a missing broker is a failure)");
      }
      Assumptions.abort(HOW + " (skipped because CI is not \"true\")");
    }
    return b.trim();
  }

  /** A fresh topic name. */
  static String freshTopic(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Creates topics with {@code partitions} partitions each, waiting for a broker that is still
   * starting (a loaded machine): each attempt is bounded, retried until 120 s have passed; a topic
   * that already exists (an earlier attempt created it) counts as created.
   */
  static void createTopics(String bootstrap, int partitions, String... topics) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
      for (String topic : topics) {
        while (true) {
          try {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            break;
          } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
              break;
            }
            if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
              throw e;
            }
          } catch (TimeoutException e) {
            if (System.nanoTime() > deadline) {
              throw e;
            }
          }
        }
      }
    }
  }

  /** Runs {@code scripts/kafka.sh command} with {@code KAFKA_DIR=dir}; returns its output. */
  static String script(Path dir, String command) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(SCRIPT.toString(), command));
    pb.environment().put("KAFKA_DIR", dir.toString());
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(SCRIPT + " " + command + " failed");
    }
    return out.trim();
  }
}
