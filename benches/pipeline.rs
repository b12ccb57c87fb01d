//! Throughput of each stage on generated policies: parse, lint, render (human and JSON) and
//! fix, in MB/s; and the cost of human output per finding, which must stay flat from 1,000 to
//! 100,000 findings. `cargo bench` runs them; `bench/compare.sh` compares whole runs with
//! other tools.

use std::hint::black_box;

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use policy_lint::cli::Format;
use policy_lint::document::Document;
use policy_lint::fix::fix_until_stable;
use policy_lint::io::source::SourceFile;
use policy_lint::pack::Pack;
use policy_lint::render::{self, FileReport, RenderOptions, Report};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
}

/// A policy with prose, a supported-versions table, `rows` rotation rows (a third of them
/// overdue, some with non-ISO dates to fix) and an incident log.
fn policy(rows: usize) -> String {
    let mut text = String::from(
        "# Security Policy\n\n## Supported Versions\n\n| Version | Supported |\n|---|---|\n\
         | 2.x | :white_check_mark: |\n| 1.x | :x: |\n\n## Reporting a Vulnerability\n\n\
         Please e-mail security@acme-widgets.dev; we answer within two working days and keep \
         you informed until the fix is released.\n\n## Secret Rotation Schedule\n\n\
         | Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n",
    );
    for i in 0..rows {
        let date = match i % 3 {
            0 => "2025-01-15".to_string(),
            1 => format!("Oct {}, 2026", 1 + i % 28),
            _ => format!("2026-11-{:02}", 1 + i % 20),
        };
        text.push_str(&format!(
            "| Service key {i} | Every 90 days | Team {} | {date} |\n",
            i % 7
        ));
    }
    text.push_str(
        "\n## Incident Log\n\n| Date | Incident | Severity | Status |\n|---|---|---|---|\n\
         | 2026-01-10 | Token leaked in CI log | High | Resolved |\n\
         <!-- Add new incidents above this line -->\n\n\
         **Last Updated**: 2026-11-20\n**Next Review**: 2027-02-20 (quarterly review)\n",
    );
    text
}

fn stages(c: &mut Criterion) {
    let pack = Pack::builtin().expect("pack");
    let mut group = c.benchmark_group("stages");
    for rows in [50, 5_000] {
        let text = policy(rows);
        let source = SourceFile::new("SECURITY.md", text.clone());
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::new("parse", rows), &source, |b, source| {
            b.iter(|| black_box(Document::parse(source)))
        });
        group.bench_with_input(BenchmarkId::new("lint", rows), &source, |b, source| {
            b.iter(|| black_box(policy_lint::lint(source, &pack, today())))
        });
        let report = Report {
            today: today(),
            root: std::path::PathBuf::new(),
            files: vec![FileReport {
                source: source.clone(),
                diagnostics: policy_lint::lint(&source, &pack, today()),
                fixed: 0,
            }],
        };
        for (name, format) in [
            ("render-human", Format::Human),
            ("render-json", Format::Json),
        ] {
            group.bench_with_input(BenchmarkId::new(name, rows), &report, |b, report| {
                b.iter(|| {
                    let mut out = Vec::new();
                    render::render(format, report, options(), &mut out).expect("render");
                    black_box(out)
                })
            });
        }
        group.bench_with_input(BenchmarkId::new("fix", rows), &source, |b, source| {
            b.iter(|| {
                let lint = |doc: &Document<'_>| policy_lint::lint_document(doc, &pack, today());
                black_box(fix_until_stable(source, false, lint).expect("converges"))
            })
        });
    }
    group.finish();
}

fn options() -> RenderOptions {
    RenderOptions {
        color: false,
        quiet: false,
        statistics: false,
    }
}

/// Human output per finding: the time per element must not grow with the number of findings.
fn human_per_finding(c: &mut Criterion) {
    let pack = Pack::builtin().expect("pack");
    let mut group = c.benchmark_group("human-per-finding");
    group.sample_size(10);
    for rows in [1_000, 10_000, 100_000] {
        let mut text = String::from(
            "# Policy\n\n## Secret Rotation Schedule\n\n\
             | Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n",
        );
        for i in 0..rows {
            text.push_str(&format!("| Key {i} | Every 90 days | Ops | 2025-01-01 |\n"));
        }
        let source = SourceFile::new("SECURITY.md", text);
        let diagnostics = policy_lint::lint(&source, &pack, today());
        group.throughput(Throughput::Elements(diagnostics.len() as u64));
        let report = Report {
            today: today(),
            root: std::path::PathBuf::new(),
            files: vec![FileReport {
                source,
                diagnostics,
                fixed: 0,
            }],
        };
        group.bench_with_input(BenchmarkId::from_parameter(rows), &report, |b, report| {
            b.iter(|| {
                let mut out = Vec::new();
                render::render(Format::Human, report, options(), &mut out).expect("render");
                black_box(out)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, stages, human_per_finding);
criterion_main!(benches);
