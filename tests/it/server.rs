//! The language server, in process over `Connection::memory()`: a scripted client that reads
//! every message the server sends, and on drop checks that none was left unread. The same
//! session end to end over stdio, with an independent client, is `.ci/lsp-test`.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use ls_types::{Position, Range, TextEdit, Uri};
use lsp_server::{Connection, Message, Notification, Request, RequestId, Response};
use policy_lint::cli::{ColorChoice, GlobalArgs};
use policy_lint::io::source::SourceFile;
use policy_lint::server::{self, Encoding};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

fn global(today: Option<&str>) -> GlobalArgs {
    GlobalArgs {
        today: today.map(|t| t.parse().expect("date")),
        today_from_env: false,
        given: Vec::new(),
        color: ColorChoice::Never,
        quiet: false,
        config: None,
        no_config: false,
    }
}

/// A client talking to a server thread.
struct Session {
    client: Connection,
    server: Option<std::thread::JoinHandle<u8>>,
    next_id: i32,
    /// Notifications read while waiting for a response, in order.
    unread: VecDeque<Notification>,
    /// Requests the server sent the client (registrations, refreshes), answered.
    asked: Vec<String>,
    /// Every message, for a transcript.
    transcript: Vec<Value>,
    result_of_initialize: Value,
}

/// What a client says it can do: pushed diagnostics, inlay hints, UTF-16 or UTF-8.
fn capabilities(encodings: &[&str]) -> Value {
    json!({
        "general": { "positionEncodings": encodings },
        "textDocument": { "inlayHint": {}, "codeAction": {} },
        "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } },
    })
}

impl Session {
    fn start(global: GlobalArgs, capabilities: Value) -> Session {
        Session::start_with(global, capabilities, None)
    }

    fn start_with(
        global: GlobalArgs,
        capabilities: Value,
        clock: Option<server::Clock>,
    ) -> Session {
        let (client, connection) = Connection::memory();
        let server = std::thread::spawn(move || match clock {
            Some(clock) => server::serve_with_clock(connection, &global, clock),
            None => server::serve(connection, &global),
        });
        let mut session = Session {
            client,
            server: Some(server),
            next_id: 0,
            unread: VecDeque::new(),
            asked: Vec::new(),
            transcript: Vec::new(),
            result_of_initialize: Value::Null,
        };
        session.result_of_initialize = session.request(
            "initialize",
            json!({ "processId": null, "rootUri": null, "capabilities": capabilities }),
        );
        session.notify("initialized", json!({}));
        if capabilities.pointer("/workspace/didChangeWatchedFiles/dynamicRegistration")
            == Some(&json!(true))
        {
            session.expect_request("client/registerCapability");
        }
        session
    }

    /// Reads a request of the server's and answers it.
    fn expect_request(&mut self, method: &str) {
        let message = self.client.receiver.recv_timeout(WAIT);
        if let Ok(message) = &message {
            self.transcript
                .push(serde_json::to_value(message).expect("json"));
        }
        match message {
            Ok(Message::Request(request)) if request.method == method => {
                self.asked.push(request.method.clone());
                self.client
                    .sender
                    .send(Response::new_ok(request.id, Value::Null).into())
                    .expect("server is up");
            }
            other => panic!("expected the request {method}, got {other:?}"),
        }
    }

    fn send(&mut self, message: Message) {
        self.transcript
            .push(serde_json::to_value(&message).expect("json"));
        self.client.sender.send(message).expect("server is up");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(Notification::new(method.to_string(), params).into());
    }

    /// Reads one message; answers the server's own requests.
    fn read(&mut self) -> Option<Message> {
        let message = self.client.receiver.recv_timeout(WAIT).ok()?;
        self.transcript
            .push(serde_json::to_value(&message).expect("json"));
        if let Message::Request(request) = &message {
            self.asked.push(request.method.clone());
            let _ = self
                .client
                .sender
                .send(Response::new_ok(request.id.clone(), Value::Null).into());
            return self.read();
        }
        Some(message)
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        match response.response_result {
            Ok(result) => result,
            Err(err) => panic!("{method}: {err:?}"),
        }
    }

