package org.metricspipeline.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import org.metricspipeline.guard.GuardConfig;

/**
 * Everything a config directory declares, merged, validated and with secrets resolved (as
 * {@link ConfigLoader#load()} returns it). Immutable; {@link #toString()} never shows a secret.
 *
 * @param pipelines the pipelines, in declaration order (at least one)
 * @param eventTypes seed 002's event types as {@code EventTypes.fromConfig} takes them: a map with
 *     {@code event_types} and, when declared, {@code entities}; empty when the config declares none
 * @param aggregations the windowed aggregation job, when declared
 * @param visualization the visualization adapter by provider name, when declared
 * @param guard the guard's settings (its own YAML format, {@code guard}), when declared
 * @param http the HTTP server
 * @param secrets where {@code ${secret:..}} references were resolved
 * @param files the files merged, in merge order
 */
public record RuntimeConfig(List<PipelineConfig> pipelines, Map<String, Object> eventTypes,
    Optional<AggregationsConfig> aggregations, Optional<ProviderConfig> visualization, Optional<GuardConfig> guard,
    HttpConfig http, SecretsConfig secrets, List<Path> files) {

  /** Validates and copies. */
  public RuntimeConfig {
    pipelines = List.copyOf(pipelines);
    eventTypes = Map.copyOf(eventTypes);
    Objects.requireNonNull(aggregations, "aggregations");
    Objects.requireNonNull(visualization, "visualization");
    Objects.requireNonNull(guard, "guard");
    Objects.requireNonNull(http, "http");
    Objects.requireNonNull(secrets, "secrets");
    files = List.copyOf(files);
  }

  /** The pipeline of this name. */
  public Optional<PipelineConfig> pipeline(String name) {
    return pipelines.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /**
   * The pipeline of this name.
   *
   * @throws NoSuchElementException naming the known pipelines when there is none
   */
  public PipelineConfig requirePipeline(String name) {
    return pipeline(name).orElseThrow(() -> new NoSuchElementException("no pipeline named " + name + "; declared: "
        + pipelines.stream().map(PipelineConfig::name).toList()));
  }
}
