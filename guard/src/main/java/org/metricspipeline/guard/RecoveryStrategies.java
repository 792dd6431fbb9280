package org.metricspipeline.guard;

import java.util.Objects;
import org.metricspipeline.core.MetricsPipeline;

/**
 * The built-in recovery strategies. The guard registers the ones that fit automatically when it
 * watches a pipeline (see {@link SelfHealingPipelineGuard.Builder#pipeline}); add them yourself
 * for other components.
 */
public final class RecoveryStrategies {

  private RecoveryStrategies() {}

  /**
   * Closes the storage's current connection and opens a new one through the storage's factory (its
   * provider or supplier), see {@link GuardedStorage#restart()}. Succeeds when the new adapter
   * answers a health check as not unhealthy.
   */
  public static RecoveryStrategy restart(GuardedStorage storage) {
    Objects.requireNonNull(storage, "storage");
    return new RecoveryStrategy() {
      @Override
      public String name() {
        return "restart-storage";
      }

      @Override
      public Outcome attempt(Context context) {
        return storage.restart()
            ? Outcome.success("storage " + storage.name() + " re-created (generation " + storage.generation() + ")")
            : Outcome.failure("re-created storage " + storage.name() + " is still unhealthy");
      }
    };
  }

  /**
   * Re-creates the pipeline's ingestion channel through its factory (its provider or supplier), see
   * {@link GuardedIngestion#restart()}: producers and polls go to the new channel while the old one
   * drains and settles what it handed out before it is closed. Succeeds when the new channel
   * answers a health check as not unhealthy.
   */
  public static RecoveryStrategy restart(GuardedIngestion channel) {
    Objects.requireNonNull(channel, "channel");
    return new RecoveryStrategy() {
      @Override
      public String name() {
        return "restart-ingestion";
      }

      @Override
      public Outcome attempt(Context context) {
        return channel.restart()
            ? Outcome.success("ingestion channel " + channel.name() + " re-created (generation "
                + channel.generation() + "); the replaced one drains")
            : Outcome.failure("re-created ingestion channel " + channel.name() + " is still unhealthy");
      }
    };
  }

  /**
   * Pauses polling of the pipeline's ingestion channel while storage is down, so new data waits in
   * the channel instead of failing its retries; ingestion resumes once the component is healthy.
   */
  public static RecoveryStrategy pauseIngestion(MetricsPipeline pipeline) {
    Objects.requireNonNull(pipeline, "pipeline");
    return new RecoveryStrategy() {
      @Override
      public String name() {
        return "pause-ingestion";
      }

      @Override
      public Outcome attempt(Context context) {
        if (pipeline.ingestion().isEmpty()) {
          return Outcome.failure("the pipeline has no ingestion channel to pause");
        }
        pipeline.pauseIngestion();
        return Outcome.success("ingestion paused; data waits in the channel until storage is healthy");
      }

      @Override
      public void onHealthy(String component) {
        pipeline.resumeIngestion();
      }
    };
  }

  /**
   * Halves the pipeline's batch size on each attempt (not below {@code minBatchSize}), for stores
   * that time out on large batches; the original size is restored once the component is healthy.
   */
  public static RecoveryStrategy shrinkBatchSize(MetricsPipeline pipeline, int minBatchSize) {
    Objects.requireNonNull(pipeline, "pipeline");
    if (minBatchSize < 1) {
      throw new IllegalArgumentException("minBatchSize must be at least 1, got " + minBatchSize);
    }
    return new RecoveryStrategy() {
      private volatile int original = -1;

      @Override
      public String name() {
        return "shrink-batch-size";
      }

      @Override
      public synchronized Outcome attempt(Context context) {
        int current = pipeline.batchSize();
        if (original < 0) {
          original = current;
        }
        if (current <= minBatchSize) {
          return Outcome.failure("batch size is already at its minimum " + minBatchSize);
        }
        int smaller = Math.max(minBatchSize, current / 2);
        pipeline.batchSize(smaller);
        return Outcome.success("batch size shrunk from " + current + " to " + smaller);
      }

      @Override
      public synchronized void onHealthy(String component) {
        if (original > 0) {
          pipeline.batchSize(original);
          original = -1;
        }
      }
    };
  }
}
