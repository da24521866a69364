//! The TextMate grammar (editors/aifin.tmLanguage.json), tested with a small TextMate
//! tokenizer: every non-space character of every example and std file gets a scope of its own
//! (not just a `meta.` region), and a file that parses gets no `invalid` scope. The grammar's
//! word lists (keywords, steps, built-ins, terms, option words, std units) are checked against
//! the lists the compiler reads; `AIFIN_BLESS=1 cargo test --test textmate` rewrites them.

use aifin::check::ir::BUILTINS;
use aifin::check::options::{BusinessDay, Calendar, Rounding};
use aifin::check::spec::{FieldType, CONTRACTS, ENTITY_FIELDS};
use aifin::source::{SourceKind, SourceMap};
use aifin::syntax::ast::Decl;
use fancy_regex::Regex;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const GRAMMAR: &str = "editors/aifin.tmLanguage.json";

// ---------------------------------------------------------------------------------------------
// A TextMate tokenizer: `match` rules, `begin`/`end` rules (across lines) with their own
// patterns, captures, `include` of `#repository` entries and `$self`. Enough for this grammar.
// ---------------------------------------------------------------------------------------------

struct Rule {
    name: Option<String>,
    matcher: Option<Regex>,
    captures: BTreeMap<usize, String>,
    begin: Option<Regex>,
    begin_captures: BTreeMap<usize, String>,
    end: Option<Regex>,
    end_captures: BTreeMap<usize, String>,
    /// Indices of the rules tried inside a begin/end rule (includes resolved).
    patterns: Vec<usize>,
}

/// A match: start, end, rule, kind (0 match, 1 begin, 2 end), its groups.
type Found = (usize, usize, usize, u8, Vec<Option<(usize, usize)>>);

struct Grammar {
    rules: Vec<Rule>,
    top: Vec<usize>,
}

fn captures(v: &Value) -> BTreeMap<usize, String> {
    let mut out = BTreeMap::new();
    if let Some(m) = v.as_object() {
        for (k, c) in m {
            if let (Ok(i), Some(n)) = (k.parse(), c["name"].as_str()) {
                out.insert(i, n.to_string());
            }
        }
    }
    out
}

fn regex(v: &Value) -> Option<Regex> {
    v.as_str().map(|s| Regex::new(s).unwrap_or_else(|e| panic!("bad regex {s}: {e}")))
}

impl Grammar {
    fn load(json: &Value) -> Grammar {
        let mut g = Grammar { rules: Vec::new(), top: Vec::new() };
        let repo = json["repository"].as_object().cloned().unwrap_or_default();
        let mut cache = BTreeMap::new();
        g.top = g.list(&json["patterns"], &repo, &mut cache, json);
        g
    }

    /// The rules of a `patterns` list, includes expanded (a repository entry is compiled once).
    fn list(
        &mut self,
        pats: &Value,
        repo: &Map<String, Value>,
        cache: &mut BTreeMap<String, Vec<usize>>,
        root: &Value,
    ) -> Vec<usize> {
        let mut out = Vec::new();
        for p in pats.as_array().into_iter().flatten() {
            if let Some(inc) = p["include"].as_str() {
                if inc == "$self" {
                    out.extend(self.list(&root["patterns"], repo, cache, root));
                    continue;
                }
                let key = inc.strip_prefix('#').unwrap_or_else(|| panic!("unsupported include {inc}"));
                if let Some(ids) = cache.get(key) {
                    out.extend(ids.clone());
                    continue;
                }
                let entry = repo.get(key).unwrap_or_else(|| panic!("no repository entry {key}")).clone();
                cache.insert(key.to_string(), Vec::new()); // a cycle sees nothing yet
                let ids = self.rule(&entry, repo, cache, root);
                cache.insert(key.to_string(), ids.clone());
                out.extend(ids);
            } else {
                out.extend(self.rule(p, repo, cache, root));
            }
        }
        out
    }