    fn request_raw(&mut self, method: &str, params: Value) -> Response {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.send(Request::new(id.clone(), method.to_string(), params).into());
        loop {
            match self
                .read()
                .unwrap_or_else(|| panic!("no answer to {method}"))
            {
                Message::Response(response) if response.id == id => return response,
                Message::Notification(notification) => self.unread.push_back(notification),
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    /// The next notification of `method`; others before it are an error.
    fn notification(&mut self, method: &str) -> Value {
        let notification = match self.unread.pop_front() {
            Some(notification) => notification,
            None => match self.read() {
                Some(Message::Notification(notification)) => notification,
                other => panic!("expected {method}, got {other:?}"),
            },
        };
        assert_eq!(notification.method, method, "{:?}", notification.params);
        notification.params
    }

    fn open(&mut self, uri: &str, text: &str) -> Value {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": "markdown", "version": 1, "text": text,
            }}),
        );
        self.notification("textDocument/publishDiagnostics")
    }

    fn shutdown(mut self) -> u8 {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.server
            .take()
            .expect("running")
            .join()
            .expect("server thread")
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        assert!(self.unread.is_empty(), "unread: {:?}", self.unread);
        if let Ok(message) = self.client.receiver.try_recv() {
            panic!("the server's {message:?} was left unread");
        }
    }
}

fn uri_of(path: &Path) -> String {
    Uri::from_file_path(path)
        .expect("absolute path")
        .as_str()
        .to_string()
}

/// The policy copied into a fresh repository (no configuration of this one around it).
fn copy_into_repo(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = crate::temp_repo();
    crate::write(dir.path(), "SECURITY.md", text);
    let path = dir.path().join("SECURITY.md");
    (dir, path)
}

/// A policy as SECURITY.md in a fresh repository, opened by a UTF-16 client on the tests' day.
struct Opened {
    dir: tempfile::TempDir,
    path: std::path::PathBuf,
    uri: String,
    text: String,
    session: Session,
    /// The findings published on open.
    published: Value,
}

fn opened(text: String) -> Opened {
    let (dir, path) = copy_into_repo(&text);
    let uri = uri_of(&path);
    let mut session = Session::start(global(Some("2026-11-22")), capabilities(&["utf-16"]));
    let published = session.open(&uri, &text);
    Opened {
        dir,
        path,
        uri,
        text,
        session,
        published,
    }
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(crate::repo().join("fixtures").join(name)).expect("fixture")
}

/// The hints of lines 0 to `last`.
fn inlay_hints(session: &mut Session, uri: &str, last: u32) -> Value {
    session.request(
        "textDocument/inlayHint",
        json!({ "textDocument": { "uri": uri }, "range": {
            "start": { "line": 0, "character": 0 }, "end": { "line": last, "character": 0 } } }),
    )
}

/// The fix-all action, alone.
fn fix_all(session: &mut Session, uri: &str) -> Value {
    session.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": [], "only": [server::FIX_ALL] },
        }),
    )
}

/// An action's edits as the content changes of a `didChange`, applied one after another: the
/// later first, so that the earlier's position holds.
fn changes(edits: &[TextEdit]) -> Vec<Value> {
    edits
        .iter()
        .rev()
        .map(|e| json!({ "range": e.range, "text": e.new_text }))
        .collect()
}

fn edits_of(action: &Value, uri: &str) -> Vec<TextEdit> {
    serde_json::from_value(action["edit"]["changes"][uri].clone()).expect("edits")
}

fn action<'a>(actions: &'a Value, title: &str) -> &'a Value {
    actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(title)))
        .unwrap_or_else(|| panic!("no action `{title}` in {actions:#}"))
}

fn code_actions(session: &mut Session, uri: &str, line: u32, diagnostics: &Value) -> Value {
    session.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line, "character": 0 } },
            "context": { "diagnostics": diagnostics },
        }),
    )
}

