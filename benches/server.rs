//! The language server's latency: a change to seed 000 sent → its diagnostics published, over
//! `Connection::memory()` (the server's whole path but the pipe: the JSON of the change and of
//! the findings, the lint thread, the conversion to LSP positions). The goal is a median of at
//! most 2 ms. Without ../shared it measures `fixtures/examples/SECURITY.md` and says so.

use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use lsp_server::{Connection, Message, Notification, Request, RequestId};
use policy_lint::cli::{ColorChoice, GlobalArgs};
use serde_json::{Value, json};

fn document() -> (String, String) {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let seed = repo.join("../shared/seeds/000_44b596ed7c7cac7d.txt");
    match std::fs::read_to_string(&seed) {
        Ok(text) => ("seed 000".to_string(), text),
        Err(_) => {
            eprintln!("../shared is missing: measuring fixtures/examples/SECURITY.md instead");
            let text = std::fs::read_to_string(repo.join("fixtures/examples/SECURITY.md"))
                .expect("the example policy");
            ("fixtures/examples/SECURITY.md".to_string(), text)
        }
    }
}

/// Reads until the diagnostics of `version` arrive.
fn published(client: &Connection, version: i64) {
    loop {
        match client.receiver.recv().expect("the server is up") {
            Message::Notification(n)
                if n.method == "textDocument/publishDiagnostics"
                    && n.params["version"] == json!(version) =>
            {
                return;
            }
            _ => {}
        }
    }
}

fn change_to_diagnostics(c: &mut Criterion) {
    let (name, text) = document();
    let (client, connection) = Connection::memory();
    let global = GlobalArgs {
        today: Some("2026-11-22".parse().expect("date")),
        today_from_env: false,
        given: Vec::new(),
        color: ColorChoice::Never,
        quiet: false,
        config: None,
        no_config: true,
    };
    let server = std::thread::spawn(move || policy_lint::server::serve(connection, &global));
    let send = |message: Message| client.sender.send(message).expect("the server is up");
    send(
        Request::new(
            RequestId::from(1),
            "initialize".into(),
            json!({ "capabilities": {} }),
        )
        .into(),
    );
    client.receiver.recv().expect("initialize result");
    send(Notification::new("initialized".into(), json!({})).into());
    let uri = "untitled:SECURITY.md";
    send(
        Notification::new(
            "textDocument/didOpen".into(),
            json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text } }),
        )
        .into(),
    );
    published(&client, 1);
    // Each change is a real edit: a space typed at the end of the document, then removed.
    let mut version = 1;
    c.bench_function(&format!("server: change → diagnostics ({name})"), |b| {
        b.iter(|| {
            version += 1;
            let edited = if version % 2 == 0 {
                format!("{text} ")
            } else {
                text.clone()
            };
            send(
                Notification::new(
                    "textDocument/didChange".into(),
                    json!({ "textDocument": { "uri": uri, "version": version },
                            "contentChanges": [{ "text": edited }] }),
                )
                .into(),
            );
            published(&client, version);
        })
    });
    send(Request::new(RequestId::from(2), "shutdown".into(), Value::Null).into());
    send(Notification::new("exit".into(), Value::Null).into());
    assert_eq!(server.join().expect("server thread"), 0);
}

criterion_group!(benches, change_to_diagnostics);
criterion_main!(benches);
