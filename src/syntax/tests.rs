//! Parser tests: the tricky corners of the grammar.

use super::ast::*;
use super::*;
use crate::source::SourceKind;

fn one_expr(text: &str) -> Result<Expr, Vec<ParseError>> {
    let mut map = SourceMap::new();
    let id = map.add("<test>", text, SourceKind::Input);
    parse_expr(&map, id)
}

fn file(text: &str) -> (File, Vec<ParseError>) {
    let mut map = SourceMap::new();
    let id = map.add("<test>", text, SourceKind::File);
    parse_file(&map, id)
}

fn printed(text: &str) -> String {
    one_expr(text).map(|e| fmt::expr(&e)).unwrap_or_else(|e| format!("{e:?}"))
}

#[test]
fn a_slash_before_a_number_divides_quantities() {
    let e = one_expr("1.4T USD / 20B USD/year").map_err(|e| format!("{e:?}"));
    let Ok(Expr { kind: ExprKind::Binary { op: BinaryOp::Div, lhs, rhs, .. }, .. }) = e else {
        panic!("not a division: {e:?}");
    };
    assert!(matches!(&lhs.kind, ExprKind::Quantity { unit: Some(u), .. } if u.factors.len() == 1));
    assert!(matches!(&rhs.kind, ExprKind::Quantity { unit: Some(u), .. } if u.factors.len() == 2));
    assert_eq!(printed("1.4T USD / (20B USD/year)"), "1.4T USD / (20B USD/year)");
}

#[test]
fn precedence_and_conversion() {
    assert_eq!(printed("2*(3.5B+250M)/4"), "2 * (3.5B + 250M) / 4");
    assert_eq!(printed("15M USD/day in USD/hour"), "15M USD/day in USD/hour");
    assert_eq!(printed("9%/year"), "9%/year");
    assert_eq!(printed("-2^2"), "-2^2");
    let Ok(Expr { kind: ExprKind::Unary { operand, .. }, .. }) = one_expr("-2^2") else { panic!("unary first") };
    assert!(matches!(operand.kind, ExprKind::Binary { op: BinaryOp::Pow, .. }));
    assert_eq!(printed("30k USD .. 40k USD ~ 32k USD"), "30k USD .. 40k USD ~ 32k USD");
    assert_eq!(
        printed("cagr(20B USD/year @ 2025, 200B USD/year @ 2030)"),
        "cagr(20B USD/year @ 2025, 200B USD/year @ 2030)"
    );
    assert_eq!(printed("logistic(floor: 0.8B user, cap: 3B user)"), "logistic(floor: 0.8B user, cap: 3B user)");
    assert_eq!(printed("100MW"), "100 MW");
    assert_eq!(printed("2025-01 .. 2030-12"), "2025-01 .. 2030-12");
    assert_eq!(printed("total(x, 2025-H1)"), "total(x, 2025-H1)");
}

#[test]
fn literals_out_of_range_are_errors_at_the_literal() {
    let Err(errs) = one_expr("99999999999999999999999999999 + 1") else { panic!("must fail") };
    assert!(
        matches!(errs.first(), Some(ParseError::NumberOutOfRange { span }) if span.start() == 0 && span.end() == 29)
    );
}

#[test]
fn deep_nesting_is_a_limit_error() {
    let text = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
    let Err(errs) = one_expr(&text) else { panic!("must fail") };
    assert!(matches!(errs.first(), Some(ParseError::NestingTooDeep { .. })));
}

#[test]
fn invalid_dates_are_reported() {
    let Err(errs) = one_expr("2025-02-30") else { panic!("must fail") };
    assert!(matches!(errs.first(), Some(ParseError::InvalidDate { .. })));
    let Err(errs) = one_expr("2025-13") else { panic!("must fail") };
    assert!(matches!(errs.first(), Some(ParseError::InvalidDate { .. })));
}

#[test]
fn three_broken_declarations_give_three_errors() {
    let src = "entity A { cash 1 USD }\ndriver x = 1 +\nentity B { cash }\nclaim \"c\": x >=\ndriver ok = 2\n";
    let (f, errs) = file(src);
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert_eq!(f.decls.len(), 2, "the good declarations survive");
}

