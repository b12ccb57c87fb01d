//! `policy-lint server`: the language server, a third front end beside `cmd/` and the
//! library API. It holds no rule logic: each open document goes through the CLI's pipeline
//! (the same configuration lookup, pack, date, parse, rules and fixes), and the LSP types
//! are only the form the results travel in.
//!
//! Threads: the main loop reads messages and answers requests; one lint thread lints open
//! documents, newest version first. A burst of changes is linted once (changes are applied
//! as they come, and the lint is queued when no message is waiting); a change that arrives
//! while a document is being linted supersedes that lint, whose result is dropped; and a long
//! lint never holds up the reply to `shutdown`. Requests that need a document's findings
//! (hover, inlay hints, code actions, pulled diagnostics) wait for the lint of its current
//! version.
//!
//! Files: [`transport`] frames messages on standard input and output, [`position`] converts
//! byte offsets to LSP positions, [`analysis`] is one lint in LSP form, [`info`] the hover
//! and hints, [`actions`] the code actions.

mod actions;
mod analysis;
mod info;
mod position;
mod transport;

use std::collections::{HashMap, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use crossbeam_channel::{Receiver, Sender, select};
use ls_types::{
    CodeActionParams, CodeLensParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, HoverParams, InlayHintParams, PublishDiagnosticsParams,
    TextDocumentIdentifier, Uri,
};
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use serde_json::{Value, json};

pub use actions::{FIX_ALL, apply, edits_between};
pub use analysis::{Analysis, DiagnosticData, FixData};
pub use position::Encoding;

use crate::cli::{FailOn, Format, GlobalArgs};
use crate::io::source::SourceFile;
use crate::settings::Settings;

/// How often the server looks at the clock, to lint open documents again when the local date
/// changes (a deadline that passes at midnight shows without an edit).
const CLOCK_TICK: Duration = Duration::from_secs(30);

/// `policy-lint server`: serves the client on standard input and output until `exit` or the
/// end of input.
pub fn run(global: &GlobalArgs) -> Result<u8, miette::Report> {
    let (connection, io) = transport::stdio();
    let code = serve(connection, global);
    io.join()
        .map_err(|err| miette::miette!("the language server cannot write its output: {err}"))?;
    Ok(code)
}

/// The local date, as the server reads it when `--today` is not given; tests set their own.
pub type Clock = Arc<dyn Fn() -> NaiveDate + Send + Sync>;

/// Serves one client on `connection`. Returns the exit code LSP asks for: 0 after `shutdown`
/// then `exit`, 1 on `exit` without `shutdown` or when the input ends first.
pub fn serve(connection: Connection, global: &GlobalArgs) -> u8 {
    serve_with_clock(
        connection,
        global,
        Arc::new(|| chrono::Local::now().date_naive()),
    )
}

/// [`serve`] with the local date read from `clock`.
pub fn serve_with_clock(connection: Connection, global: &GlobalArgs, clock: Clock) -> u8 {
    let (id, params) = match connection.initialize_start() {
        Ok(start) => start,
        Err(err) => {
            if !err.channel_is_disconnected() {
                eprintln!("policy-lint server: {err}");
            }
            return 1;
        }
    };
    let client = Client::of(&params);
    if connection
        .initialize_finish(id, initialize_result(&client))
        .is_err()
    {
        return 1;
    }
    let (jobs, queued) = crossbeam_channel::unbounded();
    let (finished, results) = crossbeam_channel::unbounded();
    let mut builtin = global.clone();
    (builtin.no_config, builtin.config) = (true, None);
    let builtin = match Settings::resolve(&builtin, Format::Human, FailOn::Error, None) {
        Ok(settings) => Arc::new(settings),
        Err(report) => {
            eprintln!("policy-lint server: {report:?}");
            return 1;
        }
    };
    std::thread::spawn(move || lint_thread(&queued, &finished));
    let mut server = Server {
        builtin,
        connection: &connection,
        global: global.clone(),
        client,
        documents: HashMap::new(),
        settings: HashMap::new(),
        jobs,
        parked: Vec::new(),
        day: global.today.unwrap_or_else(|| clock()),
        clock,
        shut_down: false,
        next_id: 0,
    };
    server.register_watcher();
    server.serve(&results)
}

/// What the client said it supports, read from its `initialize` capabilities.
#[derive(Clone, Copy, Debug)]
struct Client {
    encoding: Encoding,
    /// Pull diagnostics (`textDocument/diagnostic`): then nothing is pushed.
    pull: bool,
    inlay_hints: bool,
    watch_files: bool,
    diagnostic_refresh: bool,
    inlay_hint_refresh: bool,
}

impl Client {
    fn of(params: &Value) -> Client {
        let caps = &params["capabilities"];
        let flag = |pointer: &str| caps.pointer(pointer).and_then(Value::as_bool) == Some(true);
        let offered: Option<Vec<ls_types::PositionEncodingKind>> = caps
            .pointer("/general/positionEncodings")
            .and_then(|kinds| serde_json::from_value(kinds.clone()).ok());
        Client {
            encoding: Encoding::negotiate(offered.as_deref()),
            pull: caps.pointer("/textDocument/diagnostic").is_some(),
            inlay_hints: caps.pointer("/textDocument/inlayHint").is_some(),
            watch_files: flag("/workspace/didChangeWatchedFiles/dynamicRegistration"),
            diagnostic_refresh: flag("/workspace/diagnostics/refreshSupport"),
            inlay_hint_refresh: flag("/workspace/inlayHint/refreshSupport"),
        }
    }
}

fn initialize_result(client: &Client) -> Value {
    let mut capabilities = json!({
        "positionEncoding": client.encoding.kind(),
        "textDocumentSync": { "openClose": true, "change": 2, "save": { "includeText": false } },
        "hoverProvider": true,
        "codeActionProvider": { "codeActionKinds": ["quickfix", FIX_ALL] },
    });
    if client.inlay_hints {
        capabilities["inlayHintProvider"] = json!(true);
    } else {
        capabilities["codeLensProvider"] = json!({ "resolveProvider": false });
    }
    if client.pull {
        capabilities["diagnosticProvider"] = json!({
            "identifier": analysis::SOURCE,
            "interFileDependencies": false,
            "workspaceDiagnostics": false,
        });
    }
    json!({
        "capabilities": capabilities,
        "serverInfo": { "name": "policy-lint", "version": env!("CARGO_PKG_VERSION") },
    })
}

/// One open document.
struct Open {
    version: i32,
    text: String,
    path: PathBuf,
    settings: Arc<Settings>,
    /// Changed since its last lint was queued.
    dirty: bool,
    /// Lint again for a reason the client cannot see (the date, the configuration): a client
    /// that pulls diagnostics is asked to pull again.
    refresh: bool,
    /// The lint of the current version, once it is done.
    analysis: Option<Arc<Analysis>>,
    /// The date of the lint queued last.
    today: NaiveDate,
}

/// A document to lint, with what its lint needs.
struct Job {
    uri: Uri,
    version: i32,
    path: PathBuf,
    text: String,
    settings: Arc<Settings>,
    today: NaiveDate,
    encoding: Encoding,
}

/// Lints queued documents until the server is gone. Of several queued versions of one
/// document only the newest is linted.
fn lint_thread(jobs: &Receiver<Job>, results: &Sender<Analysis>) {
    let mut queue: VecDeque<Job> = VecDeque::new();
    loop {
        if queue.is_empty() {
            match jobs.recv() {
                Ok(job) => queue.push_back(job),
                Err(_) => return,
            }
        }
        for job in jobs.try_iter() {
            queue.retain(|queued| queued.uri != job.uri);
            queue.push_back(job);
        }
        let Some(job) = queue.pop_front() else {
            continue;
        };
        let (uri, version) = (job.uri.clone(), job.version);
        let analysis = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            analysis::analyse(
                job.uri,
                job.version,
                &job.path,
                job.text,
                &job.settings,
                job.today,
                job.encoding,
            )
        }))
        .unwrap_or_else(|_| {
            eprintln!(
                "policy-lint server: linting {} failed; please report this as a bug",
                uri.as_str()
            );
            Analysis {
                uri,
                version,
                diagnostics: Vec::new(),
                dues: Vec::new(),
                // Nothing is known of its shape: no suppression comment is offered.
                layout: analysis::Layout::SecurityTxt { signed: true },
            }
        });
        if results.send(analysis).is_err() {
            return;
        }
    }
}

