package org.metricspipeline.adapters.memory.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.metricspipeline.api.timeseries.MetricInfo;
import org.metricspipeline.api.timeseries.MetricListQuery;
import org.metricspipeline.api.timeseries.MetricPage;
import org.metricspipeline.api.timeseries.MetricSummary;
import org.metricspipeline.api.timeseries.TagValues;

/** Lists and describes the metrics of a {@link SeriesStore}. */
public final class Discovery {

  private final SeriesStore store;

  /** Discovery over {@code store}. */
  public Discovery(SeriesStore store) {
    this.store = store;
  }

  /** A page of the metrics holding points whose names contain the search (case-insensitive). */
  public MetricPage list(MetricListQuery query) {
    String search = query.search().toLowerCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    for (String name : store.metricNames()) {
      if (name.toLowerCase(Locale.ROOT).contains(search) && hasPoints(name)) {
        names.add(name);
      }
    }
    names.sort(CodePoints::compare);
    long from = (long) (query.page() - 1) * query.pageSize();
    List<MetricSummary> page = new ArrayList<>();
    for (long i = from; i < names.size() && i < from + query.pageSize(); i++) {
      summary(names.get((int) i)).ifPresent(page::add);
    }
    return new MetricPage(page, query.page(), query.pageSize(), names.size());
  }

  /** The details of one metric, at most {@code maxTagValues} values per tag key. */
  public Optional<MetricInfo> info(String name, int maxTagValues) {
    if (maxTagValues < 1) {
      throw new IllegalArgumentException("maxTagValues must be >= 1, got " + maxTagValues);
    }
    Optional<MetricSummary> summary = summary(name);
    if (summary.isEmpty()) {
      return Optional.empty();
    }
    Map<String, TreeSet<String>> values = new HashMap<>();
    for (Series s : store.seriesNamed(name)) {
      if (s.pointCount() == 0) {
        continue;
      }
      s.tags().forEach((k, v) -> values.computeIfAbsent(k, x -> new TreeSet<>(CodePoints::compare)).add(v));
    }
    Map<String, TagValues> tags = new TreeMap<>();
    values.forEach((k, set) -> tags.put(k,
        new TagValues(set.stream().limit(maxTagValues).toList(), set.size())));
    return Optional.of(new MetricInfo(summary.get(), tags));
  }

  private boolean hasPoints(String name) {
    for (Series s : store.seriesNamed(name)) {
      if (s.pointCount() > 0) {
        return true;
      }
    }
    return false;
  }

  private Optional<MetricSummary> summary(String name) {
    TreeSet<String> types = new TreeSet<>(CodePoints::compare);
    TreeSet<String> units = new TreeSet<>(CodePoints::compare);
    long series = 0;
    long points = 0;
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Series s : store.seriesNamed(name)) {
      SeriesSnapshot snapshot = s.snapshot();
      if (snapshot.pointCount() == 0) {
        continue;
      }
      types.add(s.metricType());
      units.add(s.unit());
      series++;
      points += snapshot.pointCount();
      first = Math.min(first, snapshot.timeAt(0));
      last = Math.max(last, snapshot.timeAt(snapshot.previous(snapshot.endPosition())));
    }
    if (series == 0) {
      return Optional.empty();
    }
    return Optional.of(new MetricSummary(name, List.copyOf(types), List.copyOf(units), series, points,
        Instant.ofEpochMilli(first), Instant.ofEpochMilli(last)));
  }
}
