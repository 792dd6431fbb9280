package org.metricspipeline.adapters.http.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;

class InfluxWriteEndpointTest {

  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-12-03T12:05:00Z"), ZoneOffset.UTC);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<MetricsData> sunk = new ArrayList<>();
  private final InfluxWriteEndpoint endpoint = new InfluxWriteEndpoint(items -> {
    sunk.addAll(items);
    return CompletableFuture.completedFuture(MetricsBatchResult.allSucceeded(items.size()));
  }, MetricsValidator.builder().clock(CLOCK).build(), CLOCK, 100);

  private EndpointResponse write(String query, String body) {
    return post(false, query, body, "text/plain; charset=utf-8");
  }

  private EndpointResponse post(boolean v2, String query, String body, String contentType) {
    return post(v2, query, body.getBytes(StandardCharsets.UTF_8), contentType);
  }

  private EndpointResponse post(boolean v2, String query, byte[] body, String contentType) {
    Map<String, List<String>> params = new java.util.LinkedHashMap<>();
    for (String kv : query.isEmpty() ? new String[0] : query.split("&")) {
      String[] p = kv.split("=", 2);
      params.put(p[0], List.of(p[1]));
    }
    return endpoint.handle(new EndpointRequest("POST", v2 ? InfluxWriteEndpoint.V2_PATH : InfluxWriteEndpoint.V1_PATH,
        Map.of(), params, Map.of("Content-Type", contentType), body, ""), v2).join();
  }

  private Metric only(String name) {
    return sunk.stream().flatMap(d -> d.metrics().stream()).filter(m -> m.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(name + " not stored in " + sunk));
  }

  private static JsonNode error(EndpointResponse r) throws Exception {
    return JSON.readTree(r.body()).path("error");
  }

  @Test
  void measurementAndFieldMakeTheMetricNameAndTagsAreTags() {
    EndpointResponse r = write("", "cpu,host=a,region=eu usage_idle=99.5,usage_user=0.5 1764763200000000000\n");

    assertThat(r.status()).isEqualTo(204);
    assertThat(r.body()).isEmpty();
    assertThat(sunk).singleElement().satisfies(d -> {
      assertThat(d.timestamp()).isEqualTo(Instant.parse("2025-12-03T12:00:00Z"));
      assertThat(d.metricType()).isEqualTo("influx");
      assertThat(d.metrics()).extracting(Metric::name).containsExactly("cpu_usage_idle", "cpu_usage_user");
      assertThat(d.metrics().get(0).tags()).isEqualTo(Map.of("host", "a", "region", "eu"));
    });
  }

  @Test
  void anEmptyMeasurementNamesTheMetricByTheFieldKeyAlone() {
    assertThat(write("", ",host=a temperature=21 1764763200000000000").status()).isEqualTo(204);
    assertThat(only("temperature").tags()).isEqualTo(Map.of("host", "a"));
  }

  @Test
  void integerUnsignedAndBooleanFieldsAreNumbers() {
    write("", "m i=-42i,u=18446744073709551615u,t=t,f=FALSE,x=1.5e3 1764763200000000000");

    assertThat(only("m_i").value()).isEqualTo(-42);
    assertThat(only("m_u").value()).isEqualTo(1.8446744073709552E19);
    assertThat(only("m_t").value()).isEqualTo(1);
    assertThat(only("m_f").value()).isEqualTo(0);
    assertThat(only("m_x").value()).isEqualTo(1500);
  }

  @Test
  void numericStringsAreStoredAndOtherStringsSkipped() {
    assertThat(write("", "m s=\"12.5\",note=\"a, b=c \\\"quoted\\\"\",v=1 1764763200000000000").status()).isEqualTo(204);
    assertThat(only("m_s").value()).isEqualTo(12.5);
    assertThat(sunk.get(0).metrics()).extracting(Metric::name).containsExactly("m_s", "m_v");
  }

  @Test
  void escapesInMeasurementTagsAndFieldKeysAreUnescaped() {
    assertThat(write("", "my\\,m,k\\ 1=v\\=1\\,x,k2=a\\\\b f\\=x=1 1764763200000000000").status()).isEqualTo(400);
    // the name "my,m_f=x" is not a valid metric name: the validator names the line and the field
    sunk.clear();
    assertThat(write("", "cpu,k\\ 1=v\\ 1\\,x,k2=a\\b usage=1 1764763200000000000").status()).isEqualTo(400);
    sunk.clear();
    assertThat(write("", "cpu,k=v\\ 1\\,x\\=y,k2=a\\b\\\\c usage=1 1764763200000000000").status()).isEqualTo(204);
    assertThat(only("cpu_usage").tags()).isEqualTo(Map.of("k", "v 1,x=y", "k2", "a\\b\\c"));
  }

  @Test
  void precisionScalesTheTimestamp() {
    write("precision=s", "m v=1 1764763200");
    write("precision=ms", "n v=1 1764763200123");
    write("precision=u", "o v=1 1764763200123456");
    write("precision=h", "p v=1 490212");

    assertThat(sunk).extracting(MetricsData::timestamp).containsExactly(Instant.parse("2025-12-03T12:00:00Z"),
        Instant.parse("2025-12-03T12:00:00.123Z"), Instant.parse("2025-12-03T12:00:00.123456Z"),
        Instant.parse("2025-12-03T12:00:00Z"));
  }

