package org.metricspipeline.adapters.postgres.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.metricspipeline.api.sink.Column;
import org.metricspipeline.api.sink.ColumnMapping;
import org.metricspipeline.api.sink.ColumnType;
import org.metricspipeline.api.sink.ColumnValues;
import org.metricspipeline.api.sink.TableSpec;
import org.postgresql.copy.CopyIn;
import org.postgresql.util.PGobject;

/**
 * The blocking operations of the PostgreSQL table sink: DDL from {@link TableSpec}s, batches by
 * binary {@code COPY} after converting each value with {@link ColumnValues} for the column's type
 * (read from the catalog, cached per table), and read-only parameterized queries.
 */
public final class SinkTables {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PG_EPOCH_SECONDS = 946_684_800L;
  private static final long PG_EPOCH_DAYS = 10_957L;

  private final Connections connections;
  private final String schema;
  private final Map<String, Map<String, ColumnType>> types = new ConcurrentHashMap<>();

  /** Tables in {@code schema}. */
  public SinkTables(Connections connections, String schema) {
    this.connections = connections;
    this.schema = schema;
  }

  private String qualified(String table) {
    return Sql.identifier("schema", schema) + ".\"" + Column.checkName("table", table) + "\"";
  }

  /** The PostgreSQL type of a column type. */
  static String sqlType(ColumnType t) {
    return switch (t) {
      case STRING -> "text";
      case INT -> "integer";
      case LONG -> "bigint";
      case FLOAT -> "real";
      case DOUBLE -> "double precision";
      case BOOLEAN -> "boolean";
      case TIMESTAMP -> "timestamptz";
      case DATE -> "date";
      case MAP -> "jsonb";
      case ARRAY -> "text[]";
    };
  }

  /** {@code CREATE TABLE IF NOT EXISTS} for a spec. */
  public Sql createTable(TableSpec spec) {
    StringBuilder sb = new StringBuilder("CREATE TABLE IF NOT EXISTS " + qualified(spec.name()) + " (");
    for (int i = 0; i < spec.columns().size(); i++) {
      Column c = spec.columns().get(i);
      sb.append(i == 0 ? "" : ", ").append('"').append(c.name()).append("\" ").append(sqlType(c.type()))
          .append(c.nullable() ? "" : " NOT NULL");
    }
    if (!spec.key().isEmpty()) {
      sb.append(", PRIMARY KEY (").append(String.join(", ", spec.key().stream().map(k -> "\"" + k + "\"").toList()))
          .append(')');
    }
    return new Sql(sb.append(')').toString());
  }

  /** Creates the schema and the table. */
  public void create(TableSpec spec) {
    connections.execute(new Sql("CREATE SCHEMA IF NOT EXISTS " + Sql.identifier("schema", schema)), createTable(spec));
    types.remove(spec.name());
  }

  private Map<String, ColumnType> columnTypes(String table) {
    Map<String, ColumnType> known = types.get(table);
    if (known != null) {
      return known;
    }
    Map<String, ColumnType> found = new LinkedHashMap<>();
    connections.query(new Sql("SELECT column_name, udt_name FROM information_schema.columns WHERE table_schema = ")
        .param(schema).add(" AND table_name = ").param(table).add(" ORDER BY ordinal_position"),
        r -> {
          String name = r.getString(1);
          fromUdt(r.getString(2)).ifPresent(t -> found.put(name, t));
        });
    if (found.isEmpty()) {
      throw new Connections.Rejected("table " + schema + "." + table + " does not exist (create it with createTable)", null);
    }
    types.put(table, found);
    return found;
  }

  private static Optional<ColumnType> fromUdt(String udt) {
    return Optional.ofNullable(switch (udt) {
      case "text", "varchar", "bpchar", "name" -> ColumnType.STRING;
      case "int2", "int4" -> ColumnType.INT;
      case "int8" -> ColumnType.LONG;
      case "float4" -> ColumnType.FLOAT;
      case "float8", "numeric" -> ColumnType.DOUBLE;
      case "bool" -> ColumnType.BOOLEAN;
      case "timestamptz", "timestamp" -> ColumnType.TIMESTAMP;
      case "date" -> ColumnType.DATE;
      case "jsonb" -> ColumnType.MAP;
      case "_text", "_varchar" -> ColumnType.ARRAY;
      default -> null;
    });
  }

