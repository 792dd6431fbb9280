package org.metricspipeline.adapters.metabase;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.metricspipeline.api.DashboardSpec;
import org.junit.jupiter.api.Test;

/** Runs logins, a renewed session, failures and a logout with DEBUG logging, and reads the log. */
class SecretsInLogsTest {

  @Test
  void theLogNeverHoldsAPasswordOrSessionToken() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream original = System.err;
    String sessionSeen;
    try (FakeMetabase fake = new FakeMetabase()) {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        MetabaseVisualizationAdapter adapter = MetabaseVisualizationAdapter.builder().url(fake.url())
            .credentials(FakeMetabase.USER, FakeMetabase.PASSWORD).clickHousePassword("ch-Secret-99")
            .retryBackoff(Duration.ZERO).build();
        adapter.connect().join();
        sessionSeen = fake.requests().get(1).getHeader("X-Metabase-Session");
        fake.expireSessions();
        adapter.createDashboard(DashboardSpec.named("d")).join();
        fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(503, "down " + FakeMetabase.PASSWORD));
        fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(503, "down"));
        fake.answerNext("GET /api/dashboard?f=all", FakeMetabase.plain(503, "down"));
        adapter.getDashboards().handle((r, e) -> null).join();
        adapter.close();
      } finally {
        System.setErr(original);
      }
      String log = captured.toString(StandardCharsets.UTF_8);
      assertThat(log).as("the capture works").contains("POST /api/session -> 200")
          .contains("the Metabase session expired, logging in again").contains("retrying");
      assertThat(log).doesNotContain(FakeMetabase.PASSWORD).doesNotContain("ch-Secret-99");
      for (var r : fake.requests()) {
        String token = r.getHeader("X-Metabase-Session");
        if (token != null) {
          assertThat(log).doesNotContain(token);
        }
      }
      assertThat(sessionSeen).isNotBlank();
    }
  }
}
