package org.metricspipeline.adapters.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class PartitionTrackerTest {

  private final PartitionTracker t = new PartitionTracker(new TopicPartition("t", 0));

  @Test
  void commitPointStaysAtTheFirstRecordNotStored() {
    PartitionTracker.Entry a = t.fetched(10);
    PartitionTracker.Entry b = t.fetched(11);
    PartitionTracker.Entry c = t.fetched(13); // a gap (transaction marker) at 12
    assertThat(t.commitPoint()).isEqualTo(10);
    t.ack(b);
    t.ack(c);
    assertThat(t.commitPoint()).isEqualTo(10);
    t.ack(a);
    assertThat(t.commitPoint()).isEqualTo(14);
    assertThat(t.held()).isZero();
  }

  @Test
  void aNackedRecordIsDeliveredAgainAfterItsBackoffAndOthersAreSkipped() {
    PartitionTracker.Entry a = t.fetched(0);
    PartitionTracker.Entry b = t.fetched(1);
    PartitionTracker.Entry c = t.fetched(2);
    t.ack(a);
    t.nack(b, 1_000);
    assertThat(t.dueRedelivery(999)).isEqualTo(-1);
    assertThat(t.dueRedelivery(1_000)).isEqualTo(1);
    // the seek re-reads 1 and 2: only 1 comes back, 2 is still held
    assertThat(t.fetched(1)).isSameAs(b);
    assertThat(t.fetched(2)).isNull();
    assertThat(t.fetched(0)).isNull();
    assertThat(t.attempts(b)).isEqualTo(1);
    assertThat(t.commitPoint()).isEqualTo(1);
    t.ack(c);
    t.ack(b);
    assertThat(t.commitPoint()).isEqualTo(3);
  }

  @Test
  void commitDueOnlyWhenThePointMovedPastTheLastCommit() {
    PartitionTracker.Entry a = t.fetched(5);
    assertThat(t.commitDue()).isEqualTo(5);
    t.committed(5);
    assertThat(t.commitDue()).isEqualTo(-1);
    t.ack(a);
    assertThat(t.commitDue()).isEqualTo(6);
  }

  @Test
  void awaitSettledReturnsOnceEveryHandedOutRecordIsSettled() throws Exception {
    PartitionTracker.Entry a = t.fetched(0);
    assertThat(t.awaitSettled(10)).isFalse();
    Thread acker = new Thread(() -> t.ack(a));
    acker.start();
    assertThat(t.awaitSettled(10_000)).isTrue();
    acker.join();
  }
}
