//! Runs every example under `examples/` against its `.expected` file (see `src/golden.rs`).
//! `AIFIN_BLESS=1 cargo test --test golden` rewrites the expected files instead.

use aifin::golden;
use std::collections::BTreeSet;
use std::path::Path;

#[test]
fn every_example_matches_its_expected_output() {
    let bless = std::env::var_os("AIFIN_BLESS").is_some_and(|v| v != "0");
    let summary = golden::run_all(Path::new("examples"), bless, &|args| {
        aifin::cli::run(args, aifin::diagnostic::RenderStyle::Plain)
    });
    print!("{}", summary.report);
    assert!(summary.passed > 0, "no examples found");
    assert_eq!(summary.failed, 0, "{}", summary.report);
}

#[test]
fn every_diagnostic_code_has_an_error_example() {
    let mut codes: Vec<(&str, &str)> = Vec::new();
    // source_too_large needs a file over 64 MiB (tested in src/limits.rs and below).
    codes.extend(
        aifin::syntax::error::ParseError::CODES
            .iter()
            .filter(|c| **c != "aifin::parse::source_too_large")
            .map(|c| ("parse", *c)),
    );
    codes.extend(aifin::units::UnitError::CODES.iter().map(|c| ("units", *c)));
    codes.extend(aifin::check::CheckError::CODES.iter().map(|c| ("types", *c)));
    codes.extend(aifin::driver::LoadError::CODES.iter().map(|c| ("load", *c)));
    codes.extend(aifin::eval::EvalError::CODES.iter().filter(|c| **c != "aifin::eval::internal").map(|c| ("eval", *c)));
    codes.extend(aifin::eval::EvalWarning::CODES.iter().map(|c| ("eval", *c)));
    let mut seen = BTreeSet::new();
    for ex in golden::examples(Path::new("examples/errors")) {
        let text = std::fs::read_to_string(golden::expected_path(&ex)).unwrap_or_default();
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with("aifin::") {
                seen.insert(t.to_string());
            }
        }
    }
    let missing: Vec<String> = codes
        .iter()
        .filter(|(_, c)| !seen.contains(*c))
        .map(|(stage, c)| format!("{c} (add examples/errors/{stage}/…)"))
        .collect();
    assert!(missing.is_empty(), "codes with no error example:\n{}", missing.join("\n"));
}

#[test]
fn every_example_formats_to_a_fixed_point() {
    // parse -> print -> parse gives the same AST (spans aside): print(parse(print(x))) == print(x),
    // and the two ASTs have the same shape.
    for ex in golden::examples(Path::new("examples")) {
        let mut map = aifin::source::SourceMap::new();
        let text = std::fs::read_to_string(&ex).unwrap_or_default();
        let id = map.add(ex.display().to_string(), text, aifin::source::SourceKind::File);
        let (ast1, errs) = aifin::syntax::parse_file(&map, id);
        if !errs.is_empty() {
            continue; // parse-error examples have nothing to format
        }
        let once = aifin::syntax::fmt::file(&ast1, &map);
        let id2 = map.add("<formatted>", once.clone(), aifin::source::SourceKind::File);
        let (ast2, errs2) = aifin::syntax::parse_file(&map, id2);
        assert!(errs2.is_empty(), "{}: the formatted text does not parse:\n{once}\n{errs2:?}", ex.display());
        assert_eq!(strip_spans(&ast1), strip_spans(&ast2), "{}: AST changed by formatting", ex.display());
        let twice = aifin::syntax::fmt::file(&ast2, &map);
        assert_eq!(once, twice, "{}: formatting is not idempotent", ex.display());
    }
}

/// The Debug text of an AST without its spans and number spellings-as-positions.
fn strip_spans(f: &aifin::syntax::ast::File) -> String {
    let text = format!("{f:?}");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        match rest[i..].find('}') {
            Some(j) => rest = &rest[i + j + 1..],
            None => break,
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn a_source_over_the_limit_is_a_diagnostic() {
    let mut map = aifin::source::SourceMap::new();
    let big = " ".repeat(aifin::limits::MAX_SOURCE_BYTES + 1);
    let id = map.add("big.aifin", big, aifin::source::SourceKind::File);
    let (_, errs) = aifin::syntax::parse_file(&map, id);
    let codes: Vec<&str> = errs.iter().map(aifin::diagnostic::ToDiagnostic::code).collect();
    assert_eq!(codes, vec!["aifin::parse::source_too_large"]);
}
