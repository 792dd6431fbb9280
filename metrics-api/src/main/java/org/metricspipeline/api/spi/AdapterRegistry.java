package org.metricspipeline.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;
import org.metricspipeline.api.ConfigurationException;
import org.metricspipeline.api.IngestionAdapter;
import org.metricspipeline.api.StorageAdapter;
import org.metricspipeline.api.VisualizationAdapter;
import org.metricspipeline.api.sink.TableSink;

/**
 * Finds adapter providers on the class path or module path with {@link ServiceLoader} and creates
 * adapters by name.
 *
 * <pre>{@code
 * StorageAdapter storage = AdapterRegistry.storage("memory", AdapterConfig.empty());
 * }</pre>
 *
 * <p>An unknown name fails with a {@link ConfigurationException} that lists the known names.
 */
public final class AdapterRegistry {

  private final ClassLoader classLoader;

  private AdapterRegistry(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  /** A registry that looks providers up through the given class loader. */
  public static AdapterRegistry using(ClassLoader classLoader) {
    return new AdapterRegistry(Objects.requireNonNull(classLoader, "classLoader"));
  }

  private static AdapterRegistry standard() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return new AdapterRegistry(loader != null ? loader : AdapterRegistry.class.getClassLoader());
  }

  /** A storage adapter from the provider with this name. */
  public static StorageAdapter storage(String name, AdapterConfig config) {
    return standard().createStorage(name, config);
  }

  /** An ingestion adapter from the provider with this name. */
  public static IngestionAdapter ingestion(String name, AdapterConfig config) {
    return standard().createIngestion(name, config);
  }

  /** A visualization adapter from the provider with this name. */
  public static VisualizationAdapter visualization(String name, AdapterConfig config) {
    return standard().createVisualization(name, config);
  }

  /** A storage adapter from the provider with this name. */
  public StorageAdapter createStorage(String name, AdapterConfig config) {
    return find(StorageProvider.class, "storage", StorageProvider::name, name).create(config);
  }

  /** An ingestion adapter from the provider with this name. */
  public IngestionAdapter createIngestion(String name, AdapterConfig config) {
    return find(IngestionProvider.class, "ingestion", IngestionProvider::name, name).create(config);
  }

  /** A visualization adapter from the provider with this name. */
  public VisualizationAdapter createVisualization(String name, AdapterConfig config) {
    return find(VisualizationProvider.class, "visualization", VisualizationProvider::name, name)
        .create(config);
  }

  /** The names of the storage providers found, sorted. */
  public List<String> storageNames() {
    return names(StorageProvider.class, StorageProvider::name);
  }

  /** The names of the ingestion providers found, sorted. */
  public List<String> ingestionNames() {
    return names(IngestionProvider.class, IngestionProvider::name);
  }

  /** The names of the visualization providers found, sorted. */
  public List<String> visualizationNames() {
    return names(VisualizationProvider.class, VisualizationProvider::name);
  }

  /** A table sink from the provider with this name. */
  public static TableSink tableSink(String name, AdapterConfig config) {
    return standard().createTableSink(name, config);
  }

  /** A table sink from the provider with this name. */
  public TableSink createTableSink(String name, AdapterConfig config) {
    return find(TableSinkProvider.class, "table sink", TableSinkProvider::name, name).create(config);
  }

  /** The names of the table sink providers found, sorted. */
  public List<String> tableSinkNames() {
    return names(TableSinkProvider.class, TableSinkProvider::name);
  }

  private <P> P find(Class<P> type, String kind, Function<P, String> nameOf, String name) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    List<P> matches = new ArrayList<>();
    for (P provider : ServiceLoader.load(type, classLoader)) {
      if (nameOf.apply(provider).equals(name)) {
        matches.add(provider);
      }
    }
    if (matches.isEmpty()) {
      List<String> known = names(type, nameOf);
      throw new ConfigurationException("unknown " + kind + " provider '" + name + "'; known: "
          + (known.isEmpty() ? "none (is the adapter's jar on the class path?)" : String.join(", ", known)));
    }
    if (matches.size() > 1) {
      throw new ConfigurationException(matches.size() + " " + kind + " providers are named '" + name
          + "': " + matches.stream().map(p -> p.getClass().getName()).toList());
    }
    return matches.get(0);
  }

  private <P> List<String> names(Class<P> type, Function<P, String> nameOf) {
    TreeSet<String> names = new TreeSet<>();
    for (P provider : ServiceLoader.load(type, classLoader)) {
      names.add(nameOf.apply(provider));
    }
    return List.copyOf(names);
  }
}
