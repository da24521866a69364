//! Every crash the fuzz targets (fuzz/, docs/fuzzing.md) found, as a test. The inputs are the
//! fuzzers' own artifacts, kept in tests/data/fuzz/.

use aifin::source::{SourceKind, SourceMap};
use aifin::syntax::ast::Decl;

fn parse(text: &str) -> (Vec<Decl>, usize) {
    let mut map = SourceMap::new();
    let id = map.add("<import>", text.to_string(), SourceKind::Input);
    let (file, errors) = aifin::syntax::parse_file(&map, id);
    (file.decls, errors.len())
}

/// fuzz target `actus`, 76 s into its first run: a contract ID with a newline (`\n` in the
/// JSON) was written into a `//` comment as it was, so the rest of the ID became code: the
/// imported file did not parse, and a crafted ID could inject declarations (an `import`).
#[test]
fn an_actus_contract_id_cannot_break_out_of_its_comment() {
    let json = std::fs::read_to_string("tests/data/fuzz/actus_id_with_newline.json").unwrap();
    let out = aifin::contracts::actus::import(&json).unwrap();
    let (_, errors) = parse(&out);
    assert_eq!(errors, 0, "{out}");

    let crafted = json.replacen("\"contractID\": \"", "\"contractID\": \"x\\nimport \\\"secret.aifin\\\"\\n", 1);
    let out = aifin::contracts::actus::import(&crafted).unwrap();
    let (decls, errors) = parse(&out);
    assert_eq!(errors, 0, "{out}");
    assert!(!decls.iter().any(|d| matches!(d, Decl::Import(_))), "an import was injected:\n{out}");
}

/// fuzz target `actus`, second run: a date with a five-digit year (`20101-03-01`) was taken,
/// and the imported file's timeline `20101-03 .. 20111-03` did not parse. Such a date is now
/// an import error naming the term.
#[test]
fn an_actus_date_aifin_cannot_write_is_refused() {
    let json = std::fs::read_to_string("tests/data/fuzz/actus_five_digit_year.json").unwrap();
    match aifin::contracts::actus::import(&json) {
        Ok(out) => assert_eq!(parse(&out).1, 0, "{out}"),
        Err(e) => assert!(format!("{e:?}").contains("Date"), "{e:?}"),
    }
}

/// fuzz target `actus`, third run: a contract starting in 9997 with no maturity got the
/// default ten-year window of books, `9997-01 .. 10007-01`, which does not parse. The window
/// now stops at 9999-12.
#[test]
fn an_actus_books_window_stops_at_year_9999() {
    let json = std::fs::read_to_string("tests/data/fuzz/actus_window_past_9999.json").unwrap();
    match aifin::contracts::actus::import(&json) {
        Ok(out) => assert_eq!(parse(&out).1, 0, "{out}"),
        Err(e) => assert!(!format!("{e:?}").is_empty()),
    }
}

/// fuzz target `actus`, fourth run: a huge rate made `rate × 100` overflow, a panic. A rate too
/// large for `%/year` is now written as the same value `/year`.
#[test]
fn an_actus_huge_rate_does_not_panic() {
    let json = std::fs::read_to_string("tests/data/fuzz/actus_huge_rate.json").unwrap();
    if let Ok(out) = aifin::contracts::actus::import(&json) {
        assert_eq!(parse(&out).1, 0, "{out}");
    }
}
