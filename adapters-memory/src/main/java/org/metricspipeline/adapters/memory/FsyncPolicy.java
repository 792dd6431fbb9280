package org.metricspipeline.adapters.memory;

/**
 * When a durable {@link InMemoryStorageAdapter} (one with a data directory) forces its
 * write-ahead log to the disk. Both survive a crash of the process (kill -9): a write is in the
 * operating system's page cache before it is acknowledged. They differ on a power failure or a
 * kernel crash.
 */
public enum FsyncPolicy {
  /**
   * fsync before every batch is acknowledged (concurrent batches share one fsync): a power failure
   * loses nothing acknowledged. What {@code ack=stored} relies on when the machine itself may fail.
   */
  BATCH,
  /**
   * fsync every {@code fsyncInterval} (default 1 s) from a background thread: a power failure loses
   * at most the batches acknowledged in the last interval; a process crash loses nothing.
   */
  INTERVAL
}
