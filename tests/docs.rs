//! docs/language.md must mention every built-in, std unit, field, term and diagnostic code.

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
    let m = missing(aifin::check::ir::BUILTINS.iter().map(|b| format!("`{}(", b.0)));
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