  @Test
  void v2TakesItsOwnPrecisionsAndTheBucketAsTheDbTag() {
    assertThat(post(true, "bucket=b1&org=o&precision=us", "m v=1 1764763200000000", "text/plain").status())
        .isEqualTo(204);
    assertThat(only("m_v").tags()).isEqualTo(Map.of("db", "b1"));
    EndpointResponse r = post(true, "precision=u", "m v=1", "text/plain");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).contains("precision");
  }

  @Test
  void theV1DbParameterIsATagUnlessTheLineHasOne() {
    write("db=telegraf", "a v=1 1764763200000000000\nb,db=own v=1 1764763200000000000");
    assertThat(only("a_v").tags()).isEqualTo(Map.of("db", "telegraf"));
    assertThat(only("b_v").tags()).isEqualTo(Map.of("db", "own"));
  }

  @Test
  void aRepeatedFieldKeyKeepsItsLastValue() {
    write("", "m a=1,b=2,a=3 1764763200000000000\nn " + "x=1,".repeat(20_000) + "y=2,x=4");
    assertThat(sunk.get(0).metrics()).extracting(Metric::name, Metric::value)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("m_b", 2.0), org.assertj.core.groups.Tuple.tuple("m_a", 3.0));
    assertThat(sunk.get(1).metrics()).extracting(Metric::name).containsExactly("n_y", "n_x");
  }

  @Test
  void aLineWithoutTimestampGetsTheArrivalTime() {
    write("", "m v=1");
    assertThat(sunk.get(0).timestamp()).isEqualTo(CLOCK.instant());
  }

  @Test
  void commentsBlankLinesAndCarriageReturnsAreSkipped() {
    assertThat(write("", "# comment\n\n   \r\nm v=1 1764763200000000000\r\n\nn v=2 1764763200000000000").status())
        .isEqualTo(204);
    assertThat(sunk).hasSize(2);
  }

  @Test
  void badLinesAreNamedByNumberAndTheOthersAreWritten() throws Exception {
    EndpointResponse r = write("", "good v=1 1764763200000000000\nbad v=abc\ngood2 v=2 1764763200000000000\n"
        + "worse,t=\"x\" s=\"unterminated\n");

    assertThat(r.status()).isEqualTo(400);
    JsonNode e = error(r);
    assertThat(e.path("type").asText()).isEqualTo("ValidationError");
    assertThat(e.path("message").asText()).startsWith("partial write: 2 lines written, 2 rejected");
    assertThat(e.path("details").path("errors").get(0).path("field").asText()).isEqualTo("line 2 field v");
    assertThat(e.path("details").path("errors").get(1).path("field").asText()).isEqualTo("line 4 field s");
    assertThat(e.path("details").path("errors").get(1).path("message").asText()).contains("quote");
    assertThat(sunk).hasSize(2);
  }

  @Test
  void nanInfAndOutOfRangeNumbersAreRejected() throws Exception {
    for (String v : List.of("NaN", "Inf", "-Inf", "1e400", "9223372036854775808i", "-1u", "0x10", "+1", "1.5i")) {
      EndpointResponse r = write("", "m v=" + v + " 1764763200000000000");
      assertThat(r.status()).as(v).isEqualTo(400);
      assertThat(error(r).path("details").path("errors").get(0).path("field").asText()).as(v)
          .isEqualTo("line 1 field v");
    }
    assertThat(sunk).isEmpty();
  }

  @Test
  void framingErrorsNameTheLine() throws Exception {
    for (String line : List.of("m", "m ", "m,t=1", "m,t= v=1", "m,=x v=1", "m,t v=1", "m v=", "m v=1,", "m =1",
        "m v=1 123 456", "m v=1 12a", "m v=1 99999999999999999999", "m v\\", "m,t=a=b v=1")) {
      EndpointResponse r = write("", line);
      assertThat(r.status()).as(line).isEqualTo(400);
      assertThat(error(r).path("details").path("errors").get(0).path("field").asText()).as(line)
          .startsWith("line 1");
    }
    assertThat(sunk).isEmpty();
  }

  @Test
  void invalidUtf8IsRejected() {
    byte[] body = {'m', ',', 't', '=', (byte) 0xC3, 0x28, ' ', 'v', '=', '1'};
    EndpointResponse r = post(false, "", body, "text/plain");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.bodyText()).contains("line 1 tag t").contains("UTF-8");
  }

  @Test
  void moreLinesThanTheBufferHoldsAnswer413() {
    EndpointResponse r = write("", "m v=1\n".repeat(101));
    assertThat(r.status()).isEqualTo(413);
    assertThat(sunk).isEmpty();
  }

  @Test
  void otherContentTypesAndPrecisionsAreRefused() {
    assertThat(post(false, "", "m v=1", "application/json").status()).isEqualTo(415);
    assertThat(post(false, "", "m v=1", "text/plain; charset=utf-16").status()).isEqualTo(415);
    assertThat(post(false, "", "m v=1", "application/x-www-form-urlencoded").status()).isEqualTo(204);
    assertThat(write("precision=us", "m v=1").status()).isEqualTo(204);
    assertThat(write("precision=d", "m v=1").status()).isEqualTo(400);
    assertThat(write("", "").status()).isEqualTo(400);
  }
}