struct Server<'c> {
    connection: &'c Connection,
    global: GlobalArgs,
    client: Client,
    documents: HashMap<Uri, Open>,
    /// The settings of each directory a document is in: its `.policy-lint.yml`.
    settings: HashMap<PathBuf, Arc<Settings>>,
    /// The built-in pack's, for a document whose configuration does not load.
    builtin: Arc<Settings>,
    jobs: Sender<Job>,
    /// Requests waiting for the lint of their document's current version.
    parked: Vec<Request>,
    /// The date the open documents were last linted for.
    day: NaiveDate,
    clock: Clock,
    shut_down: bool,
    next_id: i32,
}

/// The requests answered from a document's lint.
const NEEDS_ANALYSIS: &[&str] = &[
    "textDocument/diagnostic",
    "textDocument/hover",
    "textDocument/inlayHint",
    "textDocument/codeLens",
    "textDocument/codeAction",
];

impl Server<'_> {
    fn serve(&mut self, results: &Receiver<Analysis>) -> u8 {
        loop {
            select! {
                recv(self.connection.receiver) -> message => match message {
                    // The end of input without `exit`.
                    Err(_) => return 1,
                    Ok(Message::Request(request)) => self.request(request),
                    Ok(Message::Notification(notification)) => {
                        if notification.method == "exit" {
                            return if self.shut_down { 0 } else { 1 };
                        }
                        self.notification(notification);
                    }
                    Ok(Message::Response(_)) => {}
                },
                recv(results) -> analysis => {
                    if let Ok(analysis) = analysis {
                        self.analysed(analysis);
                    }
                }
                default(CLOCK_TICK) => {}
            }
            self.check_the_date();
            if self.connection.receiver.is_empty() {
                self.queue_lints();
            }
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // The client is gone when this fails; the loop ends at the next read.
        let _ = self.connection.sender.send(message.into());
    }

    fn respond(&self, id: RequestId, result: Value) {
        self.send(Response::new_ok(id, result));
    }

    fn fail(&self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message));
    }

    fn ask(&mut self, method: &str, params: Value) {
        self.next_id += 1;
        let id = RequestId::from(format!("policy-lint-{}", self.next_id));
        self.send(Request::new(id, method.to_string(), params));
    }

    fn request(&mut self, request: Request) {
        if self.shut_down {
            return self.fail(
                request.id,
                ErrorCode::InvalidRequest,
                format!("`{}` after shutdown", request.method),
            );
        }
        if request.method == "shutdown" {
            self.shut_down = true;
            for parked in std::mem::take(&mut self.parked) {
                self.respond(parked.id, empty_result(&parked.method));
            }
            return self.respond(request.id, Value::Null);
        }
        if !NEEDS_ANALYSIS.contains(&request.method.as_str()) {
            return self.fail(
                request.id,
                ErrorCode::MethodNotFound,
                format!("policy-lint does not answer `{}`", request.method),
            );
        }
        let Some(uri) = document_of(&request.params) else {
            return self.fail(
                request.id,
                ErrorCode::InvalidParams,
                "the request names no textDocument.uri".to_string(),
            );
        };
        match self.documents.get(&uri) {
            None => self.respond(request.id, empty_result(&request.method)),
            Some(open) => match open.analysis.clone() {
                Some(analysis) => self.answer(request, &analysis),
                None => self.parked.push(request),
            },
        }
    }

    /// Answers a request from its document's current lint.
    fn answer(&mut self, request: Request, analysis: &Analysis) {
        let Some(open) = self.documents.get(&analysis.uri) else {
            return self.respond(request.id, empty_result(&request.method));
        };
        let invalid = |err: serde_json::Error| format!("invalid parameters: {err}");
        let result = match request.method.as_str() {
            "textDocument/diagnostic" => {
                Ok(json!({ "kind": "full", "items": analysis.diagnostics }))
            }
            "textDocument/hover" => serde_json::from_value::<HoverParams>(request.params)
                .map_err(invalid)
                .map(|params| {
                    json!(info::hover(
                        analysis,
                        params.text_document_position_params.position
                    ))
                }),
            "textDocument/inlayHint" => serde_json::from_value::<InlayHintParams>(request.params)
                .map_err(invalid)
                .map(|params| json!(info::inlay_hints(analysis, params.range))),
            "textDocument/codeLens" => serde_json::from_value::<CodeLensParams>(request.params)
                .map_err(invalid)
                .map(|_| json!(info::code_lenses(analysis))),
            "textDocument/codeAction" => serde_json::from_value::<CodeActionParams>(request.params)
                .map_err(invalid)
                .map(|params| {
                    let source = SourceFile::new(&open.path, open.text.clone());
                    let target = actions::Target {
                        uri: &analysis.uri,
                        source: &source,
                        settings: &open.settings,
                        today: open.today,
                        encoding: self.client.encoding,
                        analysis,
                    };
                    json!(actions::code_actions(&target, &params))
                }),
            _ => Ok(empty_result(&request.method)),
        };
        match result {
            Ok(result) => self.respond(request.id, result),
            Err(message) => self.fail(request.id, ErrorCode::InvalidParams, message),
        }
    }

    fn notification(&mut self, notification: Notification) {
        let (method, params) = (notification.method, notification.params);
        match method.as_str() {
            "textDocument/didOpen" => {
                let Some(params) = parameters::<DidOpenTextDocumentParams>(&method, params) else {
                    return;
                };
                let document = params.text_document;
                let path = path_of(&document.uri);
                let settings = self.settings_for(&path);
                self.documents.insert(
                    document.uri,
                    Open {
                        version: document.version,
                        text: document.text,
                        path,
                        settings,
                        dirty: true,
                        refresh: false,
                        analysis: None,
                        today: self.day,
                    },
                );
            }
            "textDocument/didChange" => {
                let Some(params) = parameters::<DidChangeTextDocumentParams>(&method, params)
                else {
                    return;
                };
                let encoding = self.client.encoding;
                let Some(open) = self.documents.get_mut(&params.text_document.uri) else {
                    return;
                };
                for change in params.content_changes {
                    match change.range {
                        None => open.text = change.text,
                        Some(range) => {
                            let source =
                                SourceFile::new(&open.path, std::mem::take(&mut open.text));
                            let span = position::span(&source, range, encoding);
                            let mut text = source.text;
                            text.replace_range(span.start..span.end, &change.text);
                            open.text = text;
                        }
                    }
                }
                open.version = params.text_document.version;
                open.analysis = None;
                open.dirty = true;
            }
            "textDocument/didSave" => {
                if let Some(open) =
                    document_of(&params).and_then(|uri| self.documents.get_mut(&uri))
                {
                    open.dirty = true;
                }
            }
            "textDocument/didClose" => {
                let Some(params) = parameters::<DidCloseTextDocumentParams>(&method, params) else {
                    return;
                };
                let uri = params.text_document.uri;
                self.documents.remove(&uri);
                let (closed, parked): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked)
                    .into_iter()
                    .partition(|r| document_of(&r.params).as_ref() == Some(&uri));
                self.parked = parked;
                for request in closed {
                    self.respond(request.id, empty_result(&request.method));
                }
                if !self.client.pull {
                    self.publish(uri, Vec::new(), None);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                self.settings.clear();
                let paths: Vec<(Uri, PathBuf)> = self
                    .documents
                    .iter()
                    .map(|(uri, open)| (uri.clone(), open.path.clone()))
                    .collect();
                for (uri, path) in paths {
                    let settings = self.settings_for(&path);
                    if let Some(open) = self.documents.get_mut(&uri) {
                        open.settings = settings;
                        open.dirty = true;
                        open.refresh = true;
                    }
                }
            }
            "$/cancelRequest" => {
                let Some(id) = params.get("id").cloned() else {
                    return;
                };
                let Some(at) = self
                    .parked
                    .iter()
                    .position(|r| serde_json::to_value(&r.id).ok().as_ref() == Some(&id))
                else {
                    return;
                };
                let request = self.parked.remove(at);
                self.fail(
                    request.id,
                    ErrorCode::RequestCanceled,
                    "cancelled".to_string(),
                );
            }
            _ => {}
        }
    }

    /// Asks the client to tell the server when a configuration file changes.
    fn register_watcher(&mut self) {
        if !self.client.watch_files {
            return;
        }
        let watchers: Vec<Value> = crate::pack::CONFIG_FILE_NAMES
            .iter()
            .map(|name| json!({ "globPattern": format!("**/{name}") }))
            .collect();
        self.ask(
            "client/registerCapability",
            json!({ "registrations": [{
                "id": "policy-lint-configuration",
                "method": "workspace/didChangeWatchedFiles",
                "registerOptions": { "watchers": watchers },
            }]}),
        );
    }

    /// The settings for a document at `path`: its directory's `.policy-lint.yml`, found as
    /// `check` finds it. A configuration that does not load is said once, and the built-in
    /// pack is used meanwhile.
    fn settings_for(&mut self, path: &Path) -> Arc<Settings> {
        let dir = path
            .parent()
            .filter(|dir| !dir.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_default();
        if let Some(settings) = self.settings.get(&dir) {
            return Arc::clone(settings);
        }
        let near = (!dir.as_os_str().is_empty()).then_some(dir.as_path());
        let settings = match Settings::resolve(&self.global, Format::Human, FailOn::Error, near) {
            Ok(settings) => Arc::new(settings),
            Err(report) => {
                self.send(Notification::new(
                    "window/showMessage".to_string(),
                    json!({
                        "type": 1,
                        "message": format!(
                            "policy-lint cannot load {}: {}; linting with the built-in pack \
                             until the configuration is fixed",
                            crate::pack::Pack::find_config(&dir)
                                .map_or_else(|| "its configuration".to_string(), |c| c.display().to_string()),
                            said(&report)
                        ),
                    }),
                ));
                Arc::clone(&self.builtin)
            }
        };
        self.settings.insert(dir, Arc::clone(&settings));
        settings
    }

    /// Lints every open document again when the date has changed since they were linted.
    fn check_the_date(&mut self) {
        // `--today` or `POLICY_LINT_TODAY`, else the local date.
        let day = self.global.today.unwrap_or_else(|| (self.clock)());
        if day == self.day {
            return;
        }
        self.day = day;
        for open in self.documents.values_mut() {
            open.dirty = true;
            open.refresh = true;
        }
    }

    /// Queues the lint of every document changed since its last.
    fn queue_lints(&mut self) {
        for (uri, open) in &mut self.documents {
            if !open.dirty {
                continue;
            }
            open.dirty = false;
            open.today = self.day;
            let _ = self.jobs.send(Job {
                uri: uri.clone(),
                version: open.version,
                path: open.path.clone(),
                text: open.text.clone(),
                settings: Arc::clone(&open.settings),
                today: self.day,
                encoding: self.client.encoding,
            });
        }
    }

    /// A lint is done: kept and published when it is of the current version, and the
    /// requests waiting for it answered.
    fn analysed(&mut self, analysis: Analysis) {
        let Some(open) = self.documents.get_mut(&analysis.uri) else {
            return;
        };
        if open.version != analysis.version || open.dirty {
            return;
        }
        let analysis = Arc::new(analysis);
        open.analysis = Some(Arc::clone(&analysis));
        let refresh = std::mem::take(&mut open.refresh);
        if self.client.pull {
            if refresh && self.client.diagnostic_refresh {
                self.ask("workspace/diagnostic/refresh", Value::Null);
            }
        } else {
            self.publish(
                analysis.uri.clone(),
                analysis.diagnostics.clone(),
                Some(analysis.version),
            );
        }
        if refresh && self.client.inlay_hints && self.client.inlay_hint_refresh {
            self.ask("workspace/inlayHint/refresh", Value::Null);
        }
        let (ready, parked): (Vec<_>, Vec<_>) = std::mem::take(&mut self.parked)
            .into_iter()
            .partition(|r| document_of(&r.params).as_ref() == Some(&analysis.uri));
        self.parked = parked;
        for request in ready {
            self.answer(request, &analysis);
        }
    }

    fn publish(&self, uri: Uri, diagnostics: Vec<ls_types::Diagnostic>, version: Option<i32>) {
        self.send(Notification::new(
            "textDocument/publishDiagnostics".to_string(),
            PublishDiagnosticsParams {
                uri,
                diagnostics,
                version,
            },
        ));
    }
}

