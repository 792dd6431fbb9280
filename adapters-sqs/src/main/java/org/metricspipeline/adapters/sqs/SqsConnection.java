package org.metricspipeline.adapters.sqs;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Where a queue is and how to reach it: queue URL or name, region, endpoint, credentials and the
 * HTTP client's limits. Shared by {@link SqsIngestionAdapter} and {@link SqsMetricsPublisher}.
 *
 * <pre>{@code
 * SqsConnection connection = SqsConnection.builder()
 *     .queueName("metrics")                 // resolved with GetQueueUrl when the component is built
 *     .region("eu-west-1")                  // else the SDK's default region chain
 *     .build();                             // credentials: the SDK's default chain
 * }</pre>
 *
 * <p>Each component built from a connection creates, owns and closes its own SDK client and Apache
 * HTTP client ({@code software.amazon.awssdk:apache-client}, the fastest measured here; the other
 * SDK HTTP clients are excluded from this module's dependencies so the SDK never picks one at
 * random). Instances are immutable.
 */
public final class SqsConnection {

  /** Default most pooled HTTP connections of one component. */
  public static final int DEFAULT_MAX_CONNECTIONS = 64;
  /** Default longest wait to open a connection. */
  public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);
  /** Default longest wait for data on an open connection; must exceed the receive wait (20 s at most). */
  public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(30);
  /** Region used when an endpoint override is given without a region (test servers ignore it). */
  public static final String DEFAULT_REGION_WITH_ENDPOINT = "us-east-1";

  private final String queueUrl;
  private final String queueName;
  private final String region;
  private final URI endpointOverride;
  private final AwsCredentialsProvider credentials;
  private final int maxConnections;
  private final Duration connectionTimeout;
  private final Duration socketTimeout;

  private SqsConnection(Builder b) {
    this.queueUrl = b.queueUrl;
    this.queueName = b.queueName;
    this.region = b.region;
    this.endpointOverride = b.endpointOverride;
    this.credentials = b.credentials;
    this.maxConnections = b.maxConnections;
    this.connectionTimeout = b.connectionTimeout;
    this.socketTimeout = b.socketTimeout;
  }

  /** A builder; a queue URL or a queue name is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The queue URL, when given. */
  public Optional<String> queueUrl() {
    return Optional.ofNullable(queueUrl);
  }

  /** The queue name to resolve with {@code GetQueueUrl}, when no URL was given. */
  public Optional<String> queueName() {
    return Optional.ofNullable(queueName);
  }

  /** The region; empty means the SDK's default region chain (or us-east-1 with an endpoint override). */
  public Optional<String> region() {
    return Optional.ofNullable(region);
  }

  /** The endpoint to use instead of the region's, for example a local test server. */
  public Optional<URI> endpointOverride() {
    return Optional.ofNullable(endpointOverride);
  }

  /** Explicit credentials; empty means the SDK's default credentials chain. */
  public Optional<AwsCredentialsProvider> credentials() {
    return Optional.ofNullable(credentials);
  }

  /** The most pooled HTTP connections of one component. */
  public int maxConnections() {
    return maxConnections;
  }

  /** The longest wait to open a connection. */
  public Duration connectionTimeout() {
    return connectionTimeout;
  }

  /** The longest wait for data on an open connection. */
  public Duration socketTimeout() {
    return socketTimeout;
  }

  /** The queue (URL or name) and endpoint; never credentials. */
  @Override
  public String toString() {
    return "SqsConnection{queue=" + (queueUrl != null ? queueUrl : queueName)
        + (region != null ? ", region=" + region : "")
        + (endpointOverride != null ? ", endpoint=" + endpointOverride : "") + "}";
  }

  /** Builds an {@link SqsConnection}; setters reject values out of range, naming the option. */
  public static final class Builder {
    private String queueUrl;
    private String queueName;
    private String region;
    private URI endpointOverride;
    private AwsCredentialsProvider credentials;
    private int maxConnections = DEFAULT_MAX_CONNECTIONS;
    private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
    private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;

    private Builder() {}

    /** The queue's URL (then no name lookup happens). */
    public Builder queueUrl(String queueUrl) {
      this.queueUrl = nonBlank("queueUrl", queueUrl);
      return this;
    }

    /** The queue's name, resolved to a URL with {@code GetQueueUrl} when a component is built. */
    public Builder queueName(String queueName) {
      this.queueName = nonBlank("queueName", queueName);
      return this;
    }

    /** The AWS region, for example {@code eu-west-1} [the SDK's default region chain]. */
    public Builder region(String region) {
      this.region = nonBlank("region", region);
      return this;
    }

    /** An endpoint to use instead of the region's, for example {@code http://127.0.0.1:9324}. */
    public Builder endpointOverride(URI endpointOverride) {
      Objects.requireNonNull(endpointOverride, "endpointOverride");
      if (endpointOverride.getScheme() == null || endpointOverride.getHost() == null) {
        throw new IllegalArgumentException(
            "endpointOverride must be an absolute URI such as http://host:port, got " + endpointOverride);
      }
      this.endpointOverride = endpointOverride;
      return this;
    }

    /** Credentials to use instead of the SDK's default chain. */
    public Builder credentials(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /** Fixed credentials (an access key id and its secret) instead of the SDK's default chain. */
    public Builder staticCredentials(String accessKeyId, String secretAccessKey) {
      this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(
          nonBlank("accessKeyId", accessKeyId), nonBlank("secretAccessKey", secretAccessKey)));
      return this;
    }

    /** The most pooled HTTP connections of one component: 2 to 1000 [{@value SqsConnection#DEFAULT_MAX_CONNECTIONS}]. */
    public Builder maxConnections(int maxConnections) {
      if (maxConnections < 2 || maxConnections > 1000) {
        throw new IllegalArgumentException("maxConnections must be between 2 and 1000, got " + maxConnections);
      }
      this.maxConnections = maxConnections;
      return this;
    }

    /** The longest wait to open a connection: 1 ms to 5 min [2 s]. */
    public Builder connectionTimeout(Duration connectionTimeout) {
      this.connectionTimeout = between("connectionTimeout", connectionTimeout, Duration.ofMillis(1),
          Duration.ofMinutes(5));
      return this;
    }

    /** The longest wait for data on an open connection: 21 s to 10 min (above the longest receive wait) [30 s]. */
    public Builder socketTimeout(Duration socketTimeout) {
      this.socketTimeout = between("socketTimeout", socketTimeout, Duration.ofSeconds(21),
          Duration.ofMinutes(10));
      return this;
    }

    /** The connection; fails unless exactly one of queue URL and queue name was given. */
    public SqsConnection build() {
      if ((queueUrl == null) == (queueName == null)) {
        throw new IllegalStateException("exactly one of queueUrl and queueName is required, got "
            + (queueUrl == null ? "neither" : "both"));
      }
      return new SqsConnection(this);
    }

    private static String nonBlank(String option, String value) {
      Objects.requireNonNull(value, option);
      if (value.isBlank()) {
        throw new IllegalArgumentException(option + " must not be blank");
      }
      return value;
    }

    private static Duration between(String option, Duration value, Duration min, Duration max) {
      Objects.requireNonNull(value, option);
      if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
        throw new IllegalArgumentException(option + " must be between " + min + " and " + max + ", got " + value);
      }
      return value;
    }
  }
}
