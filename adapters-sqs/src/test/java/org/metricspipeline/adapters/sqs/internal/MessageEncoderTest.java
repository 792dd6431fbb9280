package org.metricspipeline.adapters.sqs.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.core.MetricsJson;

class MessageEncoderTest {

  private static final Instant T = Instant.parse("2025-01-01T00:00:00Z");

  private static MetricsData item(int metrics, int tagChars) {
    MetricsData.Builder b = MetricsData.builder().timestamp(T).metricType("t").source("s").context("k", "v");
    for (int i = 0; i < metrics; i++) {
      b.metric(Metric.of("m" + i, i, Map.of("tag", "é".repeat(tagChars))));
    }
    return b.build();
  }

  @Test
  void keepsAnItemThatFitsInOneBody() {
    MetricsData item = item(3, 5);

    MessageEncoder.Encoded encoded = MessageEncoder.encode(item, 1024);

    assertThat(encoded.bodies()).singleElement()
        .satisfies(body -> assertThat(MetricsJson.decode(body)).isEqualTo(item));
  }

  @Test
  void splitsByMetricsIntoBodiesWithinTheLimitCountedInUtf8Bytes() {
    MetricsData item = item(300, 20);

    MessageEncoder.Encoded encoded = MessageEncoder.encode(item, 4096);

    assertThat(encoded.ok()).isTrue();
    assertThat(encoded.bodies()).hasSizeGreaterThan(1);
    List<Metric> all = new ArrayList<>();
    for (String body : encoded.bodies()) {
      assertThat(body.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
      MetricsData part = MetricsJson.decode(body);
      assertThat(part.timestamp()).isEqualTo(item.timestamp());
      assertThat(part.context()).isEqualTo(item.context());
      assertThat(part.source()).isEqualTo(item.source());
      all.addAll(part.metrics());
    }
    assertThat(all).containsExactlyElementsOf(item.metrics());
  }

  @Test
  void packsPartsCloseToTheLimitRatherThanHalving() {
    MetricsData item = item(1000, 0);
    int whole = MetricsJson.encode(item).length;

    MessageEncoder.Encoded encoded = MessageEncoder.encode(item, 4096);

    assertThat(encoded.bodies()).hasSizeLessThanOrEqualTo(whole / 4096 + 2);
  }

  @Test
  void refusesAnItemWhoseSingleMetricIsTooLargeNamingIt() {
    MetricsData item = MetricsData.builder().timestamp(T).metricType("t")
        .metric(Metric.of("small", 1)).metric(Metric.of("big", 1, Map.of("blob", "x".repeat(5000)))).build();

    MessageEncoder.Encoded encoded = MessageEncoder.encode(item, 2048);

    assertThat(encoded.ok()).isFalse();
    assertThat(encoded.error().field()).isEqualTo("metrics[1]");
    assertThat(encoded.error().message()).contains("maxMessageBytes 2048");
  }
}
