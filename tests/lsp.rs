//! `aifin lsp` driven as an editor drives it: the real binary, JSON-RPC over its stdin and
//! stdout (issue #22's acceptance list, one test each).

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Value>,
    next: i64,
    /// Notifications received while waiting for something else.
    pending: Vec<Value>,
}

impl Client {
    /// Starts `aifin lsp` and initializes it.
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_aifin"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = 0usize;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        len = n.parse().unwrap();
                    }
                }
                let mut body = vec![0; len];
                r.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice::<Value>(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut c = Client { child, stdin, rx, next: 0, pending: Vec::new() };
        let caps = c.request("initialize", json!({"processId": null, "rootUri": null, "capabilities": {}}));
        assert!(caps["capabilities"]["hoverProvider"].as_bool().unwrap(), "{caps}");
        c.notify("initialized", json!({}));
        c
    }

    fn send(&mut self, v: Value) {
        let body = v.to_string();
        let stdin = self.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response (the whole message, for errors).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let m = self.rx.recv_timeout(WAIT).expect("no response");
            if m["id"] == json!(id) {
                return m;
            }
            self.pending.push(m);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let m = self.call(method, params);
        assert!(m.get("error").is_none(), "{method}: {m}");
        m["result"].clone()
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        if let Some(i) = self.pending.iter().position(|m| is_diags_for(m, uri)) {
            let m = self.pending.remove(i);
            return m["params"]["diagnostics"].as_array().unwrap().clone();
        }
        loop {
            let m = self.rx.recv_timeout(WAIT).expect("no diagnostics");
            if is_diags_for(&m, uri) {
                return m["params"]["diagnostics"].as_array().unwrap().clone();
            }
            self.pending.push(m);
        }
    }

    fn open(&mut self, uri: &str, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "aifin", "version": 1, "text": text}}),
        );
        self.diagnostics(uri)
    }

    /// Shuts down and exits; returns the exit code.
    fn finish(mut self) -> i32 {
        let r = self.call("shutdown", Value::Null);
        assert!(r.get("error").is_none(), "{r}");
        self.notify("exit", Value::Null);
        drop(self.stdin.take());
        self.child.wait().unwrap().code().unwrap()
    }
}

fn is_diags_for(m: &Value, uri: &str) -> bool {
    m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
}

/// A fresh folder for one test's files.
fn folder(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lsp").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn write(dir: &Path, name: &str, text: &str) -> (PathBuf, String) {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    let u = uri(&p);
    (p, u)
}

fn pos(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

const MODEL: &str = "scenario base {\n  timeline 2025-01 .. 2025-12 monthly\n  currency USD\n}\n\n\
entity Lab { cash 2025-01-01: 10B USD }\n\n\
// what one GPU-hour sells for\n\
driver price: USD/hour = 2 USD/hour\n\
driver hours = 1000 hour/month\n\
curve demand = cagr(20B USD/year @ 2025, 200B USD/year @ 2030)\n\n\
flow Lab.sales <- world: price * hours\n";

#[test]
fn initialize_then_shutdown_and_exit_cleanly() {
    let c = Client::start();
    assert_eq!(c.finish(), 0);
}

#[test]
fn two_errors_give_two_diagnostics_then_one_after_a_fix() {
    let dir = folder("diagnostics");
    let text = MODEL.replace("price * hours", "price * hourz").replace("10B USD }", "10B USD + 1 hour }");
    let (_, u) = write(&dir, "main.aifin", &text);
    let mut c = Client::start();
    let diags = c.open(&u, &text);
    assert_eq!(diags.len(), 2, "{diags:#?}");
    for d in &diags {
        assert!(d["code"].as_str().unwrap().starts_with("aifin::"), "{d}");
        assert!(d["range"]["start"]["line"].as_u64().is_some());
    }
    let hourz = diags.iter().find(|d| d["message"].as_str().unwrap().contains("hourz")).expect("the unknown name");
    let line = text.lines().position(|l| l.contains("hourz")).unwrap() as u64;
    let col = text.lines().nth(line as usize).unwrap().find("hourz").unwrap() as u64;
    assert_eq!(hourz["range"]["start"], json!({"line": line, "character": col}));
    assert_eq!(hourz["range"]["end"], json!({"line": line, "character": col + 5}));
    // fix `hourz` with a one-character edit
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": pos(line as u32, col as u32 + 4),
                                             "end": pos(line as u32, col as u32 + 5)}, "text": "s"}]}),
    );
    let diags = c.diagnostics(&u);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(!diags[0]["message"].as_str().unwrap().contains("hourz"));
    assert_eq!(c.finish(), 0);
}