/// The acceptance session on seed 000 at 2026-11-22: the five findings at the CLI's ranges,
/// the rotation recorded as `rotate` records it, the hover and the hints.
#[test]
fn seed_000_in_the_editor() {
    let Some(shared) = crate::shared() else {
        return;
    };
    let seed =
        std::fs::read_to_string(shared.join("seeds/000_44b596ed7c7cac7d.txt")).expect("seed");
    let (dir, path) = copy_into_repo(&seed);
    let uri = uri_of(&path);
    let mut session = Session::start(global(Some("2026-11-22")), capabilities(&["utf-16"]));
    assert_eq!(
        session.result_of_initialize["capabilities"]["positionEncoding"],
        "utf-16"
    );
    assert_eq!(session.asked, ["client/registerCapability"]);
    let published = session.open(&uri, &seed);
    assert_eq!(published["version"], 1);
    let diagnostics = published["diagnostics"].clone();

    // The CLI's findings, at its (1-based, ASCII) lines and columns.
    let cli = crate::policy_lint(dir.path())
        .args(["--format", "json", "SECURITY.md"])
        .output()
        .expect("runs");
    let report: Value = serde_json::from_slice(&cli.stdout).expect("json");
    let expected: Vec<Value> = report["files"][0]["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| {
            let at = |key: &str| d[key].as_u64().expect("number") - 1;
            json!({
                "code": d["rule"], "severity": if d["severity"] == "error" { 1 } else { 2 },
                "message": d["message"],
                "range": {
                    "start": { "line": at("line"), "character": at("column") },
                    "end": { "line": at("end_line"), "character": at("end_column") },
                },
            })
        })
        .collect();
    let got: Vec<Value> = diagnostics
        .as_array()
        .expect("list")
        .iter()
        .map(|d| json!({ "code": d["code"], "severity": d["severity"], "message": d["message"], "range": d["range"] }))
        .collect();
    assert_eq!(got.len(), 5);
    assert_eq!(got, expected);
    assert!(
        diagnostics[0]["codeDescription"]["href"]
            .as_str()
            .is_some_and(|h| h.ends_with("#rules"))
    );

    // Hover on the AWS row: its schedule; on its finding: the rule's documentation.
    let hover = session.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 32, "character": 55 } }),
    );
    let text = hover["contents"]["value"].as_str().expect("markdown");
    assert!(text.contains("- due: 2026-02-14 (281 days late)"), "{text}");
    assert!(text.contains("- owner: DevOps Lead"), "{text}");
    assert!(text.contains("# rotation-overdue"), "{text}");

    // Hints: the four rotation rows in view, and the review field further down.
    let in_view = inlay_hints(&mut session, &uri, 60);
    let labels: Vec<&str> = in_view
        .as_array()
        .expect("hints")
        .iter()
        .map(|h| h["label"].as_str().expect("label"))
        .collect();
    assert_eq!(
        labels,
        [
            "due 2026-02-14 · 281 days late",
            "due 2026-02-14 · 281 days late",
            "due 2026-05-15 · 191 days late",
            "due 2026-02-14 · 281 days late",
        ]
    );
    assert_eq!(
        in_view[0]["position"],
        json!({ "line": 32, "character": 62 })
    );
    let all = inlay_hints(&mut session, &uri, 400);
    assert_eq!(all.as_array().expect("hints").len(), 5);
    assert_eq!(all[4]["label"], "due 2026-02-16 · 279 days late");

    // "Record rotation of AWS Access Keys today": the very text `rotate` writes.
    let actions = code_actions(&mut session, &uri, 32, &json!([diagnostics[0]]));
    let record = action(&actions, "Record rotation of AWS Access Keys today");
    let edits = edits_of(record, &uri);
    let recorded = server::apply(
        &SourceFile::new(&path, seed.clone()),
        &edits,
        Encoding::Utf16,
    );
    // The server wrote nothing: the action is an edit for the editor to apply.
    assert_eq!(std::fs::read_to_string(&path).expect("file"), seed);
    crate::policy_lint(dir.path())
        .args(["rotate", "AWS Access Keys", "--file", "SECURITY.md"])
        .assert()
        .success();
    let rotated = std::fs::read_to_string(&path).expect("rotated");
    assert_eq!(recorded, rotated);
    // The cell, and the Last Updated the command sets too: no other byte.
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0].new_text, "6-11-22");
    assert_eq!(
        edits[0].range,
        Range::new(Position::new(32, 53), Position::new(32, 60))
    );

    // Applying it: the row's finding is gone and its hint says when it is next due.
    let changes = changes(&edits);
    session.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": changes }),
    );
    let published = session.notification("textDocument/publishDiagnostics");
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"].as_array().expect("list").len(), 4);
    let hints_now = inlay_hints(&mut session, &uri, 60);
    assert_eq!(hints_now[0]["label"], "due in 90 days");
    assert_eq!(session.shutdown(), 0);
}