#[test]
fn a_unit_does_not_reach_across_lines() {
    let (f, errs) = file("contract c: loan {\n  steepness 0.8\n  midpoint 2028\n}\n");
    assert!(errs.is_empty(), "{errs:?}");
    let Some(Decl::Contract(c)) = f.decls.first() else { panic!("contract") };
    assert_eq!(c.fields.len(), 2);
}

#[test]
fn every_declaration_kind_parses() {
    let src = r#"
import "std/units"
scenario base { timeline 2025-01 .. 2030-12 monthly  currency USD }
scenario bear extends base { r = 1 }
entity OpenAI { cash 2025-01-01: 17.5B USD, min_cash 1B USD }
driver sora: USD/day = 15M USD/day
curve rev = cagr(20B USD/year @ 2025, 200B USD/year @ 2030)
flow OpenAI.revenue <- world: rev from 2025-01 to 2030-12 as revenue
flow OpenAI.dc -> world: 10B USD on 2026-03-01 as capex life 5 year
contract s: take_or_pay { buyer OpenAI seller Oracle total 300B USD over 2027-01 .. 2031-12 schedule even }
claim "F4" (facts F4): annual(OpenAI.revenue, 2025) / 1.4T USD ~= 1.43% within 0.005%
claim "F8" (facts F8) expect fail: 1 USD >= 2M USD
claim "r" : 1 in 0 .. 2
report cash(OpenAI), profit(OpenAI) as "profit" yearly
unit GPU
unit kWh = 1000 W*hour
unit second: Time
dimension Energy = Power * Time
currency USD minor 2
exchange 1 EUR = 1.08 USD
"#;
    let (f, errs) = file(src);
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(f.decls.len(), 19);
}

#[test]
fn trailing_trivia_is_trimmed_and_nothing_else() {
    use super::trim_trivia;
    for (text, kept) in [
        ("1 USD", "1 USD"),
        ("1 USD \t\r\n\n", "1 USD"),
        ("x // note\n", "x"),
        ("x /* a */ /* b */\n  // c\n", "x"),
        ("USD/day\n", "USD/day"),
        ("\"a // b\"\n", "\"a // b\""),
        ("\"a // b\" // c\n", "\"a // b\""),
        // the grammar skips only ASCII tab..space: a no-break space is not trivia
        ("x\u{a0}", "x\u{a0}"),
        ("é \n", "é"),
        // every ASCII control byte from tab to space is whitespace to the grammar
        ("x\u{b}\u{1f}", "x"),
    ] {
        assert_eq!(trim_trivia(text), kept, "{text:?}");
    }
}

/// A unit factor is one atomic pair and a number has none of its own (issue 20): the builder
/// reads the name, the power and the number from the text, with the spans the pairs had.
#[test]
fn unit_powers_and_numbers_are_read_from_their_text() {
    let factors = |text: &str| match one_expr(text) {
        Ok(Expr { kind: ExprKind::Quantity { unit: Some(u), .. }, .. }) => {
            u.factors.iter().map(|f| (f.name.name.clone(), f.power, f.span.start(), f.span.end())).collect::<Vec<_>>()
        }
        other => panic!("{text}: not a quantity with a unit: {other:?}"),
    };
    assert_eq!(factors("3 m^2"), vec![("m".to_string(), 2, 2, 5)]);
    assert_eq!(factors("3 m ^ -2/s"), vec![("m".to_string(), -2, 2, 8), ("s".to_string(), 1, 9, 10)]);
    assert_eq!(factors("3 m^ /* squared */ 2"), vec![("m".to_string(), 2, 2, 20)]);
    assert_eq!(factors("9%/year"), vec![("%".to_string(), 1, 1, 2), ("year".to_string(), 1, 3, 7)]);
    assert_eq!(printed("3 USD^2 ^ 2"), "3 USD^2^2");
    let Err(errs) = one_expr("3 m^13") else { panic!("must fail") };
    assert!(
        matches!(errs.first(), Some(ParseError::IntegerOutOfRange { span, .. }) if (span.start(), span.end()) == (4, 6)),
        "{errs:?}"
    );
    let Err(errs) = one_expr("1 + 99999999999999999999999999999  USD") else { panic!("must fail") };
    assert!(
        matches!(errs.first(), Some(ParseError::NumberOutOfRange { span }) if (span.start(), span.end()) == (4, 33)),
        "{errs:?}"
    );
    let Ok(Expr { kind: ExprKind::Quantity { number, .. }, span }) = one_expr("1_500.25M\tUSD") else {
        panic!("a quantity")
    };
    assert_eq!((number.text.as_str(), span.start(), span.end()), ("1_500.25M", 0, 13));
}