/// An error in one line: what, then each problem it holds.
fn said(report: &miette::Report) -> String {
    let mut text = report.to_string();
    for problem in report.related().into_iter().flatten() {
        text.push_str(&format!(": {problem}"));
    }
    text
}

/// A notification's parameters; ones that do not parse are said on standard error (there is
/// no reply to a notification) and the notification is ignored.
fn parameters<T: serde::de::DeserializeOwned>(method: &str, params: Value) -> Option<T> {
    serde_json::from_value(params)
        .map_err(|err| eprintln!("policy-lint server: ignoring `{method}`: {err}"))
        .ok()
}

/// The result of a request about a document the server cannot answer from: nothing.
fn empty_result(method: &str) -> Value {
    if method == "textDocument/diagnostic" {
        json!({ "kind": "full", "items": [] })
    } else {
        Value::Null
    }
}

/// The `textDocument.uri` of a request's or notification's parameters.
fn document_of(params: &Value) -> Option<Uri> {
    let document: TextDocumentIdentifier =
        serde_json::from_value(params.get("textDocument")?.clone()).ok()?;
    Some(document.uri)
}

/// The file a document is, for its configuration and its kind: its path for a `file:` URI,
/// else its last segment (an unsaved `untitled:SECURITY.md`) in the working directory.
fn path_of(uri: &Uri) -> PathBuf {
    if let Some(path) = uri.to_file_path() {
        return path.into_owned();
    }
    let name = uri
        .as_str()
        .rsplit(['/', ':'])
        .find(|segment| !segment.is_empty())
        .unwrap_or("SECURITY.md");
    PathBuf::from(name)
}