/// Positions are counted in the negotiated encoding: UTF-16 code units by default, UTF-8
/// bytes when the client offers them, on a policy in Korean with emoji and a combining mark.
#[test]
fn ranges_in_utf16_and_utf8_on_a_korean_policy() {
    let text = fixture("server/korean.md");
    let (_dir, path) = copy_into_repo(&text);
    let uri = uri_of(&path);
    let row = text
        .lines()
        .position(|l| l.contains("배포 키"))
        .expect("row");
    let line = text.lines().nth(row).expect("row");
    let date_at = line.find("2026-01-05").expect("date");
    let prefix = &line[..date_at];
    for (encoding, offered, column) in [
        ("utf-16", vec!["utf-16"], prefix.encode_utf16().count()),
        ("utf-8", vec!["utf-16", "utf-8"], prefix.len()),
    ] {
        let mut session = Session::start(global(Some("2026-11-22")), capabilities(&offered));
        assert_eq!(
            session.result_of_initialize["capabilities"]["positionEncoding"],
            encoding
        );
        let published = session.open(&uri, &text);
        let overdue = published["diagnostics"]
            .as_array()
            .expect("list")
            .iter()
            .find(|d| d["code"] == "rotation-overdue")
            .expect("the overdue row")
            .clone();
        assert_eq!(
            overdue["range"],
            json!({ "start": { "line": row, "character": column },
                    "end": { "line": row, "character": column + "2026-01-05".len() } }),
            "{encoding}"
        );
        // The hint goes at the end of the row, after the owner's emoji.
        let hints = inlay_hints(&mut session, &uri, 99);
        let end = if encoding == "utf-8" {
            line.len()
        } else {
            line.encode_utf16().count()
        };
        assert_eq!(
            hints[0]["position"],
            json!({ "line": row, "character": end })
        );
        // An edit typed after the combining mark lands after it.
        let other = text
            .lines()
            .position(|l| l.contains("Andre\u{301}"))
            .expect("row");
        let other_line = text.lines().nth(other).expect("row");
        let after_mark = other_line.find("\u{301}").expect("mark") + "\u{301}".len();
        let character = if encoding == "utf-8" {
            after_mark
        } else {
            other_line[..after_mark].encode_utf16().count()
        };
        session.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{
                "range": { "start": { "line": other, "character": character },
                           "end": { "line": other, "character": character } },
                "text": " Kim",
            }]}),
        );
        session.notification("textDocument/publishDiagnostics");
        let hover = session.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": other, "character": 0 } }),
        );
        assert!(
            hover["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.contains("- owner: Andre\u{301} Kim")),
            "{hover}"
        );
        assert_eq!(session.shutdown(), 0);
    }
}

/// Fix-all applies the safe fixes to a fixpoint, exactly as `--fix` does; an unsafe fix is
/// offered alone, labelled; "Disable RULE" comments silence the finding and nothing else.
#[test]
fn fix_all_and_suppressions_match_the_cli() {
    let Opened {
        dir,
        path,
        uri,
        text,
        mut session,
        published,
    } = opened(fixture("non-iso-date/spellings.md"));
    let diagnostics = published["diagnostics"].clone();
    let fix_all = fix_all(&mut session, &uri);
    assert_eq!(fix_all.as_array().expect("actions").len(), 1);
    assert_eq!(fix_all[0]["kind"], server::FIX_ALL);
    let fixed = server::apply(
        &SourceFile::new(&path, text.clone()),
        &edits_of(&fix_all[0], &uri),
        Encoding::Utf16,
    );
    // Findings are left (exit 1): only the file is compared.
    crate::policy_lint(dir.path())
        .args(["--fix", "SECURITY.md"])
        .output()
        .expect("runs");
    assert_eq!(fixed, std::fs::read_to_string(&path).expect("fixed"));
    assert_ne!(fixed, text);

    // Each finding's own fix, from its data; and its suppression.
    let first = diagnostics
        .as_array()
        .expect("list")
        .iter()
        .find(|d| d["code"] == "non-iso-date" && d["range"]["start"]["line"] == 18)
        .expect("the non-ISO date of `Last reviewed`")
        .clone();
    let line = first["range"]["start"]["line"].as_u64().expect("line") as u32;
    let actions = code_actions(&mut session, &uri, line, &json!([first]));
    let quick = &actions[0];
    assert_eq!(quick["kind"], "quickfix");
    assert_eq!(quick["isPreferred"], true);
    let disable = action(&actions, "Disable non-iso-date for this line");
    let silenced = server::apply(
        &SourceFile::new(&path, text.clone()),
        &edits_of(disable, &uri),
        Encoding::Utf16,
    );
    let before = policy_lint::lint(
        &SourceFile::new("SECURITY.md", text.clone()),
        &policy_lint::pack::Pack::builtin().expect("pack"),
        crate::today(),
    );
    let after = policy_lint::lint(
        &SourceFile::new("SECURITY.md", silenced.clone()),
        &policy_lint::pack::Pack::builtin().expect("pack"),
        crate::today(),
    );
    assert!(silenced.contains("-- reason"), "{silenced}");
    assert_eq!(after.len() + 1, before.len(), "{silenced}");
    assert!(after.iter().all(|d| d.rule != "unused-suppression"));
    assert_eq!(session.shutdown(), 0);
}

