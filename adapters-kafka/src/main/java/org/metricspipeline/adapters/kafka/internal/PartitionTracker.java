package org.metricspipeline.adapters.kafka.internal;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;

/**
 * The records of one partition this consumer has fetched and not yet committed, in offset order,
 * each in flight (buffered or with the pipeline), acked, or nacked (waiting to be read again).
 *
 * <p>The commit point is the offset of the first record not acked (every record before it is
 * stored), or the next offset to fetch when all are acked. Acks come from the pipeline's writer
 * threads, everything else from the poll thread; all under this object's monitor.
 */
public final class PartitionTracker {

  static final byte IN_FLIGHT = 0;
  static final byte ACKED = 1;
  static final byte REDELIVER = 2;

  /** One fetched record. */
  public static final class Entry {
    final long offset;
    byte state = IN_FLIGHT;
    int attempts;

    Entry(long offset) {
      this.offset = offset;
    }

    /** The record's offset. */
    public long offset() {
      return offset;
    }
  }

  private final TopicPartition partition;
  private final ArrayList<Entry> entries = new ArrayList<>();
  private int head;
  private long nextFetch = -1;
  private long lastCommitted = -1;
  private int inFlight;
  private boolean detached;

  /** A tracker of {@code partition}. */
  public PartitionTracker(TopicPartition partition) {
    this.partition = partition;
  }

  /** The partition. */
  public TopicPartition partition() {
    return partition;
  }

  /**
   * Decides what to do with a fetched record: a new entry (deliver), or null (skip: a record this
   * tracker already holds or that is committed, read again after a seek).
   */
  public synchronized Entry fetched(long offset) {
    if (offset < nextFetch) {
      return null;
    }
    Entry e = new Entry(offset);
    entries.add(e);
    nextFetch = offset + 1;
    inFlight++;
    return e;
  }

  Entry find(long offset) {
    int lo = head;
    int hi = entries.size() - 1;
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      long o = entries.get(mid).offset;
      if (o < offset) {
        lo = mid + 1;
      } else if (o > offset) {
        hi = mid - 1;
      } else {
        return entries.get(mid);
      }
    }
    return null;
  }

  /** The record is stored; returns whether the commit point may have moved. */
  public synchronized boolean ack(Entry e) {
    if (e.state != IN_FLIGHT) {
      return false;
    }
    e.state = ACKED;
    settled();
    int n = entries.size();
    boolean moved = false;
    while (head < n && entries.get(head).state == ACKED) {
      head++;
      moved = true;
    }
    if (head > 1024 && head * 2 > n) {
      entries.subList(0, head).clear();
      head = 0;
    }
    return moved;
  }

  /** The record could not be stored: it waits to be delivered again (it still holds the commit point). */
  public synchronized void nack(Entry e) {
    if (e.state != IN_FLIGHT) {
      return;
    }
    e.attempts++;
    e.state = REDELIVER;
    settled();
  }

  /** A record taken out of the buffer unseen (on revocation or close): no longer in flight. */
  public synchronized void release(Entry e) {
    if (e.state == IN_FLIGHT) {
      e.state = REDELIVER;
      settled();
    }
  }

  /** A nacked record is delivered again; false when the partition is no longer ours. */
  public synchronized boolean redeliver(Entry e) {
    if (detached || e.state != REDELIVER) {
      return false;
    }
    e.state = IN_FLIGHT;
    inFlight++;
    return true;
  }

  private void settled() {
    inFlight--;
    if (inFlight == 0) {
      notifyAll();
    }
  }

  /** How many attempts the record had (for its backoff). */
  public synchronized int attempts(Entry e) {
    return e.attempts;
  }

  /** The offset to commit (every record before it is stored), or -1 when nothing was fetched. */
  public synchronized long commitPoint() {
    if (nextFetch < 0) {
      return -1;
    }
    return head < entries.size() ? entries.get(head).offset : nextFetch;
  }

  /** The commit point when it is past the last committed one, else -1. */
  public synchronized long commitDue() {
    long c = commitPoint();
    return c > lastCommitted ? c : -1;
  }

  /** Records that a commit of {@code offset} succeeded. */
  public synchronized void committed(long offset) {
    lastCommitted = Math.max(lastCommitted, offset);
  }

  /** Records fetched and not yet committed-over (held). */
  public synchronized int held() {
    return entries.size() - head;
  }

  /** Records with the pipeline or buffered, not settled. */
  public synchronized int inFlight() {
    return inFlight;
  }

  /** Waits up to {@code millis} until nothing is in flight; returns whether it got there. */
  public synchronized boolean awaitSettled(long millis) {
    long deadline = System.nanoTime() + millis * 1_000_000L;
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      try {
        wait(Math.max(1, left / 1_000_000L));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return true;
  }

  /** The partition is no longer ours: later acks change nothing that is committed. */
  public synchronized void detach() {
    detached = true;
  }

  /** Whether {@link #detach()} was called. */
  public synchronized boolean isDetached() {
    return detached;
  }

  /** Offsets held, for tests and debugging. */
  synchronized List<Long> heldOffsets() {
    List<Long> out = new ArrayList<>();
    for (int i = head; i < entries.size(); i++) {
      out.add(entries.get(i).offset);
    }
    return out;
  }
}
