package org.metricspipeline.adapters.metabase.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Puts the results of a dashboard's cards, each exported by Metabase, into one file: CSV (one table,
 * the union of the cards' columns after {@code card_id, card_name}) or XLSX (one sheet per card).
 */
public final class Exports {

  private Exports() {}

  /** One card's results as Metabase exported them. */
  public record CardCsv(long cardId, String name, byte[] csv) {}

  /** One card's rows as Metabase's JSON export gives them: objects keyed by column name. */
  public record CardRows(long cardId, String name, JsonNode rows) {}

  /**
   * One CSV of every card: header {@code card_id, card_name} and then every column of any card in
   * first-seen order; a card's row leaves the other cards' columns empty. RFC 4180 quoting.
   */
  public static byte[] unionCsv(List<CardCsv> cards) {
    Set<String> columns = new LinkedHashSet<>();
    List<List<List<String>>> parsed = new ArrayList<>();
    for (CardCsv card : cards) {
      List<List<String>> rows = parseCsv(new String(card.csv(), StandardCharsets.UTF_8));
      parsed.add(rows);
      if (!rows.isEmpty()) {
        columns.addAll(rows.get(0));
      }
    }
    List<String> header = new ArrayList<>(List.of("card_id", "card_name"));
    header.addAll(columns);
    StringBuilder sb = new StringBuilder();
    writeRow(sb, header);
    List<String> all = new ArrayList<>(columns);
    for (int c = 0; c < cards.size(); c++) {
      List<List<String>> rows = parsed.get(c);
      if (rows.isEmpty()) {
        continue;
      }
      List<String> own = rows.get(0);
      for (List<String> row : rows.subList(1, rows.size())) {
        List<String> out = new ArrayList<>(header.size());
        out.add(Long.toString(cards.get(c).cardId()));
        out.add(cards.get(c).name());
        for (String column : all) {
          int i = own.indexOf(column);
          out.add(i >= 0 && i < row.size() ? row.get(i) : "");
        }
        writeRow(sb, out);
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends). */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    boolean any = false;
    String s = text.startsWith("\uFEFF") ? text.substring(1) : text;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
        any = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
        any = true;
      } else if (c == '\n' || c == '\r') {
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          i++;
        }
        row.add(field.toString());
        rows.add(row);
        row = new ArrayList<>();
        field.setLength(0);
        any = false;
      } else {
        field.append(c);
        any = true;
      }
    }
    if (any || field.length() > 0) {
      row.add(field.toString());
      rows.add(row);
    }
    return rows;
  }

  private static void writeRow(StringBuilder sb, List<String> fields) {
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      String f = fields.get(i);
      boolean quote = f.indexOf(',') >= 0 || f.indexOf('"') >= 0 || f.indexOf('\n') >= 0 || f.indexOf('\r') >= 0;
      sb.append(quote ? '"' + f.replace("\"", "\"\"") + '"' : f);
    }
    sb.append("\r\n");
  }

  /**
   * An XLSX workbook with one sheet per card (named after the card), a header row of the card's
   * columns and one row per result row; numbers stay numbers.
   */
  public static byte[] workbook(List<CardRows> cards) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> names = sheetNames(cards);
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      StringBuilder types = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>");
      StringBuilder sheets = new StringBuilder();
      StringBuilder rels = new StringBuilder();
      for (int i = 1; i <= cards.size(); i++) {
        types.append("<Override PartName=\"/xl/worksheets/sheet").append(i).append(".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>");
        sheets.append("<sheet name=\"").append(xml(names.get(i - 1))).append("\" sheetId=\"").append(i)
            .append("\" r:id=\"rId").append(i).append("\"/>");
        rels.append("<Relationship Id=\"rId").append(i)
            .append("\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet")
            .append(i).append(".xml\"/>");
      }
      types.append("</Types>");
      put(zip, "[Content_Types].xml", types.toString());
      put(zip, "_rels/.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
          + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
          + "</Relationships>");
      put(zip, "xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
          + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
          + sheets + "</sheets></workbook>");
      put(zip, "xl/_rels/workbook.xml.rels", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
          + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">" + rels
          + "</Relationships>");
      for (int i = 1; i <= cards.size(); i++) {
        put(zip, "xl/worksheets/sheet" + i + ".xml", sheet(cards.get(i - 1).rows()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static String sheet(JsonNode rows) {
    Set<String> columns = new LinkedHashSet<>();
    rows.forEach(r -> r.fieldNames().forEachRemaining(columns::add));
    StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>");
    List<String> header = new ArrayList<>(columns);
    sb.append("<row r=\"1\">");
    for (int c = 0; c < header.size(); c++) {
      cell(sb, c, 1, header.get(c), false);
    }
    sb.append("</row>");
    int r = 2;
    for (JsonNode row : rows) {
      sb.append("<row r=\"").append(r).append("\">");
      for (int c = 0; c < header.size(); c++) {
        JsonNode v = row.path(header.get(c));
        if (v.isNumber()) {
          cell(sb, c, r, v.asText(), true);
        } else if (!v.isMissingNode() && !v.isNull()) {
          cell(sb, c, r, v.asText(), false);
        }
      }
      sb.append("</row>");
      r++;
    }
    return sb.append("</sheetData></worksheet>").toString();
  }

  private static void cell(StringBuilder sb, int col, int row, String value, boolean number) {
    String ref = column(col) + row;
    if (number) {
      sb.append("<c r=\"").append(ref).append("\"><v>").append(value).append("</v></c>");
    } else {
      sb.append("<c r=\"").append(ref).append("\" t=\"inlineStr\"><is><t xml:space=\"preserve\">")
          .append(xml(value)).append("</t></is></c>");
    }
  }

  /** The spreadsheet column letters for a 0-based index: A, B, ..., Z, AA, ... */
  static String column(int index) {
    StringBuilder sb = new StringBuilder();
    for (int n = index + 1; n > 0; n = (n - 1) / 26) {
      sb.insert(0, (char) ('A' + (n - 1) % 26));
    }
    return sb.toString();
  }

  /** Unique sheet names from card names: at most 31 characters, without {@code : \ / ? * [ ]}. */
  static List<String> sheetNames(List<CardRows> cards) {
    Set<String> used = new HashSet<>();
    List<String> names = new ArrayList<>();
    for (CardRows card : cards) {
      String base = card.name().replaceAll("[:\\\\/?*\\[\\]]", "_").strip();
      if (base.isEmpty()) {
        base = "card " + card.cardId();
      }
      base = base.length() > 31 ? base.substring(0, 31) : base;
      String name = base;
      for (int n = 2; used.contains(name.toLowerCase(Locale.ROOT)); n++) {
        String suffix = " (" + n + ")";
        name = (base.length() + suffix.length() > 31 ? base.substring(0, 31 - suffix.length()).strip() : base) + suffix;
      }
      used.add(name.toLowerCase(Locale.ROOT));
      names.add(name);
    }
    return names;
  }

  private static void put(ZipOutputStream zip, String name, String content) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(content.getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  private static String xml(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') {
            sb.append(c); // other control characters are not allowed in XML 1.0
          }
        }
      }
    }
    return sb.toString();
  }
}
