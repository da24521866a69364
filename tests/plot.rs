//! Charts and the HTML report (#21): golden SVG and HTML files for a default cascade and a case
//! study, checked byte for byte (`AIFIN_BLESS=1 cargo test --test plot` rewrites them; read the
//! diff), parsed as well-formed XML, self-contained (nothing fetched from anywhere) and
//! accessible (every chart names a `<title>` and a `<desc>`). The README's chart is one of the
//! golden files, so the command shown beside it is what makes it.

use std::path::Path;

/// (golden file, the `aifin` arguments that make it).
const GOLDEN: &[(&str, &[&str])] = &[
    (
        "tests/plot/cascade.svg",
        &[
            "plot",
            "examples/defaults/cascade.aifin",
            "cash(OpenAI)",
            "cash(CoreWeave)",
            "payments(cw_capacity)",
            "payments(cw_debt)",
        ],
    ),
    ("tests/plot/cascade.html", &["run", "examples/defaults/cascade.aifin", "--format", "html"]),
    (
        "docs/img/openai_2025.svg",
        &["plot", "examples/cases/openai_2025.aifin", "revenue(OpenAI)", "costs(OpenAI)", "cash(OpenAI)"],
    ),
    ("tests/plot/openai_2025.html", &["run", "examples/cases/openai_2025.aifin", "--format", "html"]),
    ("tests/plot/compute_web.html", &["run", "examples/cases/compute_web.aifin", "--format", "html"]),
    (
        "tests/plot/sample_cascade.html",
        &[
            "sample",
            "examples/sample/cascade.aifin",
            "--samples",
            "400",
            "--seed",
            "7",
            "--threads",
            "2",
            "--format",
            "html",
        ],
    ),
];

fn aifin(args: &[&str]) -> aifin::cli::Output {
    let mut v = vec!["aifin"];
    v.extend_from_slice(args);
    aifin::cli::run(v, aifin::diagnostic::RenderStyle::Plain)
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The output of `args`, run from the repository's root (the paths in captions are relative).
fn made(args: &[&str]) -> String {
    std::env::set_current_dir(root()).unwrap();
    let out = aifin(args);
    assert_eq!(out.code, 0, "aifin {}: {}", args.join(" "), out.stderr);
    assert!(out.stderr.is_empty(), "{}", out.stderr);
    out.stdout
}

#[test]
fn golden_files_match() {
    let bless = std::env::var_os("AIFIN_BLESS").is_some();
    let mut wrong = Vec::new();
    for (file, args) in GOLDEN {
        let got = made(args);
        let path = root().join(file);
        if bless {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != got {
            let diff = similar::TextDiff::from_lines(&want, &got).unified_diff().header(file, "now").to_string();
            let shown: String = diff.lines().take(60).collect::<Vec<_>>().join("\n");
            wrong.push(format!("{file} differs from `aifin {}`:\n{shown}", args.join(" ")));
        }
    }
    assert!(wrong.is_empty(), "{}\n(AIFIN_BLESS=1 cargo test --test plot rewrites them)", wrong.join("\n\n"));
}

#[test]
fn same_input_same_bytes() {
    for (_, args) in GOLDEN {
        assert_eq!(made(args), made(args), "aifin {}", args.join(" "));
    }
}

/// Every `<svg>` names a `<title>` and a `<desc>` of its own through `aria-labelledby`.
fn check_accessible(doc: &roxmltree::Document<'_>, what: &str) -> usize {
    let mut n = 0;
    for svg in doc.descendants().filter(|e| e.tag_name().name() == "svg") {
        n += 1;
        assert_eq!(svg.attribute("role"), Some("img"), "{what}: an svg without role=img");
        let ids = svg.attribute("aria-labelledby").unwrap_or_else(|| panic!("{what}: an svg without aria-labelledby"));
        for id in ids.split_whitespace() {
            let named =
                doc.descendants().find(|e| e.attribute("id") == Some(id)).unwrap_or_else(|| panic!("{what}: no #{id}"));
            assert!(
                ["title", "desc"].contains(&named.tag_name().name()),
                "{what}: #{id} is a {}",
                named.tag_name().name()
            );
            assert!(named.text().is_some_and(|t| !t.trim().is_empty()), "{what}: #{id} is empty");
        }
    }
    let mut ids: Vec<&str> = doc.descendants().filter_map(|e| e.attribute("id")).collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "{what}: ids are not unique");
    n
}

/// Nothing in the page is fetched: no script, no link, no external reference (the only URL is
/// the SVG namespace).
fn check_self_contained(text: &str, what: &str) {
    for bad in ["<script", "<link", "<img", "<iframe", "@import", "url("] {
        assert!(!text.contains(bad), "{what} contains {bad}");
    }
    let urls = text.matches("http://").count() + text.matches("https://").count();
    let namespaces = text.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(urls, namespaces, "{what} names a URL other than the SVG namespace");
}

#[test]
fn svg_is_well_formed_and_accessible() {
    for (file, args) in GOLDEN.iter().filter(|(f, _)| f.ends_with(".svg")) {
        let text = made(args);
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{file}: not well-formed XML: {e}"));
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        assert_eq!(check_accessible(&doc, file), 1);
        check_self_contained(&text, file);
        // one shared time axis: the lowest panel writes each period once
        for p in ["2028-01", "2025-12"] {
            assert!(text.matches(&format!("\n{p}\n")).count() <= 1, "{file}: {p} written twice");
        }
    }
}

fn html_doc(text: &str) -> roxmltree::Document<'_> {
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    roxmltree::Document::parse_with_options(text, opts).unwrap_or_else(|e| panic!("not well-formed XHTML: {e}"))
}

