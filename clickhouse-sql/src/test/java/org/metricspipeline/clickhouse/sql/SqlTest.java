package org.metricspipeline.clickhouse.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SqlTest {

  /** Every character class a literal must escape or pass through. */
  static final String HOSTILE = "it's \\ -- ; DROP TABLE x; \0 \n\t\r\b\f \u0001\u007f é 🚀 '); --";

  @Test
  void quotesEscapeQuotesBackslashesNulAndControlCharacters() {
    assertThat(Sql.quote("it's")).isEqualTo("'it\\'s'");
    assertThat(Sql.quote("a\\b")).isEqualTo("'a\\\\b'");
    assertThat(Sql.quote("\0")).isEqualTo("'\\0'");
    assertThat(Sql.quote("\n\t\r\b\f")).isEqualTo("'\\n\\t\\r\\b\\f'");
    assertThat(Sql.quote("\u0001\u001f\u007f")).isEqualTo("'\\x01\\x1F\\x7F'");
  }

  @Test
  void quotesPassSqlMetacharactersAndUnicodeThroughInsideTheLiteral() {
    assertThat(Sql.quote("x'); DROP TABLE t; --")).isEqualTo("'x\\'); DROP TABLE t; --'");
    assertThat(Sql.quote("é🚀")).isEqualTo("'é🚀'");
    assertThat(Sql.quote("")).isEqualTo("''");
  }

  @Test
  void aQuotedLiteralHasNoUnescapedQuoteInside() {
    String q = Sql.quote(HOSTILE);
    String inner = q.substring(1, q.length() - 1);
    for (int i = 0; i < inner.length(); i++) {
      if (inner.charAt(i) == '\\') {
        i++; // skip the escaped character
      } else {
        assertThat(inner.charAt(i)).as("position %d", i).isNotEqualTo('\'');
      }
    }
  }

  @Test
  void identifiersAreCheckedAndBackQuoted() {
    assertThat(Sql.identifier("table", "metrics_1")).isEqualTo("`metrics_1`");
    assertThatThrownBy(() -> Sql.identifier("table", "x`; DROP")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("table must match");
    assertThatThrownBy(() -> Sql.identifier("database", "1abc")).hasMessageContaining("database must match");
    assertThatThrownBy(() -> Sql.identifier("database", "")).hasMessageContaining("database");
  }
}
