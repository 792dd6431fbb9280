package org.metricspipeline.adapters.http.internal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.metricspipeline.api.Metric;
import org.metricspipeline.api.MetricsBatchResult;
import org.metricspipeline.api.MetricsData;
import org.metricspipeline.api.MetricsValidator;
import org.metricspipeline.core.http.EndpointKind;
import org.metricspipeline.core.http.EndpointRequest;
import org.metricspipeline.core.http.EndpointResponse;
import org.metricspipeline.core.http.ErrorBody;
import org.metricspipeline.core.http.HttpEndpoint;

/**
 * {@code POST /api/v1/write}: Prometheus remote write 1.0, a snappy-compressed (block format)
 * protobuf {@code prometheus.WriteRequest}. The server's handler has already decompressed the body,
 * bounded by the body limit ({@link Snappy}); this endpoint requires that it was snappy, reads the
 * message with protobuf's {@link CodedInputStream} (the proto is small: time series of labels and
 * samples), and turns each sample into one item of metric type {@value #METRIC_TYPE} (source
 * {@value #SOURCE}) named by the series' {@code __name__}, tagged with its other labels (an empty
 * label value is no label, as in Prometheus), at the sample's millisecond timestamp.
 *
 * <p>Staleness markers (the NaN with bits {@code 0x7ff0000000000002} that Prometheus writes when a
 * series disappears) are not samples and are skipped. Exemplars and metadata are ignored; native
 * histograms are not supported and are reported. Success answers 204; samples that are invalid
 * (other NaNs and infinities, names or labels the validator refuses, a series without
 * {@code __name__}) are named in a 400, which Prometheus does not retry, while the valid ones are
 * written. Remote write 2.0 ({@code proto=io.prometheus.write.v2.Request}) answers 415.
 */
public final class RemoteWriteEndpoint {

  /** The path Prometheus' {@code remote_write} posts to. */
  public static final String PATH = "/api/v1/write";
  /** The metric type of every item. */
  public static final String METRIC_TYPE = "prometheus";
  /** The source of every item. */
  public static final String SOURCE = "prometheus";
  /** The bits of Prometheus' staleness marker, a NaN. */
  public static final long STALE_NAN_BITS = 0x7ff0000000000002L;
  /** The label holding the metric name. */
  public static final String NAME_LABEL = "__name__";

  private final Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink;
  private final MetricsValidator validator;
  private final Clock clock;
  private final int maxItems;

  /** Valid samples go to {@code sink}; a request of more than {@code maxItems} samples answers 413. */
  public RemoteWriteEndpoint(Function<List<MetricsData>, CompletableFuture<MetricsBatchResult>> sink,
      MetricsValidator validator, Clock clock, int maxItems) {
    this.sink = sink;
    this.validator = validator;
    this.clock = clock;
    this.maxItems = maxItems;
  }

  /** The endpoint to mount. */
  public HttpEndpoint endpoint() {
    return HttpEndpoint.of("POST", PATH, EndpointKind.INGESTION, this::handle);
  }

  /** Answers one write request. */
  public CompletableFuture<EndpointResponse> handle(EndpointRequest r) {
    String encoding = r.header("Content-Encoding").orElse("").trim().toLowerCase(Locale.ROOT);
    if (!encoding.equals("snappy")) {
      return unsupported("Content-Encoding must be snappy (Prometheus remote write 1.0), got '" + encoding + "'",
          "content_encoding", encoding);
    }
    String type = r.header("Content-Type").orElse("application/x-protobuf").toLowerCase(Locale.ROOT);
    String media = type.split(";")[0].trim();
    if (!media.equals("application/x-protobuf") || type.contains("io.prometheus.write.v2")) {
      return unsupported("Content-Type must be application/x-protobuf with a prometheus.WriteRequest (remote write"
          + " 1.0), got '" + type + "'", "content_type", type);
    }
    String version = r.header("X-Prometheus-Remote-Write-Version").orElse("0.1.0").trim();
    if (!version.startsWith("0.") && !version.startsWith("1.")) {
      return unsupported("X-Prometheus-Remote-Write-Version " + version + " is not supported; send 0.1.0",
          "remote_write_version", version);
    }
    PartialWrite write = new PartialWrite(validator, clock, "samples");
    int[] samples = {0};
    try {
      decode(r.body(), write, samples);
    } catch (IOException e) {
      return CompletableFuture.completedFuture(ErrorBody.invalidField("",
          "the body is not a Prometheus remote write WriteRequest: " + e.getMessage(), clock));
    } catch (TooManySamples e) {
      return CompletableFuture.completedFuture(
          org.metricspipeline.core.http.MetricsEndpoints.tooManyItems(e.count, maxItems, clock));
    }
    if (samples[0] == 0 && !write.hasErrors()) {
      // metadata only, or only staleness markers: nothing to store, nothing wrong
      return CompletableFuture.completedFuture(new EndpointResponse(204, Map.of(), new byte[0]));
    }
    return write.send(sink, maxItems);
  }

  private CompletableFuture<EndpointResponse> unsupported(String message, String key, String value) {
    return CompletableFuture.completedFuture(ErrorBody.response(415, ErrorBody.UNSUPPORTED_MEDIA_TYPE, message,
        Map.of(key, value), clock));
  }

  /** More samples than the buffer could ever take: stop decoding, answer 413. */
  private static final class TooManySamples extends Exception {
    private static final long serialVersionUID = 1L;
    final long count;

