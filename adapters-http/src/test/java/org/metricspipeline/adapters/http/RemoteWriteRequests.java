package org.metricspipeline.adapters.http;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Builds Prometheus remote write 1.0 bodies for the tests: a {@code prometheus.WriteRequest}
 * written field by field with protobuf's {@link CodedOutputStream}, compressed by snappy-java (the
 * reference implementation the server's own decompressor is checked against).
 */
public final class RemoteWriteRequests {

  /** One series: labels in order (including {@code __name__}) and samples as {value, timestamp ms}. */
  public record Series(List<Map.Entry<String, String>> labels, List<double[]> samples) {}

  private final List<Series> series = new ArrayList<>();

  /** A request; add series with {@link #series}. */
  public static RemoteWriteRequests request() {
    return new RemoteWriteRequests();
  }

  /** Adds a series named {@code name} with {@code labels} and samples given as value, timestamp pairs. */
  public RemoteWriteRequests series(String name, Map<String, String> labels, double... valueTimestampPairs) {
    List<Map.Entry<String, String>> all = new ArrayList<>();
    if (name != null) {
      all.add(Map.entry("__name__", name));
    }
    all.addAll(new java.util.TreeMap<>(labels).entrySet());
    List<double[]> samples = new ArrayList<>();
    for (int i = 0; i < valueTimestampPairs.length; i += 2) {
      samples.add(new double[] {valueTimestampPairs[i], valueTimestampPairs[i + 1]});
    }
    series.add(new Series(all, samples));
    return this;
  }

  /** The protobuf bytes, uncompressed. */
  public byte[] protobuf() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CodedOutputStream w = CodedOutputStream.newInstance(out);
      for (Series s : series) {
        w.writeByteArray(1, seriesBytes(s));
      }
      w.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The body Prometheus would send: the protobuf bytes, snappy-compressed. */
  public byte[] body() {
    return snappy(protobuf());
  }

  /** {@code raw} compressed in snappy's block format. */
  public static byte[] snappy(byte[] raw) {
    try {
      return Snappy.compress(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] seriesBytes(Series s) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CodedOutputStream w = CodedOutputStream.newInstance(out);
    for (Map.Entry<String, String> l : s.labels()) {
      ByteArrayOutputStream label = new ByteArrayOutputStream();
      CodedOutputStream lw = CodedOutputStream.newInstance(label);
      lw.writeString(1, l.getKey());
      lw.writeString(2, l.getValue());
      lw.flush();
      w.writeByteArray(1, label.toByteArray());
    }
    for (double[] sample : s.samples()) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      CodedOutputStream sw = CodedOutputStream.newInstance(bytes);
      sw.writeDouble(1, sample[0]);
      sw.writeInt64(2, (long) sample[1]);
      sw.flush();
      w.writeByteArray(2, bytes.toByteArray());
    }
    w.flush();
    return out.toByteArray();
  }
}
