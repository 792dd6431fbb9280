package org.metricspipeline.adapters.sqs.internal;

import java.util.Optional;
import org.metricspipeline.adapters.sqs.SqsConnection;
import org.metricspipeline.api.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * One component's SDK client with the HTTP client and credentials provider it owns; closing it
 * closes all three (the SDK does not close an HTTP client it was handed).
 */
public final class SqsClients implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SqsClients.class);

  private final SqsClient client;
  private final SdkHttpClient httpClient;
  private final AutoCloseable ownedCredentials; // null when the user gave credentials
  private final String queueUrl;

  private SqsClients(SqsClient client, SdkHttpClient httpClient, AutoCloseable ownedCredentials, String queueUrl) {
    this.client = client;
    this.httpClient = httpClient;
    this.ownedCredentials = ownedCredentials;
    this.queueUrl = queueUrl;
  }

  /**
   * Opens a client for {@code connection} with at least {@code connectionsNeeded} pooled
   * connections, and resolves the queue URL.
   *
   * @throws ConfigurationException when the pool is too small or the queue cannot be resolved
   */
  public static SqsClients open(SqsConnection connection, int connectionsNeeded, String component) {
    if (connection.maxConnections() < connectionsNeeded) {
      throw new ConfigurationException("maxConnections " + connection.maxConnections() + " is too small for the "
          + component + ": it needs at least " + connectionsNeeded
          + " (one per receiver, settler and sender thread, plus 2)");
    }
    SdkHttpClient http = ApacheHttpClient.builder()
        .maxConnections(connection.maxConnections())
        .connectionTimeout(connection.connectionTimeout())
        .socketTimeout(connection.socketTimeout())
        .build();
    AwsCredentialsProvider credentials;
    AutoCloseable owned = null;
    if (connection.credentials().isPresent()) {
      credentials = connection.credentials().get();
    } else {
      DefaultCredentialsProvider chain = DefaultCredentialsProvider.builder().build();
      credentials = chain;
      owned = chain;
    }
    SqsClientBuilder builder = SqsClient.builder().httpClient(http).credentialsProvider(credentials);
    Optional<String> region = connection.region();
    if (region.isPresent()) {
      builder.region(Region.of(region.get()));
    } else if (connection.endpointOverride().isPresent()) {
      builder.region(Region.of(SqsConnection.DEFAULT_REGION_WITH_ENDPOINT));
    }
    connection.endpointOverride().ifPresent(builder::endpointOverride);
    SqsClient client;
    try {
      client = builder.build();
    } catch (RuntimeException e) {
      closeQuietly(http);
      closeQuietly(owned);
      throw new ConfigurationException("could not create the SQS client for " + connection + ": " + e.getMessage(), e);
    }
    try {
      String url = connection.queueUrl().isPresent() ? connection.queueUrl().get()
          : resolve(client, connection.queueName().orElseThrow(), "queueName");
      return new SqsClients(client, http, owned, url);
    } catch (RuntimeException e) {
      closeQuietly(client);
      closeQuietly(http);
      closeQuietly(owned);
      throw e;
    }
  }

  /** Resolves a queue name to its URL; fails naming {@code option} when it does not exist. */
  public static String resolve(SqsClient client, String name, String option) {
    try {
      return client.getQueueUrl(r -> r.queueName(name)).queueUrl();
    } catch (QueueDoesNotExistException e) {
      throw new ConfigurationException(option + ": queue '" + name + "' does not exist", e);
    } catch (SdkException e) {
      throw new ConfigurationException(option + ": could not resolve queue '" + name + "': " + e.getMessage(), e);
    }
  }

  /** Whether a queue URL (or name) names a FIFO queue. */
  public static boolean isFifo(String queueUrl) {
    return queueUrl.endsWith(".fifo");
  }

  /** The SDK client. */
  public SqsClient client() {
    return client;
  }

  /** The queue's URL. */
  public String queueUrl() {
    return queueUrl;
  }

  @Override
  public void close() {
    closeQuietly(client);
    closeQuietly(httpClient);
    closeQuietly(ownedCredentials);
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      LOG.debug("closing {} failed", c, e);
    }
  }
}