#[test]
fn html_is_well_formed_self_contained_and_complete() {
    for (file, args) in GOLDEN.iter().filter(|(f, _)| f.ends_with(".html")) {
        let text = made(args);
        assert!(text.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{file}");
        let doc = html_doc(&text);
        check_self_contained(&text, file);
        let charts = check_accessible(&doc, file);
        assert!(charts >= 1, "{file}: {charts} charts");
        let h3: Vec<String> = doc
            .descendants()
            .filter(|e| e.tag_name().name() == "h3")
            .filter_map(|e| e.text().map(str::to_string))
            .collect();
        let sections: &[&str] = if file.contains("sample") {
            &["Uncertain inputs", "Claims", "Defaults"]
        } else {
            &["Claims", "Defaults", "Contract network"]
        };
        for section in sections {
            assert!(h3.iter().any(|h| h == section), "{file}: no {section} section in {h3:?}");
        }
        assert!(text.contains("prefers-color-scheme: dark"), "{file}: no dark colours");
        assert!(text.contains("@media print") && text.contains("size: A4"), "{file}: no A4 print rules");
        // every table has a caption and column headers
        for t in doc.descendants().filter(|e| e.tag_name().name() == "table") {
            assert!(t.children().any(|c| c.tag_name().name() == "caption"), "{file}: a table without a caption");
            assert!(t.descendants().any(|c| c.attribute("scope") == Some("col")), "{file}: a table without headers");
        }
    }
}

#[test]
fn the_cascade_page_shows_the_defaults_and_the_unpaid_edge() {
    let text = made(&["run", "examples/defaults/cascade.aifin", "--format", "html"]);
    // the cause chain and the unpaid contract, with the debtor's default period
    assert!(text.contains("unpaid by OpenAI on cw_capacity; OpenAI defaulted 2028-02"), "no cause chain");
    assert!(text.contains("OpenAI (defaulted 2028-02)"), "the network does not mark OpenAI's default");
    assert!(text.contains("CoreWeave (defaulted 2028-03)"), "the network does not mark CoreWeave's default");
    assert!(
        text.contains("cw_capacity: OpenAI pays CoreWeave 3B USD and leaves 5B USD unpaid (defaulted 2028-02)"),
        "no unpaid edge in the network's description"
    );
    assert!(text.contains("\n1 unpaid from 2028-02\n"), "no unpaid edge label in the picture");
    // the claims table: each claim as expected, with its ratio
    assert!(text.contains(" as expected, 0 not."), "claims summary");
}

#[test]
fn the_case_study_network_has_every_contract() {
    let text = made(&["run", "examples/cases/compute_web.aifin", "--format", "html"]);
    let doc = html_doc(&text);
    let contracts = std::fs::read_to_string(root().join("examples/cases/compute_web.aifin"))
        .unwrap()
        .lines()
        .filter_map(|l| l.strip_prefix("contract "))
        .filter_map(|l| l.split(':').next().map(|n| n.trim().to_string()))
        .collect::<Vec<_>>();
    assert!(contracts.len() >= 10, "{contracts:?}");
    let table = doc
        .descendants()
        .find(|e| e.tag_name().name() == "caption" && e.text().is_some_and(|t| t.starts_with("The contract network")))
        .and_then(|c| c.parent())
        .expect("the edge table");
    let rows: Vec<String> = table
        .descendants()
        .filter(|e| e.tag_name().name() == "th" && e.attribute("scope") == Some("row"))
        .filter_map(|e| e.text().map(str::to_string))
        .collect();
    for c in &contracts {
        assert!(rows.contains(c), "contract {c} is not in the network's table {rows:?}");
    }
}

#[test]
fn the_monte_carlo_page_draws_fans_of_the_percentiles() {
    let args = ["sample", "examples/sample/cascade.aifin", "--samples", "100", "--seed", "7", "--threads", "2"];
    let text = made(&[&args[..], &["--format", "html"]].concat());
    let doc = html_doc(&text);
    assert_eq!(check_accessible(&doc, "sample page"), 2, "a fan chart per series: cash(Lab), cash(Cloud)");
    assert!(text.contains("median line in a fan of its 5th to 95th percentiles"));
    // the percentiles are the text output's, to the cent: every figure of cash(Lab)'s first row
    let plain = made(&args);
    let row = plain.lines().find(|l| l.trim_start().starts_with("2028-01")).unwrap();
    let figures: Vec<&str> = row.split_whitespace().skip(1).collect();
    assert_eq!(figures.len(), 7, "{row}");
    for f in figures {
        assert!(text.contains(&format!("<td>{f}</td>")), "{f} of `{row}` is not in the page");
    }
    // threads do not change the page
    let one = made(&[&args[..6], &["--threads", "1", "--format", "html"]].concat());
    assert_eq!(one, text);
}

#[test]
fn all_scenarios_sit_side_by_side() {
    let text = made(&["run", "examples/cases/hsbc_2030_gap.aifin", "--format", "html", "--all-scenarios"]);
    let doc = html_doc(&text);
    let scenarios = doc.descendants().filter(|e| e.attribute("class") == Some("scenario")).count();
    assert_eq!(scenarios, 3);
    assert!(text.contains(".scenarios { display: grid;"));
    check_accessible(&doc, "hsbc --all-scenarios");
}

#[test]
fn out_writes_the_file_and_prints_nothing() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("plot-out");
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("cash.svg");
    let html = dir.join("cascade.html");
    std::env::set_current_dir(root()).unwrap();
    let a = aifin(&["plot", "examples/defaults/cascade.aifin", "cash(OpenAI)", "--out", svg.to_str().unwrap()]);
    assert_eq!((a.code, a.stdout.as_str(), a.stderr.as_str()), (0, "", ""));
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg "));
    let b = aifin(&["run", "examples/defaults/cascade.aifin", "--format", "html", "--out", html.to_str().unwrap()]);
    assert_eq!((b.code, b.stdout.as_str(), b.stderr.as_str()), (0, "", ""));
    assert_eq!(
        std::fs::read_to_string(&html).unwrap(),
        made(&["run", "examples/defaults/cascade.aifin", "--format", "html"])
    );
}

