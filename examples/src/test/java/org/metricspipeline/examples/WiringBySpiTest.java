package org.metricspipeline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the SPI wiring example once and checks what it built and stored. */
class WiringBySpiTest {

  private static WiringBySpi.Result result;
  private static String output;

  @BeforeAll
  static void runExample() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      result = WiringBySpi.run(out);
    }
    output = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void buildsEveryAdapterFromItsProviderName() {
    assertThat(result.storage()).isEqualTo("memory");
    assertThat(result.ingestion()).isEqualTo("memory");
    assertThat(result.visualization()).isEqualTo("memory");
    assertThat(output).startsWith("Providers found: storage [clickhouse, memory], ingestion [http, memory], visualization [memory]");
  }

  @Test
  void storesEveryItemIngestedThroughTheChannel() {
    assertThat(result.ingested()).isEqualTo(WiringBySpi.ITEMS);
    assertThat(result.stored()).isEqualTo(WiringBySpi.ITEMS);
  }

  @Test
  void readsBackTheSumOfWhatWasIngested() {
    double expected = 0;
    for (int i = 0; i < WiringBySpi.ITEMS; i++) {
      expected += 10 + i % 7;
    }
    assertThat(result.jobsDone()).isEqualTo(expected);
    assertThat(result.firstPage()).hasSize(3);
    assertThat(result.firstPage().get(0).metrics().get(0).value()).isEqualTo(10);
  }

  @Test
  void reportsAnUnknownProviderNameWithTheKnownOnes() {
    assertThat(result.unknownNameError())
        .isEqualTo("unknown storage provider 'no-such-store'; known: clickhouse, memory");
  }

  @Test
  void createsADashboardOnTheVisualizationAdapter() {
    assertThat(result.dashboardId()).isNotBlank();
    assertThat(output).contains("Dashboard 'Workers' (" + result.dashboardId() + ")");
  }
}
