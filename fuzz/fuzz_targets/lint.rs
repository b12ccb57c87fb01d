//! Any UTF-8 text: every rule runs without panicking, every finding's span lies on character
//! boundaries inside the text, and every output format renders it.
#![no_main]

use std::sync::LazyLock;

use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use policy_lint::cli::Format;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;
use policy_lint::render::{self, FileReport, RenderOptions, Report};

/// Loaded once: compiling the pack's patterns costs more than a run.
static PACK: LazyLock<Pack> = LazyLock::new(|| Pack::builtin().expect("the built-in pack loads"));

fuzz_target!(|text: &str| {
    let pack = &*PACK;
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).expect("date");
    let source = SourceFile::new("SECURITY.md", text.to_string());
    let diagnostics = policy_lint::lint(&source, pack, today);
    for d in &diagnostics {
        assert!(d.span.start <= d.span.end && d.span.end <= text.len());
        assert!(text.is_char_boundary(d.span.start) && text.is_char_boundary(d.span.end));
    }
    let report = Report {
        today,
        root: std::path::PathBuf::new(),
        files: vec![FileReport {
            source,
            diagnostics,
            fixed: 0,
        }],
    };
    let options = RenderOptions {
        color: false,
        quiet: false,
        statistics: false,
    };
    for format in [
        Format::Human,
        Format::Concise,
        Format::Json,
        Format::Sarif,
        Format::Github,
    ] {
        render::render(format, &report, options, &mut std::io::sink()).expect("renders");
    }
});
