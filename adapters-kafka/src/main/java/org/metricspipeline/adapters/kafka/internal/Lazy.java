package org.metricspipeline.adapters.kafka.internal;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client created on first use (a dead-letter producer, an Admin client for health checks), so a
 * consumer that never needs it holds no connection or thread for it; closed only if created.
 */
public final class Lazy<T> implements Supplier<T> {

  private final Supplier<T> factory;
  private final Consumer<T> closer;
  private T value;
  private boolean closed;

  /** A holder that creates with {@code factory} and closes with {@code closer}. */
  public Lazy(Supplier<T> factory, Consumer<T> closer) {
    this.factory = factory;
    this.closer = closer;
  }

  /** The client, created now if needed; fails once closed. */
  @Override
  public synchronized T get() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    if (value == null) {
      value = factory.get();
    }
    return value;
  }

  /** Closes the client if it was created. */
  public synchronized void close() {
    closed = true;
    if (value != null) {
      closer.accept(value);
    }
  }
}
