package org.metricspipeline.adapters.kafka.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.metricspipeline.api.HealthCheckResult;

/** Asks the cluster whether it answers, with an Admin client of its own (thread-safe). */
public final class ClusterHealth implements AutoCloseable {

  private final Admin admin;
  private final Duration timeout;
  private final String bootstrap;

  /** An Admin client from the connection properties (bootstrap servers, security settings). */
  public ClusterHealth(Map<String, Object> connection, String clientId, Duration timeout) {
    Properties p = new Properties();
    for (Map.Entry<String, Object> e : connection.entrySet()) {
      if (AdminClientConfig.configNames().contains(e.getKey())) {
        p.put(e.getKey(), e.getValue());
      }
    }
    p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId);
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
    this.admin = Admin.create(p);
    this.timeout = timeout;
    this.bootstrap = String.valueOf(connection.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
  }

  /**
   * Healthy with {@code brokers} and {@code controller} when the cluster answers within the
   * timeout; unhealthy ({@code "broker unreachable: ..."}) otherwise. {@code local} details are added.
   */
  public CompletableFuture<HealthCheckResult> check(Map<String, Object> local) {
    DescribeClusterResult r = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
    return r.nodes().toCompletionStage().toCompletableFuture().handle((nodes, error) -> {
      Map<String, Object> details = new LinkedHashMap<>(local);
      details.put("bootstrap_servers", bootstrap);
      if (error != null) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
            ? error.getCause() : error;
        details.put("reason", "broker unreachable at " + bootstrap + ": " + cause);
        return new HealthCheckResult(org.metricspipeline.api.HealthStatus.UNHEALTHY, details);
      }
      details.put("brokers", nodes.size());
      return HealthCheckResult.healthy(details);
    });
  }

  @Override
  public void close() {
    admin.close(Duration.ofSeconds(2));
  }
}
