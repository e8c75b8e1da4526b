#!/usr/bin/env node
// Lints Cypher statements with Neo4j's own parser and semantic analyser
// (@neo4j-cypher/language-support, lintCypherQuery).
//
//   node lint.cjs SCHEMA.json STATEMENTS.json     statements: [{name, text, params: [..]}]
//   node lint.cjs SCHEMA.json --file FILE.cypher  statements separated by ';' at line ends
//
// SCHEMA.json holds labels, relationshipTypes and propertyKeys (python -m kg.cypher
// --schema-json); the procedure and function signatures are the ones the package bundles.
// Each statement is checked with exactly the parameters it declares. Any error fails, and so
// does any warning (an unknown label, relationship type or property key is a warning).
// Exit code 0: clean; 1: problems found; 2: bad usage.
"use strict";

const fs = require("node:fs");
const { lintCypherQuery, testData } = require("@neo4j-cypher/language-support");

function readStatements(args) {
  if (args[0] === "--file") {
    const text = fs.readFileSync(args[1], "utf8");
    return text
      .split(/;\s*$/m)
      .map((s) => s.replace(/^\s*\/\/.*$/gm, "").trim())
      .filter((s) => s.length > 0)
      .map((s, i) => ({ name: `${args[1]}#${i + 1}`, text: s, params: [] }));
  }
  return JSON.parse(fs.readFileSync(args[0], "utf8"));
}

function main(argv) {
  if (argv.length < 2) {
    console.error("usage: lint.cjs SCHEMA.json (STATEMENTS.json | --file FILE.cypher)");
    return 2;
  }
  const schema = JSON.parse(fs.readFileSync(argv[0], "utf8"));
  const statements = readStatements(argv.slice(1));
  const bundled = testData.mockSchema;
  const base = {
    labels: schema.labels,
    relationshipTypes: schema.relationshipTypes,
    propertyKeys: schema.propertyKeys,
    functions: bundled.functions,
    procedures: bundled.procedures,
    defaultLanguage: "CYPHER 5",
  };
  let problems = 0;
  for (const st of statements) {
    const parameters = Object.fromEntries(st.params.map((p) => [p, null]));
    const { diagnostics } = lintCypherQuery(st.text, { ...base, parameters });
    for (const d of diagnostics) {
      problems += 1;
      const level = d.severity === 1 ? "error" : "warning";
      const at = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
      console.log(`${st.name} ${at} ${level}: ${d.message}`);
      console.log(`    ${st.text}`);
    }
  }
  const verdict = problems === 0 ? "ok" : `${problems} problem(s)`;
  console.log(`cypher-lint: ${statements.length} statement(s) checked, ${verdict}`);
  return problems === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
