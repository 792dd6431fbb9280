package org.metricspipeline.adapters.http.internal;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;

/**
 * Errors Jetty answers itself (malformed request line, bad URI, oversized headers) in the same
 * seed 001 JSON body as the endpoints, without stack traces or HTML.
 */
public final class JsonErrorHandler extends ErrorHandler {

  private final Clock clock;

  /** A handler stamping errors with {@code clock}. */
  public JsonErrorHandler(Clock clock) {
    this.clock = clock;
    setShowStacks(false);
    setShowMessageInTitle(false);
  }

  @Override
  protected void generateResponse(Request request, Response response, int code, String message,
      Throwable cause, Callback callback) {
    String type = code >= 500 ? ErrorBody.INTERNAL : "BadRequest";
    String text = code >= 500 ? "internal error" : (message == null || message.isBlank() ? "bad request" : message);
    EndpointResponse r = ErrorBody.response(code, type, text, Map.of(), clock);
    response.getHeaders().put("Content-Type", EndpointResponse.JSON);
    byte[] body = r.body();
    response.getHeaders().put("Content-Length", Integer.toString(body.length));
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
