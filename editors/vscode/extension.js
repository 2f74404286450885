// Starts `callsim lsp` for RON files and connects VS Code to it. All the
// work (checking, completion, rename…) is the language server's; this file
// only says how to start it.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("callsim").get("path") || "callsim";
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "callsim",
    "callsim scenarios",
    { run: server, debug: server },
    {
      documentSelector: [
        { scheme: "file", language: "ron" },
        { scheme: "untitled", language: "ron" },
      ],
    },
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