/// A finding in a table row is silenced around the table: a comment between two rows would
/// end the table.
#[test]
fn disabling_a_rotation_finding_keeps_the_table_whole() {
    let Opened {
        dir: _dir,
        path,
        uri,
        text,
        mut session,
        published,
    } = opened(fixture("server/korean.md"));
    let overdue = published["diagnostics"][0].clone();
    assert_eq!(overdue["code"], "rotation-overdue");
    let line = overdue["range"]["start"]["line"].as_u64().expect("line") as u32;
    let actions = code_actions(&mut session, &uri, line, &json!([overdue]));
    let disable = action(&actions, "Disable rotation-overdue for this table");
    let silenced = server::apply(
        &SourceFile::new(&path, text.clone()),
        &edits_of(disable, &uri),
        Encoding::Utf16,
    );
    session.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": silenced }] }),
    );
    let published = session.notification("textDocument/publishDiagnostics");
    let codes: Vec<&Value> = published["diagnostics"]
        .as_array()
        .expect("list")
        .iter()
        .map(|d| &d["code"])
        .collect();
    assert_eq!(codes, [&json!("review-overdue")]);
    // The rows are still a rotation table: both still have their hints.
    let hints = inlay_hints(&mut session, &uri, 99);
    assert_eq!(hints.as_array().expect("hints").len(), 3);
    // "Record review today" on the review field.
    let review_line = silenced
        .lines()
        .position(|l| l.starts_with("**Next Review**"))
        .expect("field") as u32;
    let actions = code_actions(&mut session, &uri, review_line, &json!([]));
    let review = action(&actions, "Record review today");
    let reviewed = server::apply(
        &SourceFile::new(&path, silenced),
        &edits_of(review, &uri),
        Encoding::Utf16,
    );
    assert!(
        reviewed.contains("**Next Review**: 2027-02-22 (quarterly review) — 분기별 검토"),
        "{reviewed}"
    );
    assert_eq!(session.shutdown(), 0);
}

