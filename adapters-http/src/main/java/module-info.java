/** The HTTP adapter: an embedded Jetty server that is an ingestion channel and mounts every endpoint. */
module org.metricspipeline.adapters.http {
  requires transitive org.metricspipeline.core;
  requires org.eclipse.jetty.server;
  requires org.eclipse.jetty.http;
  requires org.eclipse.jetty.io;
  requires org.eclipse.jetty.util;
  requires com.github.benmanes.caffeine;
  requires org.slf4j;
  requires com.fasterxml.jackson.databind;
  requires com.google.protobuf;
  requires io.opentelemetry.proto;
  requires com.nimbusds.jose.jwt;

  exports org.metricspipeline.adapters.http;

  provides org.metricspipeline.api.spi.IngestionProvider
      with org.metricspipeline.adapters.http.HttpIngestionProvider;
}