#[test]
fn from_and_to_pick_the_window() {
    let all = made(&["plot", "examples/defaults/cascade.aifin", "cash(OpenAI)"]);
    let part =
        made(&["plot", "examples/defaults/cascade.aifin", "cash(OpenAI)", "--from", "2028-02", "--to", "2028-04"]);
    assert!(all.contains("\n2028-01\n") && all.contains("\n2028-06\n"));
    assert!(!part.contains("\n2028-01\n") && !part.contains("\n2028-05\n"));
    assert!(part.contains("2028-02 .. 2028-04 monthly"));
    let bad = aifin(&["plot", "examples/defaults/cascade.aifin", "cash(OpenAI)", "--from", "2031-01"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("`2031-01` is not a period of the timeline (2028-01 .. 2028-06)"), "{}", bad.stderr);
    let backwards =
        aifin(&["plot", "examples/defaults/cascade.aifin", "cash(OpenAI)", "--from", "2028-05", "--to", "2028-02"]);
    assert_eq!(backwards.code, 2, "{}", backwards.stderr);
}

#[test]
fn what_cannot_be_plotted_is_an_error_not_a_picture() {
    std::env::set_current_dir(root()).unwrap();
    let period = aifin(&["plot", "examples/defaults/cascade.aifin", "defaulted(OpenAI)"]);
    assert_eq!(period.code, 2, "{}", period.stdout);
    assert!(period.stderr.contains("is not a quantity"), "{}", period.stderr);
    let unknown = aifin(&["plot", "examples/defaults/cascade.aifin", "cash(Nobody)"]);
    assert_eq!(unknown.code, 1);
    assert!(unknown.stdout.is_empty());
}

#[test]
fn the_readme_shows_its_chart_with_the_command_that_makes_it() {
    let command = "aifin plot examples/cases/openai_2025.aifin 'revenue(OpenAI)' 'costs(OpenAI)' 'cash(OpenAI)' --out docs/img/openai_2025.svg";
    for doc in ["README.md", "docs/charts.md"] {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        assert!(text.contains(command), "{doc} does not show the command that makes its chart");
        assert!(text.contains("img/openai_2025.svg)"), "{doc} does not show the chart");
    }
    // the golden list makes the chart with the same arguments (less --out, which only writes them)
    let (_, args) = GOLDEN.iter().find(|(f, _)| *f == "docs/img/openai_2025.svg").unwrap();
    let shown: Vec<String> =
        args.iter().map(|a| if a.contains('(') { format!("'{a}'") } else { a.to_string() }).collect();
    assert!(command.starts_with(&format!("aifin {} --out", shown.join(" "))));
}

#[test]
fn warnings_go_to_stderr_beside_the_picture() {
    std::env::set_current_dir(root()).unwrap();
    let file = "examples/errors/eval/point_outside_run.aifin";
    let page = aifin(&["run", file, "--format", "html"]);
    assert_eq!(page.code, 0, "{}", page.stderr);
    assert!(page.stderr.contains("point_outside"), "{}", page.stderr);
    assert!(page.stdout.starts_with("<!DOCTYPE html>"));
}