/// A large file is parsed on several threads (issue 20): the declarations and the errors are
/// the same, in the same order, as on one thread — errors in chunks of every worker included.
#[test]
fn several_parsing_threads_give_what_one_gives() {
    let mut text = String::new();
    let mut k = 0;
    while text.len() < 3 * WORKER_BYTES {
        text.push_str(&format!(
            "entity A{k} {{ cash 2025-01-01: 17.5B USD  min_cash 1B USD }}\n\
             driver d{k}: USD/day = 15M USD/day\n\
             curve rev{k} = cagr(20B USD/year @ 2025, 200B USD/year @ 2030)\n\
             flow A{k}.dc -> world: 10B USD on 2026-03-01 as capex life 5 year\n\
             contract loan{k}: loan {{ lender B{k}  borrower A{k}  principal 10B USD  rate 9%/year }}\n\
             claim \"ratio {k}\" (facts F4): rev{k} / 1.4T USD ~= 1.43% within 0.005%\n"
        ));
        // a broken declaration every few blocks: each chunk with one is parsed again piece by piece
        if k % 7 == 3 {
            text.push_str(&format!("driver broken{k} = 1 +\nflow A{k}.x <- world: 10,000 USD\n"));
        }
        k += 1;
    }
    let mut map = SourceMap::new();
    let id = map.add("<big>", text.as_str(), SourceKind::File);
    let stored = map.get(id).map(|s| s.text()).unwrap_or("");
    let one = parse_pieces_on(id, stored, 1);
    assert!(
        one.0.decls.len() > 1_000 && one.1.len() > 10,
        "{} declarations, {} errors",
        one.0.decls.len(),
        one.1.len()
    );
    for workers in [2, 3, 8] {
        let many = parse_pieces_on(id, stored, workers);
        assert_eq!(format!("{:?}", many.0), format!("{:?}", one.0), "{workers} workers: declarations");
        assert_eq!(format!("{:?}", many.1), format!("{:?}", one.1), "{workers} workers: errors");
    }
    assert!(parse_workers(stored.len()) >= 1 && parse_workers(0) == 1);
}

/// What may follow a unit is listed in full (pest leaves rules tried inside an atomic rule out of
/// its "expected …" lists: a unit factor is compound-atomic so `^` and its power are listed),
/// and an expression's size is counted before any operand is built, so the size error comes
/// before an operand's own (issue 20: a unit factor made atomic and a size counted as built
/// each changed one of these).
#[test]
fn expected_lists_after_a_unit_and_the_size_error_come_first() {
    let expected = |text: &str| match file(text).1.first() {
        Some(ParseError::Syntax { expected, .. }) => expected.clone(),
        other => panic!("{text}: not a syntax error: {other:?}"),
    };
    assert!(expected("claim \"c\": 1 USD = 2 USD\n").contains(&"`^`".to_string()));
    assert_eq!(expected("driver x: USD^ = 1 USD\n"), vec!["a whole number".to_string()]);
    assert!(expected("driver a = 3 m^\n").contains(&"a whole number".to_string()));
    let big = format!("driver x = 99999999999999999999999999999 USD{}\n", " + 1 USD".repeat(20_000));
    assert!(matches!(file(&big).1.first(), Some(ParseError::ExpressionTooLarge { .. })), "{:?}", file(&big).1.first());
}
