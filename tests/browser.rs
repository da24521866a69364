//! The HTML report in a real browser (#21): headless Chromium loads `aifin run --format html`
//! pages (and the fan charts of `aifin sample --format html`) from files with the network disabled (a proxy that does not exist, every host name
//! unresolvable; the page's own Content-Security-Policy forbids loading anything besides), and
//! this test checks that
//! - the page logs no console message and raises no error (a check script, injected by this
//!   test into a copy of the page — never shipped in the report — records `console.error`,
//!   `console.warn`, `error` events, and CSP violations; Chromium's own log of console messages
//!   must be empty too);
//! - every chart's `<svg>` has a non-zero rendered size, in light and in dark mode;
//! - printed to PDF, the page is A4 (595 × 842 pt).
//!
//! It saves screenshots (light and dark) and the PDF under `target/tmp/browser/`.
//!
//! Chromium is found as `$AIFIN_CHROMIUM`, else `chromium`, `chromium-browser`, `google-chrome`
//! on the PATH. Without one the test is skipped with a printed reason, except in CI
//! (`CI=true`), where a missing browser is a failure (`.ci/run` installs Debian's `chromium`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Records what would show in the console, then, once the page has loaded, writes every
/// `<svg>`'s rendered size and the errors into a `<pre id="aifin-check">` for `--dump-dom`.
const CHECK_SCRIPT: &str = r#"<script>
window.__errors = [];
["error", "warn"].forEach(function (k) {
  var f = console[k];
  console[k] = function () { window.__errors.push(k + ": " + Array.prototype.join.call(arguments, " ")); f.apply(console, arguments); };
});
window.addEventListener("error", function (e) {
  window.__errors.push("error: " + (e.message || (e.target && (e.target.src || e.target.href)) || "a resource failed"));
}, true);
document.addEventListener("securitypolicyviolation", function (e) { window.__errors.push("csp: " + e.violatedDirective + " " + e.blockedURI); });
window.addEventListener("load", function () {
  var sizes = [];
  document.querySelectorAll("svg").forEach(function (s) { var r = s.getBoundingClientRect(); sizes.push(Math.round(r.width) + "x" + Math.round(r.height)); });
  var p = document.createElement("pre");
  p.id = "aifin-check";
  p.textContent = "svgs=" + sizes.join(",") + "\ndark=" + matchMedia("(prefers-color-scheme: dark)").matches + "\nerrors=" + window.__errors.join(" | ") + "\nend";
  document.body.appendChild(p);
});
</script>
"#;

fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("AIFIN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    for dir in std::env::split_paths(&path) {
        for name in ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"] {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// Runs Chromium headless on `page` with the network disabled; returns (stdout, stderr).
fn chromium(exe: &Path, profile: &Path, page: &Path, extra: &[String]) -> (String, String) {
    let mut cmd = Command::new(exe);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-extensions",
        "--disable-sync",
        "--disable-background-networking",
        "--disable-component-update",
        "--hide-scrollbars",
        // no network: every connection goes to a proxy that is not there, every name fails
        "--proxy-server=127.0.0.1:9",
        "--host-resolver-rules=MAP * ~NOTFOUND",
        "--enable-logging=stderr",
        "--v=0",
        "--virtual-time-budget=3000",
    ]);
    cmd.arg(format!("--user-data-dir={}", profile.display()));
    cmd.args(extra);
    cmd.arg(format!("file://{}", page.display()));
    let out_path = profile.with_extension("stdout");
    let err_path = profile.with_extension("stderr");
    cmd.stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {}: {e}", exe.display()));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{} did not finish within 120 s on {}", exe.display(), page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = std::fs::remove_dir_all(profile);
    (std::fs::read_to_string(&out_path).unwrap_or_default(), std::fs::read_to_string(&err_path).unwrap_or_default())
}

fn page(args: &[&str]) -> String {
    std::env::set_current_dir(env!("CARGO_MANIFEST_DIR")).unwrap();
    let mut v = vec!["aifin"];
    v.extend_from_slice(args);
    let out = aifin::cli::run(v, aifin::diagnostic::RenderStyle::Plain);
    assert_eq!(out.code, 0, "{}", out.stderr);
    out.stdout
}

/// The check script's findings in the dumped DOM.
fn findings(dom: &str) -> (Vec<(u32, u32)>, bool, String) {
    let start = dom.find("<pre id=\"aifin-check\">").map(|i| i + "<pre id=\"aifin-check\">".len());
    let body = start.and_then(|s| dom.get(s..)).and_then(|b| b.split("</pre>").next()).unwrap_or_else(|| {
        panic!(
            "the check script did not report (the page did not load?):\n{}",
            dom.chars().take(2000).collect::<String>()
        )
    });
    let field = |k: &str| body.lines().find_map(|l| l.strip_prefix(k)).unwrap_or("").to_string();
    let sizes = field("svgs=")
        .split(',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            let (w, h) = s.split_once('x').unwrap();
            (w.parse().unwrap(), h.parse().unwrap())
        })
        .collect();
    (sizes, field("dark=") == "true", field("errors="))
}

