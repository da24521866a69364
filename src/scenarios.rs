//! Several scenarios at once (`--all-scenarios` of `aifin run` and `aifin check --claims`):
//! which scenarios, and their outcomes as one JSON array or one CSV table.

use crate::check::ir::Program;
use crate::report::Outcome;

/// The names of the scenarios to evaluate: `name` alone, or every declared scenario when
/// `all` is set.
pub fn names(program: &Program, name: Option<&str>, all: bool) -> Vec<Option<String>> {
    if all {
        program.scenarios.iter().map(|s| Some(s.name.clone())).collect()
    } else {
        vec![name.map(str::to_string)]
    }
}

/// Several scenarios' outcomes as one JSON array, in order.
pub fn json_all(outcomes: &[Outcome]) -> String {
    let docs: Vec<serde_json::Value> =
        outcomes.iter().filter_map(|o| serde_json::from_str(&crate::report::json::render(o)).ok()).collect();
    let mut s = serde_json::to_string_pretty(&docs).unwrap_or_default();
    s.push('\n');
    s
}

/// Several scenarios' outcomes as one CSV: a `scenario` column first, one header row.
pub fn csv_all(outcomes: &[Outcome]) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header_written = false;
    for o in outcomes {
        let text = crate::report::csv::render(o);
        let mut r = csv::ReaderBuilder::new().has_headers(true).from_reader(text.as_bytes());
        if !header_written {
            let mut h = vec!["scenario".to_string()];
            if let Ok(hs) = r.headers() {
                h.extend(hs.iter().map(str::to_string));
            }
            if w.write_record(&h).is_err() {
                break;
            }
            header_written = true;
        }
        for rec in r.records().flatten() {
            let mut row = vec![o.scenario.clone()];
            row.extend(rec.iter().map(str::to_string));
            if w.write_record(&row).is_err() {
                break;
            }
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
