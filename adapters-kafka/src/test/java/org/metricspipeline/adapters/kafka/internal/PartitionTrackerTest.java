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
  void aNackedRecordHoldsTheCommitPointUntilDeliveredAgainAndStored() {
    PartitionTracker.Entry a = t.fetched(0);
    PartitionTracker.Entry b = t.fetched(1);
    PartitionTracker.Entry c = t.fetched(2);
    t.ack(a);
    t.nack(b);
    t.ack(c);
    assertThat(t.commitPoint()).isEqualTo(1);
    assertThat(t.inFlight()).isZero();
    // a seek back re-reads held records: they are skipped, not delivered twice
    assertThat(t.fetched(1)).isNull();
    assertThat(t.fetched(2)).isNull();
    assertThat(t.redeliver(b)).isTrue();
    assertThat(t.redeliver(b)).isFalse();
    assertThat(t.attempts(b)).isEqualTo(1);
    t.ack(b);
    assertThat(t.commitPoint()).isEqualTo(3);
  }

  @Test
  void aDetachedTrackerDeliversNothingAgain() {
    PartitionTracker.Entry a = t.fetched(0);
    t.nack(a);
    t.detach();
    assertThat(t.redeliver(a)).isFalse();
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