#[test]
fn the_html_report_renders_in_chromium() {
    let Some(exe) = browser() else {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true");
        assert!(!ci, "CI=true and no Chromium found (set AIFIN_CHROMIUM or install Debian's chromium: .ci/run does)");
        eprintln!("SKIPPED the_html_report_renders_in_chromium: no Chromium on the PATH (apt-get install chromium)");
        return;
    };
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&out).unwrap();
    let pages: [(&str, &[&str]); 3] = [
        ("cascade", &["run", "examples/defaults/cascade.aifin", "--format", "html"]),
        ("compute_web", &["run", "examples/cases/compute_web.aifin", "--format", "html"]),
        ("sample_cascade", &["sample", "examples/sample/cascade.aifin", "--samples", "200", "--format", "html"]),
    ];
    for (name, args) in pages {
        let html = page(args);
        let charts = html.matches("<svg ").count();
        assert!(charts >= 2, "{name}: {charts} charts");
        let report = out.join(format!("{name}.html"));
        std::fs::write(&report, &html).unwrap();
        // the check script goes first in <head>, before the page's Content-Security-Policy
        let checked = html.replacen("<head>\n", &format!("<head>\n{CHECK_SCRIPT}"), 1);
        assert_ne!(checked, html, "{name}: no <head>");
        let check_page = out.join(format!("{name}.check.html"));
        std::fs::write(&check_page, &checked).unwrap();
        for (mode, extra) in [("light", vec![]), ("dark", vec!["--force-dark-mode".to_string()])] {
            let profile = out.join(format!("profile-{name}-{mode}"));
            let (dom, log) =
                chromium(&exe, &profile, &check_page, &[vec!["--dump-dom".to_string()], extra.clone()].concat());
            let (sizes, dark, errors) = findings(&dom);
            assert_eq!(sizes.len(), charts, "{name} ({mode}): {} of {charts} charts rendered", sizes.len());
            for (i, (w, h)) in sizes.iter().enumerate() {
                assert!(*w > 0 && *h > 0, "{name} ({mode}): chart {} renders {w}x{h}", i + 1);
            }
            assert_eq!(dark, mode == "dark", "{name}: prefers-color-scheme is not {mode}");
            assert!(errors.is_empty(), "{name} ({mode}): the page reported errors: {errors}");
            let console: Vec<&str> = log.lines().filter(|l| l.contains(":CONSOLE")).collect();
            assert!(console.is_empty(), "{name} ({mode}): console messages:\n{}", console.join("\n"));
            // the screenshot is of the page as shipped, without the check script
            let shot = out.join(format!("{name}-{mode}.png"));
            let _ = std::fs::remove_file(&shot);
            chromium(
                &exe,
                &profile,
                &report,
                &[vec![format!("--screenshot={}", shot.display()), "--window-size=1280,2400".into()], extra].concat(),
            );
            let png = std::fs::read(&shot)
                .unwrap_or_else(|e| panic!("{name} ({mode}): no screenshot at {}: {e}", shot.display()));
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 10_000,
                "{name} ({mode}): the screenshot is not a picture"
            );
            eprintln!("screenshot: {}", shot.display());
        }
        // printed, the page is A4
        let pdf = out.join(format!("{name}.pdf"));
        let _ = std::fs::remove_file(&pdf);
        let profile = out.join(format!("profile-{name}-print"));
        chromium(
            &exe,
            &profile,
            &report,
            &[format!("--print-to-pdf={}", pdf.display()), "--no-pdf-header-footer".into()],
        );
        let bytes = std::fs::read(&pdf).unwrap_or_else(|e| panic!("{name}: no PDF at {}: {e}", pdf.display()));
        let text = String::from_utf8_lossy(&bytes);
        let boxes: Vec<&str> = text.match_indices("/MediaBox [").filter_map(|(i, _)| text.get(i..i + 40)).collect();
        assert!(!boxes.is_empty(), "{name}: the PDF has no page");
        for b in &boxes {
            let nums: Vec<f64> = b
                .trim_start_matches("/MediaBox [")
                .split(']')
                .next()
                .unwrap()
                .split_whitespace()
                .filter_map(|n| n.parse().ok())
                .collect();
            let (w, h) = (nums[2] - nums[0], nums[3] - nums[1]);
            assert!(
                (w - 595.0).abs() < 2.0 && (h - 842.0).abs() < 2.0,
                "{name}: a printed page is {w} x {h} pt, not A4"
            );
        }
    }
}
