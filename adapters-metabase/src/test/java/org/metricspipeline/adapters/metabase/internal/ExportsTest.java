package org.metricspipeline.adapters.metabase.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportsTest {

  @Test
  void csvWithQuotesCommasAndNewlinesParses() {
    assertThat(Exports.parseCsv("a,b\r\n\"x, \"\"y\"\"\",\"l1\nl2\"\r\n,\r\n"))
        .containsExactly(List.of("a", "b"), List.of("x, \"y\"", "l1\nl2"), List.of("", ""));
    assertThat(Exports.parseCsv("\uFEFFa\nb")).containsExactly(List.of("a"), List.of("b"));
  }

  @Test
  void theUnionTableKeepsEachCardsColumnsAndQuotesWhatNeedsIt() {
    byte[] out = Exports.unionCsv(List.of(
        new Exports.CardCsv(1, "CPU, by host", "time,host,value\r\nt1,a,1\r\n".getBytes(StandardCharsets.UTF_8)),
        new Exports.CardCsv(2, "Total", "value\r\n42\r\n".getBytes(StandardCharsets.UTF_8)),
        new Exports.CardCsv(3, "Empty", new byte[0])));

    assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(
        "card_id,card_name,time,host,value\r\n1,\"CPU, by host\",t1,a,1\r\n2,Total,,,42\r\n");
  }

  @Test
  void sheetNamesAreShortUniqueAndClean() throws IOException {
    ObjectMapper json = new ObjectMapper();
    List<Exports.CardRows> cards = List.of(
        new Exports.CardRows(1, "a/b:c*d?[e]", json.readTree("[]")),
        new Exports.CardRows(2, "A very long card name that goes on and on", json.readTree("[]")),
        new Exports.CardRows(3, "A very long card name that goes on and on", json.readTree("[]")),
        new Exports.CardRows(4, " ", json.readTree("[]")));

    assertThat(Exports.sheetNames(cards)).containsExactly("a_b_c_d__e_", "A very long card name that goes",
        "A very long card name that (2)", "card 4");
  }

  @Test
  void columnLettersCountLikeASpreadsheet() {
    assertThat(List.of(Exports.column(0), Exports.column(25), Exports.column(26), Exports.column(701)))
        .containsExactly("A", "Z", "AA", "ZZ");
  }
}