/// Pull diagnostics when the client supports them (then nothing is pushed), code lenses for a
/// client without inlay hints, closing clears, and a date change lints again unprompted.
#[test]
fn pull_lenses_close_and_midnight() {
    let text = fixture("server/korean.md");
    let (_dir, path) = copy_into_repo(&text);
    let uri = uri_of(&path);
    let day = Arc::new(AtomicI64::new(0));
    let clock: server::Clock = {
        let day = Arc::clone(&day);
        Arc::new(move || crate::today() + chrono::Duration::days(day.load(Ordering::SeqCst)))
    };
    let pulling = json!({
        "textDocument": { "diagnostic": {} },
        "workspace": { "diagnostics": { "refreshSupport": true } },
    });
    let mut session = Session::start_with(global(None), pulling, Some(clock));
    let caps = &session.result_of_initialize["capabilities"];
    assert_eq!(caps["diagnosticProvider"]["identifier"], "policy-lint");
    assert!(caps["codeLensProvider"].is_object());
    assert!(caps.get("inlayHintProvider").is_none());
    session.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "markdown", "version": 1, "text": text }}),
    );
    let pulled = session.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(pulled["kind"], "full");
    assert_eq!(pulled["items"].as_array().expect("items").len(), 2);
    let lenses = session.request(
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri } }),
    );
    let titles: Vec<&str> = lenses
        .as_array()
        .expect("lenses")
        .iter()
        .map(|l| l["command"]["title"].as_str().expect("title"))
        .collect();
    assert_eq!(
        titles,
        [
            "due 2026-04-05 · 231 days late",
            "due in 128 days",
            "due 2026-11-01 · 21 days late"
        ]
    );

    // Midnight, 128 days on: the second row falls due; the client is asked to pull again.
    day.store(128, Ordering::SeqCst);
    session.notify("$/setTrace", json!({ "value": "off" }));
    let lenses = loop {
        let lenses = session.request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": uri } }),
        );
        if lenses[1]["command"]["title"] != "due in 128 days" {
            break lenses;
        }
    };
    assert_eq!(lenses[1]["command"]["title"], "due today");
    assert!(
        session
            .asked
            .contains(&"workspace/diagnostic/refresh".to_string()),
        "{:?}",
        session.asked
    );
    session.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let pulled = session.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(pulled["items"], json!([]));
    assert_eq!(session.shutdown(), 0);
}

/// The configuration of the document's repository applies, and is read again when the
/// client reports that it changed.
#[test]
fn configuration_is_reloaded_on_change() {
    let text = fixture("server/korean.md");
    let (dir, path) = copy_into_repo(&text);
    crate::write(
        dir.path(),
        ".policy-lint.yml",
        "rules:\n  review-overdue: {enabled: false}\n",
    );
    let uri = uri_of(&path);
    let mut session = Session::start(global(Some("2026-11-22")), capabilities(&["utf-16"]));
    assert_eq!(session.asked, ["client/registerCapability"]);
    let published = session.open(&uri, &text);
    assert_eq!(published["diagnostics"].as_array().expect("list").len(), 1);
    crate::write(
        dir.path(),
        ".policy-lint.yml",
        "rules:\n  review-overdue: {severity: warning}\n",
    );
    session.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri_of(&dir.path().join(".policy-lint.yml")), "type": 2 }] }),
    );
    let published = session.notification("textDocument/publishDiagnostics");
    let review = &published["diagnostics"][1];
    assert_eq!(
        (&review["code"], &review["severity"]),
        (&json!("review-overdue"), &json!(2))
    );
    // A configuration that does not load is said, and the built-in pack lints meanwhile.
    crate::write(dir.path(), ".policy-lint.yml", "rules: [\n");
    session.notify("workspace/didChangeWatchedFiles", json!({ "changes": [] }));
    let said = session.notification("window/showMessage");
    let message = said["message"].as_str().expect("text");
    assert!(
        message.contains("built-in pack") && message.contains(".policy-lint.yml"),
        "{said}"
    );
    let published = session.notification("textDocument/publishDiagnostics");
    assert_eq!(published["diagnostics"].as_array().expect("list").len(), 2);
    assert_eq!(session.shutdown(), 0);
}