    fn rule(
        &mut self,
        p: &Value,
        repo: &Map<String, Value>,
        cache: &mut BTreeMap<String, Vec<usize>>,
        root: &Value,
    ) -> Vec<usize> {
        if p.get("match").is_none() && p.get("begin").is_none() {
            return self.list(&p["patterns"], repo, cache, root);
        }
        let i = self.rules.len();
        self.rules.push(Rule {
            name: p["name"].as_str().map(String::from),
            matcher: regex(&p["match"]),
            captures: captures(&p["captures"]),
            begin: regex(&p["begin"]),
            begin_captures: captures(if p.get("beginCaptures").is_some() {
                &p["beginCaptures"]
            } else {
                &p["captures"]
            }),
            end: regex(&p["end"]),
            end_captures: captures(if p.get("endCaptures").is_some() { &p["endCaptures"] } else { &p["captures"] }),
            patterns: Vec::new(),
        });
        if p.get("begin").is_some() {
            let inner = self.list(&p["patterns"], repo, cache, root);
            self.rules[i].patterns = inner;
        }
        vec![i]
    }

    /// The scopes of every byte of `text`, line by line.
    fn tokenize(&self, text: &str) -> Vec<Vec<String>> {
        let mut scopes = vec![Vec::new(); text.len()];
        let mut stack: Vec<usize> = Vec::new();
        let mut line_start = 0;
        for line in text.split_inclusive('\n') {
            let line = line.strip_suffix('\n').unwrap_or(line);
            let mut pos = 0;
            let mut guard = 0;
            while pos <= line.len() && guard < 10_000 {
                guard += 1;
                let mut best: Option<Found> = None;
                let consider = |re: &Regex, rule: usize, kind: u8, best: &mut Option<Found>| {
                    if let Ok(Some(c)) = re.captures_from_pos(line, pos) {
                        let m = c.get(0).unwrap();
                        let better = match best {
                            Some((s, ..)) => m.start() < *s,
                            None => true,
                        };
                        if better {
                            let groups = (0..c.len()).map(|i| c.get(i).map(|g| (g.start(), g.end()))).collect();
                            *best = Some((m.start(), m.end(), rule, kind, groups));
                        }
                    }
                };
                let pats = match stack.last() {
                    Some(&top) => {
                        consider(self.rules[top].end.as_ref().unwrap(), top, 2, &mut best);
                        &self.rules[top].patterns
                    }
                    None => &self.top,
                };
                for &r in pats {
                    let rule = &self.rules[r];
                    if let Some(re) = &rule.matcher {
                        consider(re, r, 0, &mut best);
                    } else if let Some(re) = &rule.begin {
                        consider(re, r, 1, &mut best);
                    }
                }
                let outer: Vec<String> = stack.iter().filter_map(|&s| self.rules[s].name.clone()).collect();
                let mut paint = |from: usize, to: usize, name: &str| {
                    for s in &mut scopes[line_start + from..line_start + to] {
                        s.push(name.to_string());
                    }
                };
                let Some((start, end, r, kind, groups)) = best else {
                    // what no rule matched keeps only the enclosing regions' scopes
                    for o in &outer {
                        paint(pos, line.len(), o);
                    }
                    break;
                };
                let rule = &self.rules[r];
                for o in &outer {
                    paint(pos, end, o);
                }
                if kind != 2 {
                    if let Some(n) = &rule.name {
                        paint(start, end, n);
                    }
                }
                let caps = match kind {
                    0 => &rule.captures,
                    1 => &rule.begin_captures,
                    _ => &rule.end_captures,
                };
                for (i, name) in caps {
                    if let Some(Some((a, b))) = groups.get(*i) {
                        paint(*a, *b, name);
                    }
                }
                match kind {
                    1 => stack.push(r),
                    2 => {
                        stack.pop();
                    }
                    _ => {}
                }
                pos = if end > start || kind != 0 { end.max(pos) } else { end + 1 };
                if end == start && kind != 0 && pos == start {
                    pos += 1; // an empty begin or end must still move on
                }
            }
            line_start += line.len() + usize::from(text[line_start + line.len()..].starts_with('\n'));
        }
        scopes
    }
}

fn grammar_json() -> Value {
    serde_json::from_str(&std::fs::read_to_string(GRAMMAR).unwrap()).unwrap()
}

