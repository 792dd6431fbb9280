package org.metricspipeline.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.guard.GuardConfig;
import org.junit.jupiter.api.Test;

class PipelineRuntimeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient client = HttpClient.newHttpClient();

  static HttpConfig http(int port) {
    return new HttpConfig(true, "127.0.0.1", port, List.of(), false, Map.of(), Map.of());
  }

  static PipelineConfig pipeline(String name, List<ProviderConfig> channels, ProviderConfig storage) {
    return new PipelineConfig(name, channels, storage, BatchConfig.defaults(), Optional.empty(), Optional.empty());
  }

  static RuntimeConfig config(List<PipelineConfig> pipelines, Optional<GuardConfig> guard, HttpConfig http) {
    return new RuntimeConfig(pipelines, Map.of(), Optional.empty(), Optional.empty(), guard, http,
        new SecretsConfig(SecretsConfig.ENV, Map.of()), List.of());
  }

  private HttpResponse<String> get(URI base, String path) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void httpMemoryAndGuardStartServeStatusStoreWhatIsPostedAndStop() throws Exception {
    RuntimeConfig config = config(List.of(pipeline("main", List.of(new ProviderConfig("http", Map.of())),
            new ProviderConfig("memory", Map.of())),
        pipeline("side", List.of(new ProviderConfig("memory", Map.of("capacity", "100"))),
            new ProviderConfig("memory", Map.of()))),
        Optional.of(GuardConfig.defaults()), http(0));
    PipelineRuntime runtime = PipelineRuntime.builder(config).build();
    assertThat(runtime.startOrder()).containsExactly("storage.main", "storage.side", "pipeline.main", "pipeline.side",
        "channel.side.memory", "http", "guard", "collector");
    try (runtime) {
      runtime.start();
      URI base = runtime.httpUri().orElseThrow();
      HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics/ingest"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"metric_name\":\"room_temperature\",\"value\":21.5,"
              + "\"labels\":{\"room\":\"lab\"}}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).as(posted.body()).isBetween(200, 202);
      HttpResponse<String> raw = get(base, "/query/raw?metric_name=room_temperature");
      assertThat(raw.body()).contains("21.5");
      JsonNode status = JSON.readTree(get(base, Orchestrator.STATUS_PATH).body());
      assertThat(status.path("state").asText()).isEqualTo("running");
      assertThat(status.path("parts")).hasSize(8);
      for (JsonNode part : status.path("parts")) {
        assertThat(part.path("state").asText()).as(part.toString()).isEqualTo("running");
      }
      assertThat(status.path("parts").get(5).path("details").path("url").asText()).isEqualTo(base.toString());
      assertThat(get(base, "/api/v1/status").body()).contains("overall_health");
    }
    assertThat(runtime.status().parts()).allMatch(p -> p.state() == PartState.STOPPED);
  }

  @Test
  void aPortAlreadyBoundRollsBackAndNamesTheHttpPart() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      PipelineRuntime runtime = PipelineRuntime.builder(config(List.of(pipeline("main", List.of(),
          new ProviderConfig("memory", Map.of()))), Optional.of(GuardConfig.defaults()), http(taken.getLocalPort())))
          .build();
      assertThatThrownBy(runtime::start).isInstanceOf(OrchestratorException.class)
          .hasMessageStartingWith("part 'http' (http_server) failed to start: ConfigurationException: cannot listen on 127.0.0.1:"
              + taken.getLocalPort())
          .hasMessageEndingWith("stopped 2 started part(s) [pipeline.main, storage.main]");
      assertThat(runtime.status().part("guard").orElseThrow().state()).isEqualTo(PartState.STOPPED);
    }
  }

  @Test
  void anUnknownProviderFailsItsPartWithTheKnownNames() {
    PipelineRuntime runtime = PipelineRuntime.builder(config(List.of(pipeline("main", List.of(),
        new ProviderConfig("clickhous", Map.of()))), Optional.empty(), http(0))).build();
    assertThatThrownBy(runtime::start).isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("part 'storage.main' (storage) failed to start: ConfigurationException: "
            + "unknown storage provider 'clickhous'; known: ");
  }

  @Test
  void jwtSettingsProtectTheServer() throws Exception {
    HttpConfig jwt = new HttpConfig(true, "127.0.0.1", 0, List.of(), false, Map.of(),
        Map.of("hmac_secret", "0123456789abcdef0123456789abcdef", "issuer", "metrics-it"));
    try (PipelineRuntime runtime = PipelineRuntime.builder(config(List.of(pipeline("a", List.of(),
        new ProviderConfig("memory", Map.of()))), Optional.empty(), jwt)).build().start()) {
      URI base = runtime.httpUri().orElseThrow();
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/query/raw?metric_name=x")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      assertThat(client.send(HttpRequest.newBuilder(URI.create(base + "/query/raw?metric_name=x"))
          .header("Authorization", "Bearer not.a.jwt").build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(401);
      assertThat(get(base, "/health/live").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void configsTheRuntimeCannotWireFailAtBuildNamingTheField() {
    List<ProviderConfig> http = List.of(new ProviderConfig("http", Map.of()));
    assertThatThrownBy(() -> PipelineRuntime.builder(config(List.of(
        pipeline("a", http, new ProviderConfig("memory", Map.of())),
        pipeline("b", http, new ProviderConfig("memory", Map.of()))), Optional.empty(), http(0))).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessage("pipelines: only one pipeline may have an http channel (there is one HTTP server); declared by [a, b]");
    assertThatThrownBy(() -> PipelineRuntime.builder(config(List.of(pipeline("a",
        List.of(new ProviderConfig("http", Map.of("port", "9000"))), new ProviderConfig("memory", Map.of()))),
        Optional.empty(), http(0))).build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("unknown setting(s) [port] for the http channel of pipelines.a");
    HttpConfig badJwt = new HttpConfig(true, "127.0.0.1", 0, List.of(), false, Map.of(), Map.of("isuer", "me"));
    PipelineRuntime withBadJwt = PipelineRuntime.builder(config(List.of(pipeline("a", List.of(),
        new ProviderConfig("memory", Map.of()))), Optional.empty(), badJwt)).build();
    assertThatThrownBy(withBadJwt::start).isInstanceOf(OrchestratorException.class)
        .hasMessageContaining("part 'http'").hasMessageContaining("unknown setting 'http.auth.jwt.isuer'");
  }
}
