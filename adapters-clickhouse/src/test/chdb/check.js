// Runs every statement shape the ClickHouse adapter generates (written by StatementShapesTest to
// adapters-clickhouse/target/chdb/statements.jsonl) on the current ClickHouse engine, in process,
// through npm's chdb. Exits 1 naming each statement the engine refuses. Statements marked "parse" (the
// cluster layout's ON CLUSTER DDL, mutations and remote() reads: chdb has no cluster and no server
// to reach) are parsed by the engine (EXPLAIN AST) instead of run.
//
//   node check.js STATEMENTS_JSONL DATA_DIR
"use strict";
const fs = require("fs");
const { Session, query } = require("chdb");

const [file, dataDir] = process.argv.slice(2);
if (!file || !dataDir) {
  console.error("usage: node check.js STATEMENTS_JSONL DATA_DIR");
  process.exit(2);
}
const statements = fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));
fs.rmSync(dataDir, { recursive: true, force: true });
fs.mkdirSync(dataDir, { recursive: true });
const session = new Session(dataDir);
const version = session.query("SELECT version()", "TabSeparated").trim();
let failed = 0;
for (const s of statements) {
  try {
    // SELECTs are read as the adapter reads them; the adapter appends FORMAT RowBinary itself
    if (s.parse) {
      session.query("EXPLAIN AST " + s.sql, "TabSeparated");
      console.log(`parse ${s.label}`);
    } else {
      session.query(s.sql, s.select ? "RowBinary" : "TabSeparated");
      console.log(`ok    ${s.label}`);
    }
  } catch (e) {
    failed++;
    console.log(`FAIL  ${s.label}: ${String(e.message || e).split("\n")[0]}`);
    console.log(`      ${s.sql.slice(0, 400)}`);
  }
}
session.close();
const parsed = statements.filter((s) => s.parse).length;
console.log(`chdb ${version}: ${statements.length - failed} of ${statements.length} statement shapes ok`
  + (parsed ? ` (${parsed} cluster shapes parsed only)` : ""));
process.exit(failed ? 1 : 0);
