package org.metricspipeline.adapters.clickhouse;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.BitSet;
import org.junit.jupiter.api.Test;
import org.metricspipeline.adapters.clickhouse.internal.Connection;
import org.metricspipeline.testkit.ChildJvm;

/**
 * kill -9 of a process whose pipeline stores into ClickHouse with {@code ack=stored}: every item it
 * acknowledged before it died is in ClickHouse (0 lost), and nothing is stored twice. The process is
 * a real child JVM ({@link StoringChild}) killed with SIGKILL mid-stream.
 */
class CrashDrillIT {

  @Test
  void killingAPipelineMidStreamLosesNoAcknowledgedItem() throws Exception {
    String url = ClickHouseTestServer.url();
    String database = ClickHouseTestServer.freshDatabase("it_crash");
    int total = 40_000;
    BitSet acknowledged = new BitSet(total);
    try (ChildJvm child = ChildJvm.start(StoringChild.class, url, database, Integer.toString(total), "100")) {
      assertThat(child.awaitLine(l -> l.startsWith("ACK "), Duration.ofSeconds(60)))
          .as("the child acknowledges requests").isTrue();
      assertThat(child.awaitLine(l -> l.startsWith("ACK") && Integer.parseInt(l.split(" ")[1]) >= total / 3,
          Duration.ofSeconds(120))).as("a third acknowledged").isTrue();
      child.kill9();
      for (String line : child.lines()) {
        if (line.startsWith("ACK ")) {
          String[] p = line.split(" ");
          int from = Integer.parseInt(p[1]);
          acknowledged.set(from, from + Integer.parseInt(p[2]));
        }
      }
    }
    BitSet stored = new BitSet(total);
    long[] rowsAndDuplicates = new long[2];
    try (Connection c = new Connection(url, "default", "", false, false, Duration.ofSeconds(5),
        Duration.ofSeconds(30), Duration.ofSeconds(30), 1)) {
      // An INSERT whose body reached the server before the kill may still commit: count afterwards.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.queryLong("SELECT count() FROM system.processes WHERE query_id LIKE 'metrics-insert-%'") > 0
          && System.nanoTime() < deadline) {
        Thread.sleep(100); // a test waiting for the server, not a retry
      }
      // one statement, one snapshot: every stored id with how often it is there
      c.query("SELECT toInt64(value), count() FROM " + database + ".metrics GROUP BY value", r -> {
        stored.set((int) r.int64());
        long n = r.int64();
        rowsAndDuplicates[0] += n;
        rowsAndDuplicates[1] += n - 1;
      });
    }
    long rows = rowsAndDuplicates[0];
    long duplicates = rowsAndDuplicates[1];
    BitSet lost = (BitSet) acknowledged.clone();
    lost.andNot(stored);
    System.out.printf("kill -9 drill (ClickHouse, ack=stored): sent=%d acknowledged=%d stored rows=%d "
        + "distinct=%d acknowledged lost=%d duplicates=%d%n", total, acknowledged.cardinality(), rows,
        stored.cardinality(), lost.cardinality(), duplicates);
    assertThat(acknowledged.cardinality()).as("acknowledged before the kill").isGreaterThanOrEqualTo(total / 4);
    assertThat(lost.cardinality()).as("acknowledged items missing from ClickHouse").isZero();
    assertThat(duplicates).isZero();
  }
}
