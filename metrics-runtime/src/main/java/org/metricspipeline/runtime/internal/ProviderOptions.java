package org.metricspipeline.runtime.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import org.metricspipeline.api.spi.IngestionProvider;
import org.metricspipeline.api.spi.StorageProvider;
import org.metricspipeline.api.spi.TableSinkProvider;
import org.metricspipeline.api.spi.VisualizationProvider;

/**
 * The option keys of the project's own providers, so that a misspelt option is reported with the
 * file and the nearest key when the config is loaded, not when the adapter starts. A provider not
 * listed here (a third party's, found by {@link ServiceLoader}) checks its own keys when created.
 * {@code ProviderOptionsTest} holds these sets to what each provider accepts.
 */
public final class ProviderOptions {

  /** Adapter kinds, as config sections name them. */
  public enum AdapterKind {
    /** {@code pipelines.*.channels[]}. */
    INGESTION,
    /** {@code pipelines.*.storage}. */
    STORAGE,
    /** {@code visualization}. */
    VISUALIZATION,
    /** {@code streaming.sink}. */
    TABLE_SINK
  }

  /** Kafka passes {@code kafka.*} options to its client unchanged. */
  public static final String KAFKA_CLIENT_PREFIX = "kafka.";

  private static final Map<AdapterKind, Map<String, Set<String>>> KNOWN = new LinkedHashMap<>();

  static {
    for (AdapterKind k : AdapterKind.values()) {
      KNOWN.put(k, new LinkedHashMap<>());
    }
    put(AdapterKind.INGESTION, "memory", "capacity", "retry-after", "max-rejected-kept");
    put(AdapterKind.INGESTION, "http", "host", "port", "capacity", "ack-mode", "stored-timeout", "retry-after",
        "max-body-bytes", "max-threads", "shutdown-timeout", "bearer-tokens", "rate-limits", "jwt-issuer", "jwt-audience",
        "jwt-hmac-secret", "jwt-public-key-file", "jwt-jwks-file", "jwt-clock-skew", "jwt-scopes-ingest",
        "jwt-scopes-query", "jwt-scopes-admin", "disk-buffer", "disk-buffer-max-bytes", "max-buffered-points", "full-buffer-wait");
    put(AdapterKind.INGESTION, "sqs", "queue-url", "queue-name", "region", "endpoint", "access-key-id",
        "secret-access-key", "max-connections", "receiver-concurrency", "receive-batch-size", "receive-wait",
        "visibility-timeout", "buffer-capacity", "settler-concurrency", "nack-backoff", "max-nack-backoff",
        "dead-letter-queue-url", "dead-letter-queue-name", "backlog-threshold", "max-message-bytes", "send-batch-size",
        "send-concurrency", "message-group-by");
    put(AdapterKind.INGESTION, "kafka", "bootstrap-servers", "topics", "topic-pattern", "group-id", "client-id",
        "buffer-capacity", "max-unsettled-per-partition", "max-poll-records", "poll-timeout", "commit-interval",
        "nack-backoff", "max-nack-backoff", "revoke-timeout", "close-timeout", "dead-letter-suffix", "namespace");
    put(AdapterKind.STORAGE, "memory", "max-points", "max-series", "points-per-chunk", "data-dir", "fsync",
        "fsync-interval", "max-disk-bytes");
    put(AdapterKind.STORAGE, "clickhouse", "url", "database", "table", "username", "password", "compress-requests",
        "compress-responses", "insert-batch-rows", "insert-batch-bytes", "connect-timeout", "socket-timeout",
        "request-timeout", "mutation-timeout", "threads", "queue-capacity", "create-schema", "cluster", "sharding-key",
        "replicated", "insert-quorum");
    put(AdapterKind.STORAGE, "postgres", "url", "schema", "table", "username", "password", "connect-timeout",
        "socket-timeout", "threads", "queue-capacity", "retention-batch-rows", "create-schema");
    put(AdapterKind.VISUALIZATION, "memory");
    put(AdapterKind.VISUALIZATION, "metabase", "url", "username", "password", "api-key", "database-name",
        "clickhouse-host", "clickhouse-port", "clickhouse-user", "clickhouse-password", "clickhouse-database",
        "clickhouse-table", "connect-timeout", "read-timeout", "call-timeout", "max-retries", "retry-backoff", "threads",
        "max-queued-calls");
    put(AdapterKind.TABLE_SINK, "clickhouse", "url", "database", "username", "password", "timeout");
    put(AdapterKind.TABLE_SINK, "postgres", "url", "schema", "username", "password", "threads");
  }

  private ProviderOptions() {}

  private static void put(AdapterKind kind, String provider, String... keys) {
    KNOWN.get(kind).put(provider, Set.of(keys));
  }

  /** The project's providers of a kind and their keys, in reference order. */
  public static Map<String, Set<String>> builtIn(AdapterKind kind) {
    return KNOWN.get(kind);
  }

  /** The known keys of a provider, when it is one of the project's. */
  public static Optional<Set<String>> keys(AdapterKind kind, String provider) {
    return Optional.ofNullable(KNOWN.get(kind).get(provider));
  }

  /** Whether {@code key} is accepted by {@code provider} ({@code kafka.*} passes through to the Kafka client). */
  public static boolean accepts(AdapterKind kind, String provider, String key) {
    if (kind == AdapterKind.INGESTION && provider.equals("kafka") && key.startsWith(KAFKA_CLIENT_PREFIX)) {
      return true;
    }
    return keys(kind, provider).map(k -> k.contains(key)).orElse(true);
  }

  /** Every provider name of a kind: the project's and those {@link ServiceLoader} finds. */
  public static Set<String> names(AdapterKind kind) {
    Set<String> names = new TreeSet<>(KNOWN.get(kind).keySet());
    names.addAll(discovered(kind));
    return names;
  }

  private static List<String> discovered(AdapterKind kind) {
    ClassLoader cl = ProviderOptions.class.getClassLoader();
    try {
      return switch (kind) {
        case INGESTION -> ServiceLoader.load(IngestionProvider.class, cl).stream().map(p -> p.get().name()).toList();
        case STORAGE -> ServiceLoader.load(StorageProvider.class, cl).stream().map(p -> p.get().name()).toList();
        case VISUALIZATION -> ServiceLoader.load(VisualizationProvider.class, cl).stream().map(p -> p.get().name()).toList();
        case TABLE_SINK -> ServiceLoader.load(TableSinkProvider.class, cl).stream().map(p -> p.get().name()).toList();
      };
    } catch (java.util.ServiceConfigurationError e) {
      return List.of();
    }
  }
}
