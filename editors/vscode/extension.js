// The aifin extension: starts `aifin lsp` (the setting `aifin.server.path` names the
// executable) and shows the std modules, which go to definition opens as `aifin-std:`
// documents, read-only, with their text from the server's `aifin/stdSource` request.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("aifin").get("server.path") || "aifin";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient("aifin", "aifin", server, {
    documentSelector: [
      { scheme: "file", language: "aifin" },
      { scheme: "untitled", language: "aifin" },
    ],
  });
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider("aifin-std", {
      provideTextDocumentContent: (uri) => client.sendRequest("aifin/stdSource", { uri: uri.toString() }),
    }),
  );
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument((doc) => {
      if (doc.uri.scheme === "aifin-std") vscode.languages.setTextDocumentLanguage(doc, "aifin");
    }),
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
