//! docs/language.md must mention every built-in, std unit, field, term and diagnostic code,
//! and its generated tables must be what the specs say today.
//!
//! A generated table sits between `<!-- generated: NAME -->` and `<!-- end generated -->`; its
//! text is made here from the one list of its fact (`check::ir::BUILTINS`, each stage's
//! diagnostic `DOCS`). `AIFIN_BLESS=1 cargo test --test docs` rewrites them.

use std::collections::BTreeSet;

fn docs() -> String {
    std::fs::read_to_string("docs/language.md").unwrap_or_default()
}

fn missing(names: impl IntoIterator<Item = String>) -> Vec<String> {
    let d = docs();
    let set: BTreeSet<String> = names.into_iter().filter(|n| !d.contains(n.as_str())).collect();
    set.into_iter().collect()
}

#[test]
fn every_builtin_function_is_documented() {
    let m = missing(aifin::check::ir::BUILTINS.iter().map(|b| format!("`{}(", b.name)));
    assert!(m.is_empty(), "undocumented built-ins: {m:?}");
}

#[test]
fn every_field_and_term_is_documented() {
    use aifin::check::spec::{CONTRACTS, ENTITY_FIELDS};
    let mut names: Vec<String> = ENTITY_FIELDS.iter().map(|f| format!("| `{}` |", f.name)).collect();
    for c in CONTRACTS {
        names.push(format!("**`{}`**", c.kind));
        names.extend(c.fields.iter().map(|f| format!("| `{}` |", f.name)));
    }
    let m = missing(names);
    assert!(m.is_empty(), "undocumented fields or terms: {m:?}");
}

#[test]
fn every_std_unit_is_documented() {
    let mut map = aifin::source::SourceMap::new();
    let loaded = aifin::driver::load_text(&mut map, "<docs>", "");
    let (program, _, diags) = aifin::driver::compile(&loaded, None);
    assert!(diags.is_empty());
    let m = missing(program.registry.units().iter().map(|u| format!("`{}`", u.name)));
    assert!(m.is_empty(), "undocumented units: {m:?}");
}

#[test]
fn every_diagnostic_code_is_documented() {
    let mut codes: Vec<&str> = Vec::new();
    codes.extend(aifin::syntax::error::ParseError::CODES);
    codes.extend(aifin::units::UnitError::CODES);
    codes.extend(aifin::check::CheckError::CODES);
    codes.extend(aifin::driver::LoadError::CODES);
    codes.extend(aifin::eval::EvalError::CODES);
    let m = missing(codes.iter().map(|c| format!("`{c}`")));
    assert!(m.is_empty(), "undocumented codes: {m:?}");
}

#[test]
fn every_std_module_loads_on_its_own() {
    for (name, _) in aifin::driver::STD_MODULES {
        let mut map = aifin::source::SourceMap::new();
        let loaded = aifin::driver::load_text(&mut map, "<std test>", &format!("import \"{name}\"\n"));
        let (_, _, diags) = aifin::driver::compile(&loaded, None);
        assert!(diags.is_empty(), "{name}: {diags:?}");
    }
}

fn table(head: [&str; 2], rows: impl IntoIterator<Item = (String, String)>) -> String {
    let mut t = format!("| {} | {} |\n|---|---|\n", head[0], head[1]);
    for (a, b) in rows {
        t.push_str(&format!("| {a} | {b} |\n"));
    }
    t
}

fn builtins(group: aifin::check::ir::BuiltinGroup) -> String {
    let rows = aifin::check::ir::BUILTINS
        .iter()
        .filter(|b| b.group == group)
        .map(|b| (format!("`{}`", b.signature.replace('|', "\\|")), b.doc.to_string()));
    table(["call", "meaning"], rows)
}

fn codes() -> String {
    let mut all: Vec<(&str, &str)> = Vec::new();
    all.extend(aifin::syntax::error::ParseError::DOCS);
    all.extend(aifin::units::UnitError::DOCS);
    all.extend(aifin::check::CheckError::DOCS);
    all.extend(aifin::driver::LoadError::DOCS);
    all.extend(aifin::eval::EvalError::DOCS);
    table(["code", "when"], all.into_iter().map(|(c, w)| (format!("`{c}`"), w.to_string())))
}

/// `text` with the generated section `name` replaced by `body`; `None` if its markers are missing.
fn with_section(text: &str, name: &str, body: &str) -> Option<String> {
    let open = format!("<!-- generated: {name} -->\n");
    let start = text.find(&open)? + open.len();
    let end = start + text[start..].find("<!-- end generated -->")?;
    Some(format!("{}{}{}", &text[..start], body, &text[end..]))
}

#[test]
fn generated_tables_match_the_specs() {
    use aifin::check::ir::BuiltinGroup;
    let path = "docs/language.md";
    let old = docs();
    let mut new = old.clone();
    for (name, body) in [
        ("builtins-curves", builtins(BuiltinGroup::Curve)),
        ("builtins-series", builtins(BuiltinGroup::Series)),
        ("diagnostic-codes", codes()),
    ] {
        new = with_section(&new, name, &body).unwrap_or_else(|| panic!("{path} has no generated section `{name}`"));
    }
    if new == old {
        return;
    }
    if std::env::var_os("AIFIN_BLESS").is_some_and(|v| v != "0") {
        std::fs::write(path, &new).unwrap();
        return;
    }
    let diff = similar::TextDiff::from_lines(&old, &new).unified_diff().header(path, "generated").to_string();
    panic!("the generated tables of {path} are out of date (AIFIN_BLESS=1 cargo test --test docs):\n{diff}");
}
