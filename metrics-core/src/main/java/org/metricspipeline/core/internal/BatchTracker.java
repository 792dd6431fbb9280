package org.metricspipeline.core.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.metricspipeline.api.MetricsBatchResult;

/**
 * Collects the outcomes of the items of one {@code processBatch} call and completes its future once
 * every item is settled. One tracker for the whole call, so items need no future each.
 */
public final class BatchTracker {

  private final int total;
  private final List<MetricsBatchResult.Failure> failures = new ArrayList<>();
  // Starts at 1: the submitting thread's hold, released by submitted(), so the result cannot
  // complete while items are still being offered.
  private final AtomicInteger pending = new AtomicInteger(1);
  private final CompletableFuture<MetricsBatchResult> future = new CompletableFuture<>();

  /** A tracker for a batch of {@code total} items. */
  public BatchTracker(int total) {
    this.total = total;
  }

  /** Completes with the batch's result once every item is settled. */
  public CompletableFuture<MetricsBatchResult> future() {
    return future;
  }

  /** One more item will be settled later (call before offering it). */
  public void expect() {
    pending.incrementAndGet();
  }

  /** Records a failure of an item that will not be settled later (refused before queueing). */
  public void refused(MetricsBatchResult.Failure failure) {
    synchronized (failures) {
      failures.add(failure);
    }
  }

  /** Takes back an {@link #expect()} for an item that was refused after all. */
  public void refusedAfterExpect(MetricsBatchResult.Failure failure) {
    refused(failure);
    arrive();
  }

  /** Every item was offered: drops the submitting thread's hold. */
  public void submitted() {
    arrive();
  }

  /** An expected item was stored. */
  public void stored() {
    arrive();
  }

  /** An expected item failed for good. */
  public void failed(MetricsBatchResult.Failure failure) {
    synchronized (failures) {
      failures.add(failure);
    }
    arrive();
  }

  private void arrive() {
    if (pending.decrementAndGet() == 0) {
      List<MetricsBatchResult.Failure> sorted;
      synchronized (failures) {
        sorted = new ArrayList<>(failures);
      }
      sorted.sort(Comparator.comparingInt(MetricsBatchResult.Failure::index));
      future.complete(MetricsBatchResult.of(total, sorted));
    }
  }
}
