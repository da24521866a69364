//! `aifin lsp`: a Language Server Protocol server over stdio, so a model is checked as it is
//! written. It is synchronous (`lsp-server`, the transport rust-analyzer uses, and
//! `lsp-types`): one message at a time on one thread, which is all a checker that answers in
//! milliseconds needs.
//!
//! Each open document has its own [`crate::session::Session`] ([`workspace`]): an edit
//! re-checks that document's program only, and imports read the open buffers before the
//! disk. Diagnostics carry the CLI's codes and messages. The std modules open as read-only
//! documents under the `aifin-std:` scheme; their text is served by the custom request
//! `aifin/stdSource` (`{"uri": "aifin-std:std/units.aifin"}` → the text).
//!
//! Spans are bytes, the protocol counts UTF-16 units: [`text`] converts. [`index`] finds the
//! names of the parsed files, [`features`] and [`complete`] answer the requests.

pub mod complete;
pub mod features;
pub mod index;
pub mod text;
pub mod workspace;

#[cfg(test)]
mod tests;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types as lsp;
use lsp_types::notification::Notification as _;
use lsp_types::request::Request as _;
use serde::de::DeserializeOwned;
use workspace::Workspace;

/// The custom request that returns a std module's text (the `aifin-std:` documents).
pub const STD_SOURCE: &str = "aifin/stdSource";

/// What the server can do, as told to the client at `initialize`.
pub fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..Default::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(vec![" ".into(), ".".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(lsp::OneOf::Left(true)),
        ..Default::default()
    }
}

/// Serves the protocol on stdin and stdout until the client shuts the server down and says
/// `exit`. Returns the process's exit code: 0 after a shutdown, 1 for an `exit` without one
/// (as the protocol asks) or a broken connection.
pub fn run_stdio() -> i32 {
    let (connection, threads) = Connection::stdio();
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("aifin lsp: {e}");
            1
        }
    };
    drop(connection);
    match threads.join() {
        Ok(()) => code,
        Err(e) => {
            eprintln!("aifin lsp: {e}");
            1
        }
    }
}

fn serve(connection: &Connection) -> Result<i32, String> {
    let caps = serde_json::to_value(capabilities()).map_err(|e| e.to_string())?;
    let init = serde_json::json!({
        "capabilities": caps,
        "serverInfo": { "name": "aifin", "version": env!("CARGO_PKG_VERSION") },
    });
    let (id, _params) = connection.initialize_start().map_err(|e| e.to_string())?;
    connection.initialize_finish(id, init).map_err(|e| e.to_string())?;
    let mut server = Server { ws: Workspace::new(), out: Vec::new() };
    for msg in &connection.receiver {
        match msg {
            Message::Request(req) => {
                if connection.handle_shutdown(&req).map_err(|e| e.to_string())? {
                    return Ok(0);
                }
                server.request(req);
            }
            Message::Notification(n) => {
                if n.method == lsp::notification::Exit::METHOD {
                    return Ok(1);
                }
                server.notification(n);
            }
            Message::Response(_) => {}
        }
        for m in server.out.drain(..) {
            connection.sender.send(m).map_err(|e| e.to_string())?;
        }
    }
    Ok(1)
}

/// The workspace and the messages to send.
struct Server {
    ws: Workspace,
    out: Vec<Message>,
}

fn params<P: DeserializeOwned>(v: serde_json::Value) -> Result<P, String> {
    serde_json::from_value(v).map_err(|e| format!("bad parameters: {e}"))
}

impl Server {
    fn publish(&mut self, p: lsp::PublishDiagnosticsParams) {
        self.out.push(Message::Notification(Notification::new(
            lsp::notification::PublishDiagnostics::METHOD.to_string(),
            p,
        )));
    }

