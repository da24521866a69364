//! `aifin fmt` keeps comments in place (issue 16): comments inserted at random token
//! boundaries of the examples survive parse → print → parse, each exactly once; a comment at
//! the end of a one-line declaration stays on its line; a comment inside a declaration of
//! several lines (entity, contract, scenario) stays inside it; and the output is a fixed point.

use aifin::source::{SourceKind, SourceMap};
use aifin::syntax::ast::{Decl, File};
use proptest::prelude::*;
use std::path::Path;

fn parse(text: &str) -> Option<(File, SourceMap)> {
    let mut map = SourceMap::new();
    let id = map.add("<t>", text.to_string(), SourceKind::File);
    let (file, errors) = aifin::syntax::parse_file(&map, id);
    errors.is_empty().then_some((file, map))
}

fn fmt(text: &str) -> Option<String> {
    let (file, map) = parse(text)?;
    Some(aifin::syntax::fmt::file(&file, &map))
}

/// The examples that parse, as text (read once).
fn examples() -> &'static [String] {
    static ALL: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        aifin::golden::examples(Path::new("examples"))
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|t| parse(t).is_some())
            .collect()
    })
}

/// Offsets just after a token: a non-blank character followed by a blank, outside strings
/// and comments.
fn boundaries(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut in_str) = (0usize, false);
    while i < b.len() {
        match b[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b'/' if !in_str && b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if !in_str && b.get(i + 1) == Some(&b'*') => {
                while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            c if !in_str && !c.is_ascii_whitespace() && b.get(i + 1).is_some_and(|n| n.is_ascii_whitespace()) => {
                out.push(i + 1)
            }
            _ => {}
        }
        i += 1;
    }
    out
}

fn multi_line(d: &Decl) -> bool {
    matches!(d, Decl::Entity(_) | Decl::Contract(_) | Decl::Scenario(_))
}

fn check_case(text: &str, picks: &[(usize, bool)]) -> Result<(), TestCaseError> {
    let spots = boundaries(text);
    if spots.is_empty() {
        return Ok(());
    }
    let mut at: Vec<(usize, bool)> = picks.iter().map(|(i, line)| (spots[i % spots.len()], *line)).collect();
    at.sort();
    at.dedup_by_key(|x| x.0);
    // insert back to front so offsets stay valid; remember each marker's offset in the input
    let mut input = text.to_string();
    let mut markers: Vec<(String, usize, bool)> = Vec::new();
    for (n, (pos, line)) in at.iter().enumerate().rev() {
        let tag = format!("c{n}x");
        let c = if *line { format!(" // {tag}\n") } else { format!(" /* {tag} */") };
        input.insert_str(*pos, &c);
        markers.push((tag, *pos, *line));
    }
    // offsets shift by the comments inserted before each one
    let mut shift = 0usize;
    markers.reverse();
    for (tag, pos, line) in markers.iter_mut() {
        *pos += shift + 1;
        shift += if *line { format!(" // {tag}\n").len() } else { format!(" /* {tag} */").len() };
    }
    let Some((before, _)) = parse(&input) else { return Ok(()) };
    let once = fmt(&input).unwrap_or_default();
    let Some((after, map)) = parse(&once) else {
        return Err(TestCaseError::fail(format!("fmt output does not parse:\n{once}")));
    };
    prop_assert_eq!(before.decls.len(), after.decls.len(), "declarations changed:\n{}", once);
    let twice = fmt(&once).unwrap_or_default();
    prop_assert_eq!(&twice, &once, "not a fixed point:\n{}", once);
    let _ = map;
    for (tag, pos, line) in &markers {
        prop_assert_eq!(once.matches(tag.as_str()).count(), 1, "{} lost or doubled:\n{}", tag, once);
        let out_at = once.find(tag.as_str()).unwrap_or(0);
        // inside a multi-line declaration before → inside the same one after
        if let Some(k) = before.decls.iter().position(|d| d.span().start() < *pos && *pos < d.span().end()) {
            if multi_line(&before.decls[k]) {
                let d = &after.decls[k];
                prop_assert!(
                    d.span().start() < out_at && out_at < d.span().end(),
                    "{} left its declaration:\n{}",
                    tag,
                    once
                );
            }
        }
        // a `//` comment right after a one-line declaration stays on its line
        if let Some(k) = before.decls.iter().position(|d| d.span().end() + 1 == *pos) {
            if *line && !multi_line(&before.decls[k]) && !matches!(before.decls[k], Decl::Claim(_)) {
                let line_start = once[..out_at].rfind('\n').map_or(0, |i| i + 1);
                let d = &after.decls[k];
                prop_assert!(
                    d.span().start() >= line_start && d.span().start() < out_at,
                    "{} left the line of its declaration:\n{}",
                    tag,
                    once
                );
            }
        }
    }
    Ok(())
}

#[test]
fn the_issue_example_keeps_its_comment_on_its_line() {
    let src = "driver opex_ratio = 47%  // assumption\ndriver capex = 1B USD\n";
    assert_eq!(fmt(src).as_deref(), Some(src));
    let src = "entity Lab {\n  // opening balance\n  cash 1B USD  // audited\n}\n";
    assert_eq!(fmt(src).as_deref(), Some(src));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn comments_at_random_token_boundaries_stay_in_place(
        which in any::<prop::sample::Index>(),
        picks in prop::collection::vec((any::<usize>(), any::<bool>()), 1..6),
    ) {
        let all = examples();
        prop_assume!(!all.is_empty());
        let text = which.get(all);
        check_case(text, &picks)?;
    }
}
