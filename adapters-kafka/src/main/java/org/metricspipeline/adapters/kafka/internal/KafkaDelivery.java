package org.metricspipeline.adapters.kafka.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.metricspipeline.api.Delivery;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidationResult;

/** One record handed to the pipeline; settling it goes back to the {@link ConsumerLoop}. */
final class KafkaDelivery implements Delivery {

  final ConsumerRecord<byte[], byte[]> record;
  final PartitionTracker tracker;
  final PartitionTracker.Entry entry;
  private final ConsumerLoop loop;
  private final AtomicBoolean settled = new AtomicBoolean();
  MetricsData data;

  KafkaDelivery(ConsumerRecord<byte[], byte[]> record, PartitionTracker tracker, PartitionTracker.Entry entry,
      ConsumerLoop loop) {
    this.record = record;
    this.tracker = tracker;
    this.entry = entry;
    this.loop = loop;
  }

  @Override
  public MetricsData data() {
    return data;
  }

  boolean settle() {
    return settled.compareAndSet(false, true);
  }

  @Override
  public void ack() {
    if (settle()) {
      loop.ack(this);
    }
  }

  @Override
  public void nack(String reason) {
    if (settle()) {
      loop.nack(this, reason);
    }
  }

  @Override
  public void reject(MetricsValidationResult reason) {
    if (settle()) {
      loop.deadLetter(this, "invalid metrics: " + reason.describe());
    }
  }

  @Override
  public String toString() {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }
}
