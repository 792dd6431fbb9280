package org.metricspipeline.adapters.http.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.io.IOException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads OTLP's JSON encoding (the protobuf JSON mapping with OTLP's exceptions) into a protobuf
 * message, driven by the message descriptors: field names in lowerCamelCase or as in the .proto,
 * 64-bit integers as numbers or strings, enums as integers or names, {@code traceId}/{@code spanId}
 * as hex (other bytes as base64), unknown fields ignored.
 */
public final class OtlpJson {

  /**
   * Doubles are read as doubles (correctly rounded by the parser), not through BigDecimal, which has
   * no negative zero: {@code -0.0} must stay {@code -0.0}.
   */
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(JsonParser.Feature.ALLOW_NON_NUMERIC_NUMBERS);

  /** Thrown when the JSON does not fit the message. */
  public static final class BadOtlpJsonException extends Exception {
    private static final long serialVersionUID = 1L;

    BadOtlpJsonException(String message) {
      super(message, null, false, false);
    }
  }

  private OtlpJson() {}

  /** Merges the JSON body into {@code builder}. */
  public static void merge(byte[] json, Message.Builder builder) throws BadOtlpJsonException {
    JsonNode root;
    try (JsonParser p = MAPPER.createParser(json)) {
      root = MAPPER.readTree(p);
      if (root != null && p.nextToken() != null) {
        // two concatenated requests must not be read as the first one
        throw new BadOtlpJsonException("the body must hold one JSON object; found more after its end at line "
            + p.currentTokenLocation().getLineNr() + ", column " + p.currentTokenLocation().getColumnNr());
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new BadOtlpJsonException("the body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new BadOtlpJsonException("the body cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadOtlpJsonException("the body must be a JSON object");
    }
    mergeObject(root, builder, "");
  }

  private static void mergeObject(JsonNode node, Message.Builder builder, String path) throws BadOtlpJsonException {
    Descriptor d = builder.getDescriptorForType();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> e = fields.next();
      FieldDescriptor f = d.findFieldByName(e.getKey());
      if (f == null) {
        for (FieldDescriptor candidate : d.getFields()) {
          if (candidate.getJsonName().equals(e.getKey())) {
            f = candidate;
            break;
          }
        }
      }
      JsonNode value = e.getValue();
      if (f == null || value.isNull()) {
        continue; // OTLP receivers ignore unknown fields
      }
      String fieldPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
      if (f.isRepeated()) {
        if (!value.isArray()) {
          throw new BadOtlpJsonException(fieldPath + ": expected an array");
        }
        for (int i = 0; i < value.size(); i++) {
          builder.addRepeatedField(f, convert(f, value.get(i), builder, fieldPath + "[" + i + "]"));
        }
      } else {
        builder.setField(f, convert(f, value, builder, fieldPath));
      }
    }
  }

  private static Object convert(FieldDescriptor f, JsonNode v, Message.Builder parent, String path)
      throws BadOtlpJsonException {
    try {
      return switch (f.getJavaType()) {
        case MESSAGE -> {
          if (!v.isObject()) {
            throw new BadOtlpJsonException(path + ": expected an object");
          }
          Message.Builder child = parent.newBuilderForField(f);
          mergeObject(v, child, path);
          yield child.build();
        }
        case STRING -> {
          if (!v.isTextual()) {
            throw new BadOtlpJsonException(path + ": expected a string");
          }
          yield v.asText();
        }
        case BOOLEAN -> {
          if (!v.isBoolean()) {
            throw new BadOtlpJsonException(path + ": expected true or false");
          }
          yield v.booleanValue();
        }
        case INT -> (int) integer(v, path, f);
        case LONG -> integer(v, path, f);
        case DOUBLE -> real(v, path);
        case FLOAT -> (float) real(v, path);
        case ENUM -> {
          EnumValueDescriptor ev = v.isNumber() ? f.getEnumType().findValueByNumber(v.intValue())
              : f.getEnumType().findValueByName(v.asText());
          if (ev == null) {
            throw new BadOtlpJsonException(path + ": unknown value " + v);
          }
          yield ev;
        }
        case BYTE_STRING -> {
          if (!v.isTextual()) {
            throw new BadOtlpJsonException(path + ": expected a string");
          }
          String name = f.getName();
          yield ByteString.copyFrom(name.equals("trace_id") || name.equals("span_id")
              ? HexFormat.of().parseHex(v.asText()) : Base64.getDecoder().decode(v.asText()));
        }
      };
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new BadOtlpJsonException(path + ": " + e.getMessage());
    }
  }

  private static long integer(JsonNode v, String path, FieldDescriptor f) throws BadOtlpJsonException {
    java.math.BigInteger n;
    if (v.isIntegralNumber()) {
      n = v.bigIntegerValue();
    } else if (v.isTextual()) {
      n = new java.math.BigInteger(v.asText().trim());
    } else if (v.isNumber() && v.decimalValue().stripTrailingZeros().scale() <= 0) {
      n = v.decimalValue().toBigIntegerExact();
    } else {
      throw new BadOtlpJsonException(path + ": expected an integer");
    }
    boolean unsigned = switch (f.getType()) {
      case UINT32, UINT64, FIXED32, FIXED64 -> true;
      default -> false;
    };
    boolean wide = f.getJavaType() == FieldDescriptor.JavaType.LONG;
    java.math.BigInteger min = unsigned ? java.math.BigInteger.ZERO
        : java.math.BigInteger.valueOf(wide ? Long.MIN_VALUE : Integer.MIN_VALUE);
    java.math.BigInteger max = unsigned
        ? java.math.BigInteger.ONE.shiftLeft(wide ? 64 : 32).subtract(java.math.BigInteger.ONE)
        : java.math.BigInteger.valueOf(wide ? Long.MAX_VALUE : Integer.MAX_VALUE);
    if (n.compareTo(min) < 0 || n.compareTo(max) > 0) {
      throw new BadOtlpJsonException(path + ": " + n + " is out of range");
    }
    return n.longValue();
  }

  private static double real(JsonNode v, String path) throws BadOtlpJsonException {
    if (v.isNumber()) {
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return switch (v.asText()) {
        case "NaN" -> Double.NaN;
        case "Infinity" -> Double.POSITIVE_INFINITY;
        case "-Infinity" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v.asText());
      };
    }
    throw new BadOtlpJsonException(path + ": expected a number");
  }
}