    TooManySamples(long count) {
      super(null, null, false, false);
      this.count = count;
    }
  }

  /** Decodes every series into {@code write}; counts samples that were neither stored nor stale in {@code counted}. */
  private void decode(byte[] body, PartialWrite write, int[] counted) throws IOException, TooManySamples {
    CodedInputStream in = CodedInputStream.newInstance(body);
    int series = 0;
    long total = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      if (WireFormat.getTagFieldNumber(tag) == 1) {
        requireLengthDelimited(tag, "timeseries");
        int limit = in.pushLimit(in.readRawVarint32());
        total += readSeries(in, series++, write, counted);
        if (total > maxItems) {
          throw new TooManySamples(total);
        }
        in.popLimit(limit);
      } else {
        in.skipField(tag); // metadata (3) and anything newer
      }
    }
  }

  private static void requireLengthDelimited(int tag, String field) throws InvalidProtocolBufferException {
    if (WireFormat.getTagWireType(tag) != WireFormat.WIRETYPE_LENGTH_DELIMITED) {
      throw new InvalidProtocolBufferException(field + " has wire type " + WireFormat.getTagWireType(tag)
          + ", expected length-delimited");
    }
  }

  /** Reads one TimeSeries; returns how many samples it carried (stale ones included). */
  private long readSeries(CodedInputStream in, int index, PartialWrite write, int[] counted) throws IOException {
    String name = null;
    Map<String, String> labels = new LinkedHashMap<>();
    List<long[]> samples = new ArrayList<>(); // {value bits, timestamp}: the labels may come after them
    int histograms = 0;
    int tag;
    while ((tag = in.readTag()) != 0) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          requireLengthDelimited(tag, "timeseries[" + index + "].labels");
          int limit = in.pushLimit(in.readRawVarint32());
          String labelName = "";
          String labelValue = "";
          int t;
          while ((t = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> labelName = readString(in, t, "label name");
              case 2 -> labelValue = readString(in, t, "label value");
              default -> in.skipField(t);
            }
          }
          in.popLimit(limit);
          if (labelName.equals(NAME_LABEL)) {
            name = labelValue;
          } else if (!labelValue.isEmpty()) {
            labels.put(labelName, labelValue);
          }
        }
        case 2 -> {
          requireLengthDelimited(tag, "timeseries[" + index + "].samples");
          int limit = in.pushLimit(in.readRawVarint32());
          double value = 0;
          long timestamp = 0;
          int t;
          while ((t = in.readTag()) != 0) {
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> {
                if (WireFormat.getTagWireType(t) != WireFormat.WIRETYPE_FIXED64) {
                  throw new InvalidProtocolBufferException("a sample value must be a double (fixed64)");
                }
                value = in.readDouble();
              }
              case 2 -> {
                if (WireFormat.getTagWireType(t) != WireFormat.WIRETYPE_VARINT) {
                  throw new InvalidProtocolBufferException("a sample timestamp must be an int64 (varint)");
                }
                timestamp = in.readInt64();
              }
              default -> in.skipField(t);
            }
          }
          in.popLimit(limit);
          samples.add(new long[] {Double.doubleToRawLongBits(value), timestamp});
        }
        case 4 -> {
          histograms++;
          in.skipField(tag);
        }
        default -> in.skipField(tag); // exemplars (3)
      }
    }
    String at = "timeseries[" + index + "]";
    if (histograms > 0) {
      write.reject(at + ".histograms", "native histograms are not supported; " + histograms + " dropped", histograms);
    }
    if (samples.isEmpty()) {
      return histograms;
    }
    if (name == null || name.isEmpty()) {
      int live = 0;
      for (long[] v : samples) {
        live += v[0] == STALE_NAN_BITS ? 0 : 1;
      }
      if (live > 0) {
        counted[0] += live;
        write.reject(at + ".labels." + NAME_LABEL, "the series has no metric name (label __name__) "
            + labels, live);
      }
      return samples.size() + histograms;
    }
    Map<String, String> tags = Map.copyOf(labels);
    for (int j = 0; j < samples.size(); j++) {
      long bits = samples.get(j)[0];
      if (bits == STALE_NAN_BITS) {
        continue; // a staleness marker: the series ended, no sample to store
      }
      counted[0]++;
      MetricsData item = new MetricsData(Instant.ofEpochMilli(samples.get(j)[1]), METRIC_TYPE,
          List.of(new Metric(name, Double.longBitsToDouble(bits), "", tags)), SOURCE, Map.of());
      String sample = at + ".samples[" + j + "]";
      write.offer(item, 1, field -> pathOf(at, sample, field));
    }
    return samples.size() + histograms;
  }

  private static String readString(CodedInputStream in, int tag, String what) throws IOException {
    requireLengthDelimited(tag, what);
    return in.readStringRequireUtf8();
  }

  /** A validator path as the request's: the name and tags are the series', the value and time the sample's. */
  private static String pathOf(String series, String sample, String field) {
    if (field.endsWith(".name")) {
      return series + ".labels." + NAME_LABEL;
    }
    int tags = field.indexOf(".tags");
    if (tags >= 0) {
      return series + ".labels" + field.substring(tags + ".tags".length());
    }
    if (field.endsWith(".value")) {
      return sample + ".value";
    }
    if (field.equals("timestamp")) {
      return sample + ".timestamp";
    }
    return field.isEmpty() ? sample : sample + "." + field;
  }
}
