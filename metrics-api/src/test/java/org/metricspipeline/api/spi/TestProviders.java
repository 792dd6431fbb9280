package org.metricspipeline.api.spi;

import java.lang.reflect.Proxy;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.VisualizationAdapter;

/** Providers registered in src/test/resources/META-INF/services for the registry tests. */
final class TestProviders {

  private TestProviders() {}

  /** An adapter whose name() answers {@code name + ":" + config key list}; other methods fail. */
  @SuppressWarnings("unchecked")
  static <T> T adapter(Class<T> type, String name, AdapterConfig config) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (proxy, method, args) -> {
      if (method.getName().equals("name")) {
        return name + ":" + config.keys();
      }
      if (method.getName().equals("close")) {
        return null;
      }
      throw new UnsupportedOperationException(method.getName());
    });
  }

  /** Storage "alpha". */
  public static final class AlphaStorage implements StorageProvider {
    @Override
    public String name() {
      return "alpha";
    }

    @Override
    public StorageAdapter create(AdapterConfig config) {
      config.getInt("size", 1); // fails naming the key when it is not a number
      return adapter(StorageAdapter.class, "alpha", config);
    }
  }

  /** Storage "beta". */
  public static final class BetaStorage implements StorageProvider {
    @Override
    public String name() {
      return "beta";
    }

    @Override
    public StorageAdapter create(AdapterConfig config) {
      return adapter(StorageAdapter.class, "beta", config);
    }
  }

  /** Storage "twin", registered twice under two classes. */
  public static final class TwinOne implements StorageProvider {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public StorageAdapter create(AdapterConfig config) {
      return adapter(StorageAdapter.class, "twin", config);
    }
  }

  /** The other "twin". */
  public static final class TwinTwo implements StorageProvider {
    @Override
    public String name() {
      return "twin";
    }

    @Override
    public StorageAdapter create(AdapterConfig config) {
      return adapter(StorageAdapter.class, "twin", config);
    }
  }

  /** Ingestion "queue". */
  public static final class QueueIngestion implements IngestionProvider {
    @Override
    public String name() {
      return "queue";
    }

    @Override
    public IngestionAdapter create(AdapterConfig config) {
      return adapter(IngestionAdapter.class, "queue", config);
    }
  }
}
