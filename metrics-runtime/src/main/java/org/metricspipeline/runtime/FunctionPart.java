package org.metricspipeline.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/** The {@link Part} of {@link Part#of}: actions and a details source. */
final class FunctionPart implements Part {
  private final String name;
  private final PartKind kind;
  private final List<String> dependsOn;
  private final Optional<Duration> stopTimeout;
  private final Part.Action start;
  private final Part.Action stop;
  private final Supplier<Map<String, Object>> details;

  FunctionPart(String name, PartKind kind, List<String> dependsOn, Optional<Duration> stopTimeout, Part.Action start,
      Part.Action stop, Supplier<Map<String, Object>> details) {
    this.name = Objects.requireNonNull(name, "name");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.dependsOn = List.copyOf(dependsOn);
    this.stopTimeout = Objects.requireNonNull(stopTimeout, "stopTimeout");
    this.start = Objects.requireNonNull(start, "start");
    this.stop = Objects.requireNonNull(stop, "stop");
    this.details = Objects.requireNonNull(details, "details");
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public PartKind kind() {
    return kind;
  }

  @Override
  public List<String> dependsOn() {
    return dependsOn;
  }

  @Override
  public void start() throws Exception {
    start.run();
  }

  @Override
  public void stop() throws Exception {
    stop.run();
  }

  @Override
  public Optional<Duration> stopTimeout() {
    return stopTimeout;
  }

  @Override
  public Map<String, Object> details() {
    return details.get();
  }

  @Override
  public String toString() {
    return kind.wireName() + " " + name;
  }
}
