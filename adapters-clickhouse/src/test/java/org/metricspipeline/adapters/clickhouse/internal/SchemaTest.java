package org.metricspipeline.adapters.clickhouse.internal;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SchemaTest {

  @Test
  void rejectsTableNamesLongerThanItsDerivedTablesAllow() {
    assertThatThrownBy(() -> new Schema("metrics", "t".repeat(41))).hasMessageContaining("table must be at most 40");
  }
}
