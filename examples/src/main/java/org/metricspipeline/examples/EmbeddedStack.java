package org.metricspipeline.examples;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.metricspipeline.adapters.memory.InMemoryIngestionAdapter;
import org.metricspipeline.adapters.memory.InMemoryStorageAdapter;
import org.metricspipeline.core.MetricsPipeline;
import org.metricspipeline.core.OverflowPolicy;
import org.metricspipeline.core.RollupSettings;
import org.metricspipeline.core.TimeSeriesEngine;

/**
 * The embedded default, running: an in-memory store, an in-memory ingestion channel, and a
 * started {@link MetricsPipeline} between them, keeping rollups of what it stores. Closing it stops
 * the pipeline gracefully and closes both adapters.
 *
 * <p>Kept apart from {@link QuickStart} so that a program can keep the stack running (serve it)
 * instead of stopping it after one demonstration.
 */
final class EmbeddedStack implements AutoCloseable {

  /** Partial batches wait at most this long: short, so a small demo does not idle. */
  static final Duration PROCESSING_INTERVAL = Duration.ofMillis(50);
  /** Direct producers wait up to this long for room in the pipeline's queue. */
  static final Duration PRODUCER_WAIT = Duration.ofSeconds(10);

  private final InMemoryStorageAdapter storage;
  private final InMemoryIngestionAdapter channel;
  private final MetricsPipeline pipeline;

  private EmbeddedStack(InMemoryStorageAdapter storage, InMemoryIngestionAdapter channel,
      MetricsPipeline pipeline) {
    this.storage = storage;
    this.channel = channel;
    this.pipeline = pipeline;
  }

  /**
   * Builds the adapters and the pipeline on this clock, with the rollup job on these settings, and
   * starts processing (which schedules the rollup job; {@link #timeSeries()} can also run it now).
   */
  static EmbeddedStack start(Clock clock, RollupSettings rollups) {
    InMemoryStorageAdapter storage = InMemoryStorageAdapter.create();
    InMemoryIngestionAdapter channel = InMemoryIngestionAdapter.create();
    MetricsPipeline pipeline = MetricsPipeline.builder()
        .storage(storage)
        .ingestion(channel)
        .processingInterval(PROCESSING_INTERVAL)
        .overflowPolicy(OverflowPolicy.block(PRODUCER_WAIT))
        .clock(clock)
        .rollups(rollups)
        .build();
    pipeline.startProcessing();
    return new EmbeddedStack(storage, channel, pipeline);
  }

  InMemoryStorageAdapter storage() {
    return storage;
  }

  InMemoryIngestionAdapter channel() {
    return channel;
  }

  MetricsPipeline pipeline() {
    return pipeline;
  }

  /** The pipeline's rollup job. */
  TimeSeriesEngine timeSeries() {
    return pipeline.timeSeries().orElseThrow();
  }

  /**
   * Waits until the pipeline has taken and settled everything producers put in the channel.
   * Stopping before that would leave the rest in the channel: a stop flushes what the pipeline
   * accepted, not what it has not polled yet.
   *
   * @throws IllegalStateException when the channel still holds items after {@code timeout}
   */
  void awaitChannelDrained(Duration timeout) {
    awaitTrue(() -> channel.depth() == 0 && channel.inFlight() == 0, timeout,
        () -> "ingestion channel not drained: depth " + channel.depth() + ", in flight " + channel.inFlight());
  }

  /** Stops the pipeline gracefully: everything accepted is stored when this returns. */
  void stop() {
    pipeline.stopProcessing().join();
  }

  /** Stops (if not stopped yet) and closes the pipeline and both adapters. */
  @Override
  public void close() {
    pipeline.close();
  }

  /** Polls a condition every millisecond until it holds or the timeout passes. */
  static void awaitTrue(BooleanSupplier condition, Duration timeout,
      java.util.function.Supplier<String> failure) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException(failure.get() + " after " + timeout);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }
}
