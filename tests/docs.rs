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
    codes.extend(aifin::eval::EvalWarning::CODES);
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
    grid(&head, rows.into_iter().map(|(a, b)| vec![a, b]))
}

fn grid(head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut t = format!("| {} |\n|{}\n", head.join(" | "), "---|".repeat(head.len()));
    for r in rows {
        t.push_str(&format!("| {} |\n", r.join(" | ")));
    }
    t
}

/// What a field takes, in the docs' short words.
fn takes(ty: aifin::check::spec::FieldType) -> String {
    use aifin::check::spec::FieldType as T;
    let words = |c: &[&str]| c.iter().map(|w| format!("`{w}`")).collect::<Vec<_>>().join(" ");
    match ty {
        T::Entity => "entity".into(),
        T::Money => "money".into(),
        T::MoneyOrRate => "money or money per time".into(),
        T::PerTime => "per time".into(),
        T::Duration => "duration".into(),
        T::Cycle => "cycle or `maturity`".into(),
        T::Fraction => "pure number".into(),
        T::Date => "date".into(),
        T::PeriodRange => "period range".into(),
        T::Choice(c) => words(c),
        T::ChoiceOrSeries(c) => format!("{} or a curve", words(c)),
        T::FlowRef => "a flow `ENTITY.NAME`".into(),
        T::PerTimeOrCurve => "per time, or a curve of them".into(),
        T::FractionOrCurve => "pure number, or a curve of them".into(),
        T::DatedMoney => "amounts of money at days: `2B USD @ 2025-03-01, 3B USD @ 2025-09-01`".into(),
    }
}

fn fields(head: &[&str], fs: &[aifin::check::spec::FieldSpec], with_actus: bool) -> String {
    use aifin::check::spec::FieldType as T;
    let rows = fs.iter().map(|f| {
        let choice = matches!(f.ty, T::Choice(c) | T::ChoiceOrSeries(c) if c.contains(&f.default));
        let default = match () {
            _ if f.required => "required".to_string(),
            _ if choice => format!("`{}`", f.default),
            _ => f.default.to_string(),
        };
        let mut r = vec![format!("`{}`", f.name), takes(f.ty), default];
        if with_actus {
            r.push(f.actus.to_string());
        }
        r.push(f.doc.replace('|', "\\|"));
        r
    });
    grid(head, rows)
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
    all.extend(aifin::eval::EvalWarning::DOCS);
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
    let mut sections = vec![
        ("builtins-curves".to_string(), builtins(BuiltinGroup::Curve)),
        ("builtins-series".to_string(), builtins(BuiltinGroup::Series)),
        ("builtins-distributions".to_string(), builtins(BuiltinGroup::Distribution)),
        ("builtins-finance".to_string(), builtins(BuiltinGroup::Finance)),
        ("diagnostic-codes".to_string(), codes()),
        (
            "entity-fields".to_string(),
            fields(&["field", "takes", "default", "meaning"], aifin::check::spec::ENTITY_FIELDS, false),
        ),
    ];
    for c in aifin::check::spec::CONTRACTS {
        let loan = c.fields.iter().any(|f| !f.actus.is_empty());
        let head: &[&str] = if loan {
            &["term", "takes", "default", "ACTUS term", "meaning"]
        } else {
            &["term", "takes", "default", "meaning"]
        };
        sections.push((format!("terms-{}", c.kind), fields(head, c.fields, loan)));
    }
    for (name, body) in sections {
        let name = name.as_str();
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