  /** Writes rows by binary COPY in one transaction; returns the rows written. */
  public long write(String table, List<? extends Map<String, ?>> rows, ColumnMapping mapping) {
    Map<String, ColumnType> tableTypes = columnTypes(table);
    List<String> columns = mapping.columns();
    ColumnType[] colTypes = new ColumnType[columns.size()];
    for (int i = 0; i < colTypes.length; i++) {
      colTypes[i] = tableTypes.get(columns.get(i));
      if (colTypes[i] == null) {
        throw new IllegalArgumentException("column mapping target " + columns.get(i) + " is not a column of "
            + schema + "." + table + " (its columns: " + tableTypes.keySet() + ")");
      }
    }
    if (rows.isEmpty()) {
      return 0;
    }
    CopyRows out = new CopyRows(64 + rows.size() * 16 * colTypes.length);
    out.header();
    for (int r = 0; r < rows.size(); r++) {
      out.tuple(colTypes.length);
      for (int i = 0; i < colTypes.length; i++) {
        Optional<Object> v = mapping.value(rows.get(r), i);
        if (v.isEmpty()) {
          out.nullField();
          continue;
        }
        try {
          encode(out, colTypes[i], ColumnValues.convert(colTypes[i], v.get(), columns.get(i)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("row " + r + ": " + e.getMessage(), e);
        }
      }
    }
    out.trailer();
    String copySql = "COPY " + qualified(table) + " (" + String.join(", ", columns.stream().map(c -> "\"" + c + "\"").toList())
        + ") FROM STDIN (FORMAT binary)";
    connections.inTransaction(c -> {
      CopyIn copy = Connections.pg(c).getCopyAPI().copyIn(copySql);
      try {
        copy.writeToCopy(out.array(), 0, out.size());
        return copy.endCopy();
      } finally {
        if (copy.isActive()) {
          copy.cancelCopy();
        }
      }
    });
    return rows.size();
  }

  @SuppressWarnings("unchecked")
  private static void encode(CopyRows out, ColumnType type, Object v) {
    switch (type) {
      case STRING -> {
        String s = (String) v;
        if (!Sql.isText(s)) {
          throw new IllegalArgumentException("a string column cannot hold NUL");
        }
        out.text(s);
      }
      case INT -> out.int4((Integer) v);
      case LONG -> out.int8((Long) v);
      case FLOAT -> out.float4((Float) v);
      case DOUBLE -> out.float8((Double) v);
      case BOOLEAN -> out.bool((Boolean) v);
      case TIMESTAMP -> {
        Instant i = (Instant) v;
        out.timestamp(Math.addExact(Math.multiplyExact(i.getEpochSecond() - PG_EPOCH_SECONDS, 1_000_000L), i.getNano() / 1000));
      }
      case DATE -> out.date(Math.toIntExact(((LocalDate) v).toEpochDay() - PG_EPOCH_DAYS));
      case MAP -> {
        try {
          out.jsonb(JSON.writeValueAsString(v));
        } catch (JsonProcessingException e) {
          throw new IllegalArgumentException("map not writable as JSON: " + e.getOriginalMessage(), e);
        }
      }
      case ARRAY -> {
        List<String> l = (List<String>) v;
        out.textArray(l.toArray(new String[0]), l.size());
      }
      default -> throw new IllegalStateException("unknown type " + type);
    }
  }

  /** Runs a read-only query (a READ ONLY transaction) with bound parameters. */
  public List<Map<String, Object>> query(String sql, List<?> params) {
    Sql statement = new Sql();
    String[] parts = sql.split("\\?", -1);
    if (parts.length - 1 != params.size()) {
      throw new IllegalArgumentException("query has " + (parts.length - 1) + " placeholders but " + params.size()
          + " parameters were given");
    }
    for (int i = 0; i < parts.length; i++) {
      statement.add(parts[i]);
      if (i < params.size()) {
        statement.param(param(params.get(i)));
      }
    }
    return connections.with(c -> {
      c.setReadOnly(true);
      c.setAutoCommit(false);
      try {
        List<Map<String, Object>> rows = new ArrayList<>();
        Connections.query(c, statement, r -> rows.add(row(r)));
        c.commit();
        return rows;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
        c.setReadOnly(false);
      }
    });
  }

  private static Object param(Object p) {
    if (p instanceof Instant i) {
      return OffsetDateTime.ofInstant(i, java.time.ZoneOffset.UTC);
    }
    return p;
  }

  private static Map<String, Object> row(ResultSet r) throws SQLException {
    ResultSetMetaData md = r.getMetaData();
    Map<String, Object> row = new LinkedHashMap<>();
    for (int i = 1; i <= md.getColumnCount(); i++) {
      row.put(md.getColumnLabel(i), value(r, i, md.getColumnTypeName(i)));
    }
    return row;
  }

  private static Object value(ResultSet r, int i, String typeName) throws SQLException {
    switch (typeName) {
      case "timestamptz", "timestamp" -> {
        OffsetDateTime t = r.getObject(i, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
      }
      case "date" -> {
        return r.getObject(i, LocalDate.class);
      }
      default -> {
        Object v = r.getObject(i);
        if (v instanceof Array a) {
          Object[] values = (Object[]) a.getArray();
          return Arrays.asList(values);
        }
        if (v instanceof PGobject o) {
          return o.getValue();
        }
        return v;
      }
    }
  }

  /** Whether the server answers. */
  public void ping() {
    connections.queryLong(new Sql("SELECT 1"));
  }

}
