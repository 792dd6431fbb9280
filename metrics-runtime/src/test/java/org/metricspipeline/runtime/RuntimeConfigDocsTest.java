package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.spi.AdapterConfig;
import org.metricspipeline.api.spi.AdapterRegistry;
import org.metricspipeline.runtime.internal.ConfigReference;
import org.metricspipeline.runtime.internal.ProviderOptions;
import org.metricspipeline.runtime.internal.ProviderOptions.AdapterKind;

/** docs/runtime-config.md holds the tables generated from the key registry, so they cannot drift. */
class RuntimeConfigDocsTest {

  private static final Path DOC = Path.of("..", "docs", "runtime-config.md");

  @Test
  void theReferenceTablesAreTheGeneratedOnes() throws Exception {
    String doc = Files.readString(DOC);
    int begin = doc.indexOf(ConfigReference.BEGIN);
    int end = doc.indexOf(ConfigReference.END);
    assertThat(begin).as("the generated-part marker in " + DOC).isNotNegative();
    String expected = ConfigReference.markdown();
    String actual = doc.substring(begin + ConfigReference.BEGIN.length() + 1, end);
    if (!actual.equals(expected)) {
      Path out = Path.of("target", "runtime-config.generated.md");
      Files.writeString(out, expected);
      assertThat(actual).as("docs/runtime-config.md is stale: paste " + out.toAbsolutePath()
          + " between the markers").isEqualTo(expected);
    }
  }

  @Test
  void theRegistryKnowsTheKeysOfTheProvidersOnThisClassPath() {
    // memory and http are runtime dependencies; each names its known keys when given an unknown one
    assertKnown(AdapterKind.STORAGE, "memory", () -> AdapterRegistry.storage("memory", probe()));
    assertKnown(AdapterKind.INGESTION, "memory", () -> AdapterRegistry.ingestion("memory", probe()));
    assertKnown(AdapterKind.INGESTION, "http", () -> AdapterRegistry.ingestion("http", probe()));
    assertKnown(AdapterKind.INGESTION, "sqs", () -> AdapterRegistry.ingestion("sqs", probe()));
    assertKnown(AdapterKind.INGESTION, "kafka", () -> AdapterRegistry.ingestion("kafka", probe()));
    assertKnown(AdapterKind.STORAGE, "clickhouse", () -> AdapterRegistry.storage("clickhouse", probe()));
    assertKnown(AdapterKind.STORAGE, "postgres", () -> AdapterRegistry.storage("postgres", probe()));
    assertKnown(AdapterKind.VISUALIZATION, "metabase", () -> AdapterRegistry.visualization("metabase", probe()));
  }

  private static AdapterConfig probe() {
    return AdapterConfig.of(java.util.Map.of("zz-not-a-key", "1"));
  }

  private static void assertKnown(AdapterKind kind, String provider, Runnable create) {
    Set<String> keys = ProviderOptions.keys(kind, provider).orElseThrow();
    try {
      create.run();
      throw new AssertionError(provider + " accepted an unknown key");
    } catch (ConfigurationException e) {
      String known = e.getMessage().substring(e.getMessage().indexOf("known: ") + "known: ".length());
      Set<String> accepted = Set.of(known.split(", "));
      assertThat(keys).as("the keys the " + provider + " " + kind + " provider accepts, no more, no fewer")
          .containsExactlyInAnyOrderElementsOf(accepted);
    }
  }
}
