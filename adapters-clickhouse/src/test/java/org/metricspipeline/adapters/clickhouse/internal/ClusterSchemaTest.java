package org.metricspipeline.adapters.clickhouse.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.query.Resolution;

class ClusterSchemaTest {

  private final Schema replicated = new Schema("db", "metrics",
      Optional.of(new Schema.ClusterLayout("c1", Schema.DEFAULT_SHARDING_KEY, true)));

  @Test
  void rawAndRollupTablesAreShardedByTheSameSeriesKeySoRollupVersionsShareAShard() {
    List<String> ddl = replicated.createStatements();
    assertThat(ddl).filteredOn(s -> s.contains("ENGINE = Distributed")).hasSize(5);
    assertThat(ddl).filteredOn(s -> s.contains("ENGINE = Distributed") && !s.contains("watermarks"))
        .hasSize(4).allSatisfy(s -> assertThat(s).endsWith(", " + Schema.DEFAULT_SHARDING_KEY + ")"));
    assertThat(ddl).allSatisfy(s -> assertThat(s).contains(" ON CLUSTER `c1`"));
  }

  @Test
  void replicatedLocalTablesUseTheShardAndReplicaMacros() {
    assertThat(replicated.createStatements()).anySatisfy(s -> assertThat(s).contains(
        "`db`.`metrics_rollup_1m_local` ON CLUSTER `c1`").contains(
        "ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/metrics_rollup_1m_local', '{replica}', version)"));
    Schema plain = new Schema("db", "metrics", Optional.of(new Schema.ClusterLayout("c1", "rand()", false)));
    assertThat(plain.createStatements()).noneSatisfy(s -> assertThat(s).contains("Replicated"));
  }

  @Test
  void mutationsGoToTheLocalTablesOnTheClusterAndReadSystemTablesOfEveryServer() {
    Queries q = new Queries(replicated);
    q.servers(List.of("10.0.0.1:9000", "10.0.0.2:9000"));
    assertThat(q.deleteWhere("metrics", "insert_id = 1"))
        .isEqualTo("ALTER TABLE `db`.`metrics_local` ON CLUSTER `c1` DELETE WHERE insert_id = 1");
    assertThat(q.deleteRollups(Resolution.ONE_HOUR, org.metricspipeline.api.query.TimeRange.all(), 5))
        .startsWith("ALTER TABLE `db`.`metrics_rollup_1h_local` ON CLUSTER `c1` DELETE WHERE");
    assertThat(q.pendingMutations("metrics")).contains("remote('10.0.0.1:9000,10.0.0.2:9000', system, mutations)")
        .contains("table = 'metrics_local'");
    assertThat(replicated.tableCount()).isEqualTo(12);
  }

  @Test
  void aShardingKeyIsAnExpressionNotArbitrarySql() {
    assertThatThrownBy(() -> new Schema.ClusterLayout("c", "x'; DROP", true)).hasMessageContaining("shardingKey");
    assertThatThrownBy(() -> new Schema.ClusterLayout("c-1", "rand()", true)).hasMessageContaining("cluster");
  }
}
