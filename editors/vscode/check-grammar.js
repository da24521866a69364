// Tokenizes every examples/**/*.aifin and std_lib/*.aifin file with VS Code's own TextMate
// engine (vscode-textmate on Oniguruma) and the grammar in syntaxes/: prints the tokens that
// get no scope of their own and the files with `invalid` tokens. tests/textmate.rs checks the
// same with a small tokenizer of its own on every `cargo test`; this is the cross-check
// against the real engine. From editors/vscode:
//   npm install --no-save vscode-textmate vscode-oniguruma && node check-grammar.js
const fs = require("fs");
const path = require("path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const repo = path.join(__dirname, "..", "..");
const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
const onigLib = oniguruma.loadWASM(wasm).then(() => ({
  createOnigScanner: (p) => new oniguruma.OnigScanner(p),
  createOnigString: (s) => new oniguruma.OnigString(s),
}));
const grammarFile = path.join(__dirname, "syntaxes", "aifin.tmLanguage.json");
const registry = new vsctm.Registry({
  onigLib,
  loadGrammar: async () => vsctm.parseRawGrammar(fs.readFileSync(grammarFile, "utf8"), grammarFile),
});

function walk(dir, out) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (p.endsWith(".aifin")) out.push(p);
  }
  return out;
}

registry.loadGrammar("source.aifin").then((grammar) => {
  const files = walk(path.join(repo, "examples"), []).concat(walk(path.join(repo, "std_lib"), [])).sort();
  let unscoped = 0;
  const invalid = [];
  for (const f of files) {
    let stack = vsctm.INITIAL;
    let bad = 0;
    for (const line of fs.readFileSync(f, "utf8").split("\n")) {
      const r = grammar.tokenizeLine(line, stack);
      for (const t of r.tokens) {
        if (!line.slice(t.startIndex, t.endIndex).trim()) continue;
        if (t.scopes.some((s) => s.includes("invalid"))) bad++;
        if (!t.scopes.some((s) => s !== "source.aifin" && !s.startsWith("meta."))) unscoped++;
      }
      stack = r.ruleStack;
    }
    if (bad) invalid.push(`${path.relative(repo, f)}: ${bad}`);
  }
  console.log(`${files.length} files; tokens without a scope of their own: ${unscoped}`);
  console.log(`files with invalid tokens (only files that do not parse should be here):\n${invalid.join("\n")}`);
});
