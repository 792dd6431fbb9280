package org.metricspipeline.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EndpointRequestTest {

  @Test
  void theConstructorCopiesTheBodyAndTakingBodyTakesItOverOnlyForThatRequest() {
    byte[] body = {1, 2, 3};

    EndpointRequest copied = new EndpointRequest("POST", "/x", Map.of(), Map.of(), Map.of(), body, "");
    EndpointRequest taken = EndpointRequest.takingBody("POST", "/x", Map.of(), Map.of(), Map.of(), body, "");
    EndpointRequest copiedAfter = new EndpointRequest("POST", "/x", Map.of(), Map.of(), Map.of(), body, "");
    body[0] = 9;

    assertThat(copied.bodyBytes()).containsExactly(1, 2, 3);
    assertThat(taken.bodyBytes()).isSameAs(body);
    assertThat(copiedAfter.bodyBytes()).containsExactly(1, 2, 3);
    assertThat(taken.body()).containsExactly(9, 2, 3).isNotSameAs(body); // readers still get copies
  }
}
