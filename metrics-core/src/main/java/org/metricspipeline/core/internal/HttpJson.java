package org.metricspipeline.core.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** JSON trees for the HTTP endpoints: one shared mapper over the codec's factory. */
public final class HttpJson {

  /** The shared mapper; thread-safe once configured. */
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonSupport.FACTORY);

  private HttpJson() {}

  /** Writes a value (maps, lists, strings, numbers, booleans, nulls) as UTF-8 JSON. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e);
    }
  }

  /**
   * Reads exactly one JSON document: anything but whitespace after it (a second object, a comma)
   * fails, so two concatenated documents are never read as their first. The exception's message is
   * a one-line description with line and column.
   */
  public static JsonNode read(byte[] body) throws BadJsonException {
    try (JsonParser p = MAPPER.createParser(body)) {
      JsonNode node = MAPPER.readTree(p);
      if (node == null || node.isMissingNode()) {
        throw new BadJsonException("the body is empty; a JSON document is required");
      }
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        JsonLocation at = p.currentTokenLocation();
        throw new BadJsonException("malformed JSON at line " + at.getLineNr() + ", column " + at.getColumnNr()
            + ": unexpected " + MetricsJsonReader.describe(trailing) + " after the end of the document; send one JSON document");
      }
      return node;
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
      throw new BadJsonException("malformed JSON" + where + ": " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadJsonException("could not read the body: " + e.getMessage());
    }
  }

  /** Malformed JSON, with a one-line message fit for a client. */
  public static final class BadJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    /** An exception with a message for the client. */
    public BadJsonException(String message) {
      super(message, null, false, false);
    }
  }
}