/// A burst of changes ends in the newest version's findings; a 20 MB document being linted
/// does not hold up `shutdown`; unknown requests and bad parameters are errors, not crashes;
/// `exit` without `shutdown` exits 1.
#[test]
fn robust_under_bursts_big_documents_and_bad_requests() {
    let text = fixture("server/korean.md");
    let uri = "untitled:SECURITY.md";
    let mut session = Session::start(global(Some("2026-11-22")), capabilities(&["utf-16"]));
    session.open(uri, &text);
    for version in 2..=30 {
        let edited = text.replace("2026-01-05", &format!("2026-{:02}-01", version % 12 + 1));
        session.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": edited }] }),
        );
    }
    let mut versions = Vec::new();
    while versions.last() != Some(&30) {
        versions.push(
            session.notification("textDocument/publishDiagnostics")["version"]
                .as_i64()
                .expect("version"),
        );
    }
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(
        versions.len() < 29,
        "a burst is linted once, not change by change: {versions:?}"
    );

    let unknown = session.request_raw("textDocument/rename", json!({}));
    assert_eq!(
        unknown.response_result.expect_err("an error").code,
        lsp_server::ErrorCode::MethodNotFound as i32
    );
    let bad = session.request_raw(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(
        bad.response_result.expect_err("an error").code,
        lsp_server::ErrorCode::InvalidParams as i32
    );

    // 20 MB of rotation rows, and `shutdown` at once.
    let mut big = String::from(
        "# Security\n\n| Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n",
    );
    while big.len() < 20 << 20 {
        big.push_str("| Deploy key | Every 90 days | Ops | 2026-01-05 |\n");
    }
    session.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": "untitled:BIG.md", "languageId": "markdown", "version": 1, "text": big }}),
    );
    let started = std::time::Instant::now();
    session.request("shutdown", Value::Null);
    let reply = started.elapsed();
    // Not a timing test: the lint of 20 MB is still running, so nothing was published first.
    assert!(
        session.unread.is_empty(),
        "published before the shutdown reply: {reply:?}"
    );
    session.notify("exit", Value::Null);
    assert_eq!(
        session
            .server
            .take()
            .expect("running")
            .join()
            .expect("thread"),
        0
    );
    // The lint may have finished meanwhile: its result is drained unread by nobody.
    while session.client.receiver.try_recv().is_ok() {}

    let mut session = Session::start(global(Some("2026-11-22")), capabilities(&["utf-16"]));
    session.notify("exit", Value::Null);
    assert_eq!(
        session
            .server
            .take()
            .expect("running")
            .join()
            .expect("thread"),
        1
    );
}