#[test]
fn hover_on_a_driver_shows_its_unit_and_value() {
    let dir = folder("hover");
    let (_, u) = write(&dir, "main.aifin", MODEL);
    let mut c = Client::start();
    assert_eq!(c.open(&u, MODEL), Vec::<Value>::new());
    let line = MODEL.lines().position(|l| l.starts_with("flow")).unwrap() as u32;
    let col = MODEL.lines().nth(line as usize).unwrap().find("price").unwrap() as u32;
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": u}, "position": pos(line, col + 1)}));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("unit: USD/hour"), "{text}");
    assert!(text.contains("driver `price`"), "{text}");
    assert!(text.contains("what one GPU-hour sells for"), "{text}");
    assert!(text.contains("value in every period, scenario base: 2 USD/hour"), "{text}");
    // a curve: its value in the first period of the first scenario
    let line = MODEL.lines().position(|l| l.starts_with("curve demand")).unwrap() as u32;
    let h = c.request("textDocument/hover", json!({"textDocument": {"uri": u}, "position": pos(line, 8)}));
    let text = h["contents"]["value"].as_str().unwrap();
    assert!(text.contains("- shape: a series") && text.contains("- value in 2025-01, scenario base: "), "{text}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn definition_of_an_entity_in_an_imported_file() {
    let dir = folder("definition");
    let (_, lib_uri) = write(&dir, "lab.aifin", "entity Lab { cash 2025-01-01: 10B USD }\n");
    let main = "import \"lab.aifin\"\nscenario base {\n  timeline 2025-01 .. 2025-03 monthly\n}\n\
                flow Lab.sales <- world: 1 USD/month\n";
    let (_, u) = write(&dir, "main.aifin", main);
    let mut c = Client::start();
    assert_eq!(c.open(&u, main), Vec::<Value>::new());
    let r = c.request("textDocument/definition", json!({"textDocument": {"uri": u}, "position": pos(4, 6)}));
    assert_eq!(r["uri"], lib_uri, "{r}");
    assert_eq!(r["range"], json!({"start": pos(0, 7), "end": pos(0, 10)}));
    // the import's path goes to the file
    let r = c.request("textDocument/definition", json!({"textDocument": {"uri": u}, "position": pos(0, 10)}));
    assert_eq!(r["uri"], lib_uri, "{r}");
    // a std unit opens as a read-only `aifin-std:` document whose text a custom request serves
    let r = c.request("textDocument/definition", json!({"textDocument": {"uri": u}, "position": pos(4, 28)}));
    let std_uri = r["uri"].as_str().unwrap().to_string();
    assert!(std_uri.starts_with("aifin-std:std/"), "{r}");
    let text = c.request("aifin/stdSource", json!({"uri": std_uri}));
    assert!(text.as_str().unwrap().contains("month"));
    assert_eq!(c.finish(), 0);
}

#[test]
fn completion_inside_a_loan_lists_its_terms() {
    let dir = folder("completion");
    let text = "entity A { cash 2025-01-01: 1B USD }\ncontract l: loan {\n  \n}\n";
    let (_, u) = write(&dir, "main.aifin", text);
    let mut c = Client::start();
    c.open(&u, text);
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": u}, "position": pos(2, 2)}));
    let labels: Vec<&str> = r.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    for term in ["principal", "rate", "lender", "borrower", "maturity", "daycount", "amortization"] {
        assert!(labels.contains(&term), "{term} missing from {labels:?}");
    }
    assert!(!labels.contains(&"buyer"), "a take_or_pay term offered in a loan: {labels:?}");
    // after `daycount `, its option words
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": u, "version": 2},
               "contentChanges": [{"range": {"start": pos(2, 2), "end": pos(2, 2)}, "text": "daycount "}]}),
    );
    c.diagnostics(&u);
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": u}, "position": pos(2, 11)}));
    let labels: Vec<&str> = r.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"A365") && labels.contains(&"E30_360"), "{labels:?}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn formatting_prints_the_canonical_form() {
    let dir = folder("format");
    let text = "driver   a  =  1 USD\n";
    let (_, u) = write(&dir, "main.aifin", text);
    let mut c = Client::start();
    c.open(&u, text);
    let r = c.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": u}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    let edits = r.as_array().unwrap();
    assert_eq!(edits.len(), 1, "{r}");
    assert_eq!(edits[0]["newText"], "driver a = 1 USD\n");
    assert_eq!(edits[0]["range"]["start"], pos(0, 0));
    assert_eq!(c.finish(), 0);
}