fn aifin_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "aifin") {
                out.push(p);
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new("examples"), &mut out);
    walk(Path::new("std_lib"), &mut out);
    out.sort();
    out
}

fn parses(text: &str) -> bool {
    let mut sources = SourceMap::new();
    let id = sources.add("t", text, SourceKind::File);
    aifin::syntax::parse_file(&sources, id).1.is_empty()
}

/// The unscoped and the invalid bytes of `text`, as `line:col 'text'` lines.
fn problems(g: &Grammar, text: &str) -> (Vec<String>, Vec<String>) {
    let scopes = g.tokenize(text);
    let (mut unscoped, mut invalid) = (Vec::new(), Vec::new());
    let at = |i: usize| {
        let before = &text[..i];
        let line = before.matches('\n').count() + 1;
        let col = i - before.rfind('\n').map_or(0, |n| n + 1) + 1;
        let snippet: String = text[i..].chars().take(20).take_while(|c| *c != '\n').collect();
        format!("{line}:{col} {snippet:?}")
    };
    for (i, c) in text.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        let s = &scopes[i];
        if !s.iter().any(|x| !x.starts_with("meta.")) {
            unscoped.push(at(i));
        }
        if s.iter().any(|x| x.contains("invalid")) {
            invalid.push(at(i));
        }
    }
    (unscoped, invalid)
}