    fn notification(&mut self, n: Notification) {
        use lsp::notification as N;
        match n.method.as_str() {
            N::DidOpenTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    if d.uri.scheme() == workspace::STD_SCHEME {
                        return; // a std module: read-only, checked with every program
                    }
                    let published = self.ws.open(d.uri, d.version, d.text);
                    self.publish(published);
                }
            }
            N::DidChangeTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidChangeTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    if let Some(published) = self.ws.change(&d.uri, d.version, &p.content_changes) {
                        self.publish(published);
                    }
                }
            }
            N::DidSaveTextDocument::METHOD => {
                for published in self.ws.check_all() {
                    self.publish(published);
                }
            }
            N::DidCloseTextDocument::METHOD => {
                if let Ok(p) = params::<lsp::DidCloseTextDocumentParams>(n.params) {
                    self.ws.close(&p.text_document.uri);
                    let uri = p.text_document.uri;
                    self.publish(lsp::PublishDiagnosticsParams { uri, diagnostics: Vec::new(), version: None });
                }
            }
            _ => {}
        }
    }

    fn request(&mut self, req: Request) {
        let id = req.id.clone();
        let answer = self.answer(req);
        let response = match answer {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.out.push(Message::Response(response));
    }

    fn answer(&mut self, req: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        use lsp::request as R;
        let bad = |e: String| (ErrorCode::InvalidParams, e);
        let json = |v: &dyn erased::Json| v.json();
        let Request { method, params: p, .. } = req;
        match method.as_str() {
            R::HoverRequest::METHOD => {
                let p: lsp::HoverParams = params(p).map_err(bad)?;
                let at = p.text_document_position_params;
                let h = self.ws.doc_mut(&at.text_document.uri).and_then(|d| features::hover(d, at.position));
                Ok(json(&h))
            }
            R::GotoDefinition::METHOD => {
                let p: lsp::GotoDefinitionParams = params(p).map_err(bad)?;
                let at = p.text_document_position_params;
                let l = self.ws.doc(&at.text_document.uri).and_then(|d| features::definition(d, at.position));
                Ok(json(&l.map(lsp::GotoDefinitionResponse::Scalar)))
            }
            R::References::METHOD => {
                let p: lsp::ReferenceParams = params(p).map_err(bad)?;
                let at = p.text_document_position;
                let decl = p.context.include_declaration;
                Ok(json(&features::references(&self.ws, &at.text_document.uri, at.position, decl)))
            }
            R::Completion::METHOD => {
                let p: lsp::CompletionParams = params(p).map_err(bad)?;
                let at = p.text_document_position;
                let items = self.ws.doc(&at.text_document.uri).map(|d| complete::complete(d, at.position));
                Ok(json(&items.map(lsp::CompletionResponse::Array)))
            }
            R::DocumentSymbolRequest::METHOD => {
                let p: lsp::DocumentSymbolParams = params(p).map_err(bad)?;
                let s = self.ws.doc(&p.text_document.uri).map(features::symbols);
                Ok(json(&s.map(lsp::DocumentSymbolResponse::Nested)))
            }
            R::Formatting::METHOD => {
                let p: lsp::DocumentFormattingParams = params(p).map_err(bad)?;
                match self.ws.doc(&p.text_document.uri).map(features::format) {
                    Some(Ok(edits)) => Ok(json(&edits)),
                    Some(Err(why)) => Err((ErrorCode::RequestFailed, why)),
                    None => Ok(serde_json::Value::Null),
                }
            }
            R::Rename::METHOD => {
                let p: lsp::RenameParams = params(p).map_err(bad)?;
                let at = p.text_document_position;
                features::rename(&self.ws, &at.text_document.uri, at.position, &p.new_name)
                    .map(|e| json(&e))
                    .map_err(|why| (ErrorCode::RequestFailed, why))
            }
            STD_SOURCE => {
                let p: StdSourceParams = params(p).map_err(bad)?;
                match workspace::std_text(&p.uri) {
                    Some(t) => Ok(serde_json::Value::String(t.to_string())),
                    None => Err((ErrorCode::InvalidParams, format!("`{}` is not a std module", p.uri))),
                }
            }
            _ => Err((ErrorCode::MethodNotFound, format!("aifin lsp does not answer `{method}`"))),
        }
    }
}

/// The parameters of [`STD_SOURCE`].
#[derive(Debug, serde::Deserialize)]
struct StdSourceParams {
    uri: lsp::Url,
}

/// Any answer as JSON (serialising the protocol's own types cannot fail; `null` if it did).
mod erased {
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}