#[test]
fn rename_a_driver_across_two_files() {
    let dir = folder("rename");
    let lib = "driver price: USD/hour = 2 USD/hour\n";
    let (_, lib_uri) = write(&dir, "prices.aifin", lib);
    let main = "import \"prices.aifin\"\ndriver cost = price * 10 hour\nclaim \"c\": price == 2 USD/hour\n";
    let (_, u) = write(&dir, "main.aifin", main);
    let mut c = Client::start();
    assert_eq!(c.open(&u, main), Vec::<Value>::new());
    let r = c.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": u}, "position": pos(1, 14), "newName": "rate_per_hour"}),
    );
    let changes = r["changes"].as_object().unwrap();
    assert_eq!(changes.len(), 2, "{r}");
    let in_main = changes[&u].as_array().unwrap();
    assert_eq!(in_main.len(), 2, "{r}");
    let in_lib = changes[&lib_uri].as_array().unwrap();
    assert_eq!(in_lib.len(), 1, "{r}");
    assert_eq!(in_lib[0]["range"], json!({"start": pos(0, 7), "end": pos(0, 12)}));
    assert!(changes.values().flat_map(|v| v.as_array().unwrap()).all(|e| e["newText"] == "rate_per_hour"));
    // a reserved word is refused
    let r =
        c.call("textDocument/rename", json!({"textDocument": {"uri": u}, "position": pos(1, 14), "newName": "flow"}));
    assert!(r.get("error").is_some(), "{r}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn references_and_symbols() {
    let dir = folder("symbols");
    let (_, u) = write(&dir, "main.aifin", MODEL);
    let mut c = Client::start();
    c.open(&u, MODEL);
    let line = MODEL.lines().position(|l| l.starts_with("driver price")).unwrap() as u32;
    let r = c.request(
        "textDocument/references",
        json!({"textDocument": {"uri": u}, "position": pos(line, 8), "context": {"includeDeclaration": true}}),
    );
    assert_eq!(r.as_array().unwrap().len(), 2, "{r}");
    let r = c.request("textDocument/documentSymbol", json!({"textDocument": {"uri": u}}));
    let names: Vec<&str> = r.as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["base", "Lab", "price", "hours", "demand", "Lab.sales"]);
    // in an expression: names, units, built-ins with their signatures
    let line = MODEL.lines().position(|l| l.starts_with("flow")).unwrap() as u32;
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": u}, "position": pos(line, 26)}));
    let items = r.as_array().unwrap();
    let find = |l: &str| items.iter().find(|i| i["label"] == l).unwrap_or_else(|| panic!("{l} missing"));
    assert_eq!(find("price")["detail"], "driver");
    assert_eq!(find("USD")["detail"], "currency");
    assert!(find("cagr")["detail"].as_str().unwrap().starts_with("cagr("), "{}", find("cagr"));
    // after `Lab.`: its flows
    let col = MODEL.lines().nth(line as usize).unwrap().find(".sales").unwrap() as u32 + 1;
    let r = c.request("textDocument/completion", json!({"textDocument": {"uri": u}, "position": pos(line, col)}));
    let labels: Vec<&str> = r.as_array().unwrap().iter().map(|i| i["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["sales"]);
    assert_eq!(c.finish(), 0);
}

#[test]
fn related_spans_errors_in_imports_and_utf16_columns() {
    let dir = folder("related");
    let (_, lib_uri) = write(&dir, "lib.aifin", "driver a = 1 USD\ndriver broken = 1 USD + 1 hour\n");
    // the emoji is two UTF-16 units (four bytes): `oops` starts at unit 14 of its line, byte 16
    let main = "import \"lib.aifin\"\ndriver a = 2 USD\nclaim \"😀 x\": oops == 1\n";
    let (_, u) = write(&dir, "main.aifin", main);
    let mut c = Client::start();
    let diags = c.open(&u, main);
    assert_eq!(diags.len(), 3, "{diags:#?}");
    let dup = diags.iter().find(|d| d["message"].as_str().unwrap().contains("already declared")).unwrap();
    assert_eq!(dup["range"]["start"], pos(1, 7), "{dup}");
    let related = dup["relatedInformation"].as_array().unwrap();
    let first = related.iter().find(|r| r["message"] == "first declared here").expect("the first declaration");
    assert_eq!(first["location"]["uri"], lib_uri);
    assert_eq!(first["location"]["range"]["start"], pos(0, 7));
    // an error inside the import is shown at the import, with where it is
    let inside =
        diags.iter().find(|d| d["message"].as_str().unwrap().contains("lib.aifin:2:")).expect("the import's error");
    assert_eq!(inside["range"], json!({"start": pos(0, 0), "end": pos(0, 18)}));
    let oops = diags.iter().find(|d| d["message"].as_str().unwrap().contains("oops")).unwrap();
    assert_eq!(oops["range"], json!({"start": pos(2, 14), "end": pos(2, 18)}), "{oops}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn an_exit_without_shutdown_is_exit_code_1() {
    let mut c = Client::start();
    c.notify("exit", Value::Null);
    drop(c.stdin.take());
    assert_eq!(c.child.wait().unwrap().code(), Some(1));
}

#[test]
fn imports_read_open_buffers_and_a_save_rechecks_the_importers() {
    let dir = folder("buffers");
    let (_, lib_uri) = write(&dir, "lib.aifin", "driver a = 1 USD\n");
    let main = "import \"lib.aifin\"\ndriver c = a + b\n";
    let (_, u) = write(&dir, "main.aifin", main);
    let mut c = Client::start();
    // the buffer of lib.aifin declares `b`, the file on disk does not
    assert_eq!(c.open(&lib_uri, "driver a = 1 USD\ndriver b = 2 USD\n"), Vec::<Value>::new());
    assert_eq!(c.open(&u, main), Vec::<Value>::new());
    // `b` removed from the buffer and saved: main.aifin is checked again and misses it
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": lib_uri, "version": 2}, "contentChanges": [{"text": "driver a = 1 USD\n"}]}),
    );
    assert_eq!(c.diagnostics(&lib_uri), Vec::<Value>::new());
    c.notify("textDocument/didSave", json!({"textDocument": {"uri": lib_uri}}));
    let diags = c.diagnostics(&u);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert!(diags[0]["message"].as_str().unwrap().contains("`b`"), "{diags:#?}");
    assert_eq!(c.finish(), 0);
}

#[test]
fn a_warning_is_published_with_warning_severity() {
    let dir = folder("warning");
    let text =
        "scenario base { timeline 2026 .. 2027 yearly }\ndriver gpu_price = 30k USD/GPU .. 40k USD/GPU ~ 45k USD/GPU\n";
    let (_, u) = write(&dir, "main.aifin", text);
    let mut c = Client::start();
    let diags = c.open(&u, text);
    assert_eq!(diags.len(), 1, "{diags:#?}");
    assert_eq!(diags[0]["code"], "aifin::eval::point_outside");
    assert_eq!(diags[0]["severity"], 2, "{diags:#?}");
    assert_eq!(diags[0]["range"]["start"]["line"], 1);
    assert_eq!(c.finish(), 0);
}