#[test]
fn every_example_and_std_file_is_scoped_and_valid_files_have_no_invalid_scope() {
    let g = Grammar::load(&grammar_json());
    let files = aifin_files();
    assert!(files.len() > 50, "{} files", files.len());
    let mut failures = Vec::new();
    let mut valid = 0;
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        let (unscoped, invalid) = problems(&g, &text);
        if let Some(u) = unscoped.first() {
            failures.push(format!("{}: {} unscoped, first at {u}", f.display(), unscoped.len()));
        }
        if parses(&text) {
            valid += 1;
            if let Some(i) = invalid.first() {
                failures.push(format!("{}: {} invalid, first at {i}", f.display(), invalid.len()));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(valid > 50, "only {valid} files parse");
}

#[test]
fn the_harness_sees_scopes_and_invalid_text() {
    let g = Grammar::load(&grammar_json());
    let text = "contract l: loan {\n  rate 9%/year // fixed\n}\ndriver a = total(x) $\n";
    let scopes = g.tokenize(text);
    let of = |needle: &str| scopes[text.find(needle).unwrap()].clone();
    assert!(of("contract").contains(&"keyword.other.declaration.aifin".to_string()), "{:?}", of("contract"));
    assert!(of("rate").contains(&"variable.other.property.aifin".to_string()), "{:?}", of("rate"));
    assert!(of("rate").contains(&"meta.contract.aifin".to_string()));
    assert!(of("9%").contains(&"constant.numeric.aifin".to_string()));
    assert!(of("year").contains(&"support.constant.unit.aifin".to_string()), "{:?}", of("year"));
    assert!(of("// fixed").contains(&"comment.line.double-slash.aifin".to_string()));
    assert!(of("total").contains(&"support.function.builtin.aifin".to_string()));
    assert!(!of("driver").contains(&"meta.contract.aifin".to_string()), "the contract's region ends at its brace");
    let (_, invalid) = problems(&g, text);
    assert_eq!(invalid.len(), 1, "{invalid:?}");
}

// ---------------------------------------------------------------------------------------------
// The word lists: one list per fact, the grammar follows it.
// ---------------------------------------------------------------------------------------------

fn words_in_pest(rule_prefix: &str) -> BTreeSet<String> {
    let pest = std::fs::read_to_string("grammar/aifin.pest").unwrap();
    let mut out = BTreeSet::new();
    for line in pest.lines() {
        if line.starts_with(rule_prefix) {
            for w in line.split('"').skip(1).step_by(2) {
                out.insert(w.to_string());
            }
        }
    }
    out
}

fn std_units() -> BTreeSet<String> {
    let mut sources = SourceMap::new();
    let mut out = BTreeSet::new();
    for (name, text) in aifin::driver::STD_MODULES {
        let id = sources.add(*name, *text, SourceKind::Std);
        for d in aifin::syntax::parse_file(&sources, id).0.decls {
            match d {
                Decl::Unit(u) => out.insert(u.name.name),
                Decl::Currency(c) => out.insert(c.name.name),
                _ => false,
            };
        }
    }
    out
}

fn option_words() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in ENTITY_FIELDS.iter().chain(CONTRACTS.iter().flat_map(|c| c.fields)) {
        if let FieldType::Choice(w) | FieldType::ChoiceOrSeries(w) = f.ty {
            out.extend(w.iter().map(|s| s.to_string()));
        }
    }
    out.extend(Calendar::WORDS.iter().chain(BusinessDay::WORDS).map(|s| s.to_string()));
    // a scenario's `rounding` words
    out.extend(Rounding::WORDS.iter().map(|s| s.to_string()));
    out
}

/// `\b(?:a|b|c)\b`, longest words first; a word that is not a name (`%`) comes after.
fn alternation(words: &BTreeSet<String>, suffix: &str) -> String {
    let mut names: Vec<&String> = words.iter().filter(|w| w.chars().all(|c| c.is_alphanumeric() || c == '_')).collect();
    names.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    let others: Vec<String> = words
        .iter()
        .filter(|w| !w.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .map(|w| fancy_regex::escape(w).to_string())
        .collect();
    let joined: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
    let mut re = format!("\\b(?:{})\\b{suffix}", joined.join("|"));
    for o in others {
        re.push('|');
        re.push_str(&o);
    }
    re
}

#[test]
fn the_grammar_word_lists_follow_the_compiler_lists() {
    let terms: BTreeSet<String> =
        ENTITY_FIELDS.iter().chain(CONTRACTS.iter().flat_map(|c| c.fields)).map(|f| f.name.to_string()).collect();
    let builtins: BTreeSet<String> = BUILTINS.iter().map(|b| b.name.to_string()).collect();
    let declaration: BTreeSet<String> =
        aifin::syntax::grammar::DECLARATION_KEYWORDS.iter().map(|s| s.to_string()).collect();
    let mut other = words_in_pest("kw_");
    other.extend(words_in_pest("relative ="));
    other.retain(|w| !declaration.contains(w));
    let steps = words_in_pest("step =");
    assert!(
        steps.contains("monthly") && other.contains("extends") && other.contains("relative"),
        "{steps:?} {other:?}"
    );
    let units = std_units();
    assert!(units.contains("USD") && units.contains("%"), "{units:?}");
    let term = alternation(&terms, "");
    let expected: Vec<(&str, Option<usize>, String)> = vec![
        ("keywords-declaration", None, alternation(&declaration, "")),
        ("keywords-other", None, alternation(&other, "")),
        ("steps", None, alternation(&steps, "")),
        ("builtins", None, alternation(&builtins, "")),
        ("options", None, alternation(&option_words(), "")),
        ("units", None, alternation(&units, "")),
        ("term", Some(0), format!("^\\s*({term})")),
        ("term", Some(1), format!("(?<=[{{,])\\s*({term})")),
    ];
    let mut g = grammar_json();
    let mut stale = Vec::new();
    for (key, index, want) in &expected {
        let entry = &mut g["repository"][*key];
        let slot = match index {
            Some(i) => &mut entry["patterns"][*i]["match"],
            None => &mut entry["match"],
        };
        if slot.as_str() != Some(want.as_str()) {
            stale.push(key.to_string());
            *slot = json!(want);
        }
    }
    if std::env::var_os("AIFIN_BLESS").is_some() {
        if !stale.is_empty() {
            std::fs::write(GRAMMAR, serde_json::to_string_pretty(&g).unwrap() + "\n").unwrap();
        }
        return;
    }
    assert!(
        stale.is_empty(),
        "{GRAMMAR}: {stale:?} differ from the compiler's lists; AIFIN_BLESS=1 cargo test --test textmate"
    );
    // the VS Code extension ships the same grammar
    let copy = std::fs::read_to_string("editors/vscode/syntaxes/aifin.tmLanguage.json").unwrap_or_default();
    assert_eq!(copy, std::fs::read_to_string(GRAMMAR).unwrap(), "copy {GRAMMAR} to editors/vscode/syntaxes/");
}