/// The real binary over stdio: a frame that is not JSON, or not a message, is answered with a
/// JSON-RPC error and the server goes on; the end of input ends it.
#[test]
fn stdio_answers_malformed_frames_and_ends_with_its_input() {
    let frame = |body: &str| format!("Content-Length: {}\r\n\r\n{body}", body.len());
    let input = [
        frame("{not json"),
        frame(r#"{"jsonrpc":"2.0","id":9,"params":{}}"#),
        frame(r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#),
        frame(r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#),
        frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#),
    ]
    .concat();
    let output = crate::policy_lint(&crate::repo())
        .arg("server")
        .write_stdin(input)
        .timeout(WAIT)
        .output()
        .expect("runs");
    let out = String::from_utf8(output.stdout).expect("utf-8");
    let bodies: Vec<Value> = out
        .split("Content-Length: ")
        .filter(|part| !part.is_empty())
        .map(|part| {
            serde_json::from_str(part.split_once("\r\n\r\n").expect("frame").1).expect("json")
        })
        .collect();
    assert_eq!(bodies.len(), 4, "{out}");
    assert_eq!(
        (&bodies[0]["id"], &bodies[0]["error"]["code"]),
        (&Value::Null, &json!(-32700))
    );
    assert_eq!(
        (&bodies[1]["id"], &bodies[1]["error"]["code"]),
        (&json!(9), &json!(-32600))
    );
    assert_eq!(bodies[2]["result"]["serverInfo"]["name"], "policy-lint");
    assert_eq!(
        (&bodies[3]["id"], &bodies[3]["result"]),
        (&json!(2), &Value::Null)
    );
    // The input ended without `exit`.
    assert_eq!(output.status.code(), Some(1));
}

/// The scripted session, message by message, as a snapshot: initialize, open, the findings,
/// the actions on the overdue row, the hover, the hints, the recorded rotation applied, its
/// findings, shutdown and exit.
#[test]
fn scripted_session_transcript() {
    let Opened {
        dir,
        uri,
        mut session,
        published,
        ..
    } = opened(fixture("server/korean.md"));
    let overdue = published["diagnostics"][0].clone();
    let line = overdue["range"]["start"]["line"].as_u64().expect("line") as u32;
    let actions = code_actions(&mut session, &uri, line, &json!([overdue]));
    session.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": 3 } }),
    );
    inlay_hints(&mut session, &uri, 99);
    let record = action(&actions, "Record rotation of 🔑 배포 키 today");
    let changes = changes(&edits_of(record, &uri));
    session.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": changes }),
    );
    session.notification("textDocument/publishDiagnostics");
    session.request("shutdown", Value::Null);
    session.notify("exit", Value::Null);
    assert_eq!(
        session
            .server
            .take()
            .expect("running")
            .join()
            .expect("thread"),
        0
    );
    let transcript = serde_json::to_string_pretty(&session.transcript)
        .expect("json")
        .replace(&uri, "file:///[repo]/SECURITY.md")
        .replace(&dir.path().display().to_string(), "[repo]");
    insta::assert_snapshot!(transcript);
}

/// An unsafe fix is offered on its own finding, labelled, and never in fix-all; a finding
/// about the whole document is silenced for the file; closing a document clears its findings.
#[test]
fn unsafe_fixes_are_labelled_and_closing_clears() {
    let Opened {
        dir: _dir,
        path,
        uri,
        text,
        mut session,
        published,
    } = opened(fixture("review-date-mismatch/pushed-out.md"));
    let findings = published["diagnostics"].as_array().expect("list").clone();
    let mismatch = findings
        .iter()
        .find(|d| d["code"] == "review-date-mismatch")
        .expect("the mismatch")
        .clone();
    let line = mismatch["range"]["start"]["line"].as_u64().expect("line") as u32;
    let actions = code_actions(&mut session, &uri, line, &json!([mismatch]));
    assert!(
        actions[0]["title"]
            .as_str()
            .is_some_and(|t| t.ends_with("(unsafe fix: check the result)")),
        "{actions:#}"
    );
    assert_eq!(actions[0]["isPreferred"], false);
    let fix_all = fix_all(&mut session, &uri);
    assert_eq!(fix_all, json!([]), "no safe fix, so no fix-all");

    let missing = findings
        .iter()
        .find(|d| d["code"] == "missing-contact")
        .expect("a whole-document finding")
        .clone();
    let actions = code_actions(&mut session, &uri, 0, &json!([missing]));
    let disable = action(&actions, "Disable missing-contact for this file");
    let silenced = server::apply(
        &SourceFile::new(&path, text.clone()),
        &edits_of(disable, &uri),
        Encoding::Utf16,
    );
    assert!(silenced.starts_with("<!-- policy-lint-disable-file missing-contact -- reason -->\n"));
    let left = policy_lint::lint(
        &SourceFile::new("SECURITY.md", silenced),
        &policy_lint::pack::Pack::builtin().expect("pack"),
        crate::today(),
    );
    assert_eq!(left.len() + 1, findings.len());

    session.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    let cleared = session.notification("textDocument/publishDiagnostics");
    assert_eq!(cleared["diagnostics"], json!([]));
    assert_eq!(session.shutdown(), 0);
}

/// A security.txt is the other kind of document: its own rules, its `Expires` as the dated
/// line, and `#` suppression comments.
#[test]
fn a_security_txt_in_the_editor() {
    let text = fixture("txt-expired/security.txt");
    let dir = crate::temp_repo();
    crate::write(dir.path(), ".well-known/security.txt", &text);
    let path = dir.path().join(".well-known/security.txt");
    let uri = uri_of(&path);
    let mut session = Session::start(global(Some("2026-11-22")), capabilities(&["utf-16"]));
    let published = session.open(&uri, &text);
    let expired = published["diagnostics"][0].clone();
    assert_eq!(expired["code"], "txt-expired");
    assert_eq!(
        expired["range"]["start"],
        json!({ "line": 2, "character": 9 })
    );
    let hints = inlay_hints(&mut session, &uri, 9);
    assert_eq!(hints[0]["label"], "due 2025-06-30 · 510 days late");
    let actions = code_actions(&mut session, &uri, 2, &json!([expired]));
    let disable = action(&actions, "Disable txt-expired for this line");
    let silenced = server::apply(
        &SourceFile::new(&path, text.clone()),
        &edits_of(disable, &uri),
        Encoding::Utf16,
    );
    assert!(silenced.contains("# policy-lint-disable-next-line txt-expired -- reason\nExpires:"));
    // "Renew security.txt until …": the text `renew` writes.
    let renew = action(&actions, "Renew security.txt until 2027-11-21");
    let renewed = server::apply(
        &SourceFile::new(&path, text.clone()),
        &edits_of(renew, &uri),
        Encoding::Utf16,
    );
    crate::policy_lint(dir.path())
        .args(["renew", "--file", ".well-known/security.txt"])
        .assert()
        .success();
    assert_eq!(renewed, std::fs::read_to_string(&path).expect("renewed"));
    assert_ne!(renewed, text);
    assert_eq!(session.shutdown(), 0);
}
