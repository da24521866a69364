//! std/units declares every ISO 4217 currency with its minor unit, generated from the table
//! `std_lib/iso4217.tsv` (never typed by hand). This test is the generator: it rebuilds the
//! block between the markers in `std_lib/units.aifin` and the list in `docs/language.md` from
//! the table and fails if either differs; `AIFIN_BLESS=1 cargo test --test currencies`
//! rewrites them.

const BEGIN: &str = "// ---- Money: every ISO 4217 currency";
const END: &str = "// ---- end of the generated currencies";
const DOC_BEGIN: &str = "<!-- currencies: generated from std_lib/iso4217.tsv by tests/currencies.rs -->";
const DOC_END: &str = "<!-- end of the generated currencies -->";

/// (code, minor unit, name) of every currency with a minor unit.
fn table() -> Vec<(String, String, String)> {
    let text = std::fs::read_to_string("std_lib/iso4217.tsv").unwrap_or_default();
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut parts = l.split('\t');
            let (code, minor, name) = (parts.next()?, parts.next()?, parts.next()?);
            minor.parse::<u32>().ok().map(|_| (code.to_string(), minor.to_string(), name.to_string()))
        })
        .collect()
}

fn units_block(rows: &[(String, String, String)]) -> String {
    let mut s = format!(
        "{BEGIN} with the decimals of its minor unit; each its own dimension ----\n\
         // Generated from std_lib/iso4217.tsv by tests/currencies.rs: edit the table, not these lines.\n"
    );
    for (code, minor, name) in rows {
        s.push_str(&format!("currency {code} minor {minor}  // {name}\n"));
    }
    s.push_str(END);
    s.push_str(" ----\n");
    s
}

fn docs_block(rows: &[(String, String, String)]) -> String {
    let list: Vec<String> = rows.iter().map(|(c, m, _)| format!("`{c}` {m}")).collect();
    format!("{DOC_BEGIN}\n{}\n{DOC_END}", list.join(", "))
}

/// `text` with the part from `begin` to the end of the line holding `end` replaced by `block`.
fn splice(text: &str, begin: &str, end: &str, block: &str) -> Option<String> {
    let a = text.find(begin)?;
    let b = a + text.get(a..)?.find(end)?;
    let b = b + text.get(b..)?.find('\n').map(|i| i + 1).unwrap_or(text.len() - b);
    Some(format!("{}{}{}", text.get(..a)?, block, text.get(b..)?))
}

fn check(path: &str, begin: &str, end: &str, block: &str) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let Some(new) = splice(&text, begin, end, block) else {
        panic!("{path}: no generated block between {begin:?} and {end:?}")
    };
    if std::env::var_os("AIFIN_BLESS").is_some() {
        std::fs::write(path, &new).unwrap_or_else(|e| panic!("{path}: {e}"));
    } else {
        assert!(
            new == text,
            "{path} is not what std_lib/iso4217.tsv gives: run AIFIN_BLESS=1 cargo test --test currencies"
        );
    }
}

#[test]
fn std_units_declares_every_iso_currency_from_the_table() {
    let rows = table();
    assert!(rows.len() > 150, "the ISO 4217 table has {} currencies", rows.len());
    assert!(rows.iter().any(|(c, m, _)| c == "CHF" && m == "2"));
    assert!(rows.iter().any(|(c, m, _)| c == "JPY" && m == "0"));
    assert!(rows.iter().any(|(c, m, _)| c == "KWD" && m == "3"));
    check("std_lib/units.aifin", BEGIN, END, &units_block(&rows));
    check("docs/language.md", DOC_BEGIN, DOC_END, &format!("{}\n", docs_block(&rows)));
}
