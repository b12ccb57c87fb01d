//! One snapshot per fixture under `fixtures/<rule>/`: the rendered findings of that rule
//! (of every rule for `fixtures/examples/`).

use policy_lint::io::source::SourceFile;

#[test]
fn rule_fixtures() {
    // The policies beside a security.txt (`fixtures/txt-…/SECURITY.md`) are read by
    // `security_txt_agreement_fixtures` instead.
    insta::glob!("../../fixtures", "{[!t]*,t[!x]*}/*.md", |path| {
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let dir = path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let only = dir.filter(|d| policy_lint::rules::find(d).is_some());
        insta::assert_snapshot!(crate::render_human(
            SourceFile::new(path, text),
            only.as_deref()
        ));
    });
}

/// One snapshot per security.txt fixture under `fixtures/txt-<rule>/` (and its subfolders):
/// the findings of that rule, switched on when the built-in pack leaves it off.
#[test]
fn security_txt_rule_fixtures() {
    insta::glob!("../../fixtures", "txt-*/**/security.txt", |path| {
        if path.components().any(|c| c.as_os_str() == ".well-known") {
            return;
        }
        let text = std::fs::read_to_string(path).expect("fixture is UTF-8");
        let rule = path
            .strip_prefix(crate::repo().join("fixtures"))
            .ok()
            .and_then(|p| p.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .expect("a rule folder");
        insta::assert_snapshot!(crate::render_human(
            SourceFile::new(path, text),
            Some(&rule)
        ));
    });
}

/// The rules that hold a security.txt against its repository's SECURITY.md, on a pair of
/// files each (`fixtures/txt-<rule>/SECURITY.md` and `.well-known/security.txt`), through the
/// command line as a run over the folder meets them.
#[test]
fn security_txt_agreement_fixtures() {
    for rule in [
        "txt-contact-mismatch",
        "txt-expires-before-review",
        "txt-policy-elsewhere",
    ] {
        let dir = crate::repo().join("fixtures").join(rule);
        let output = crate::policy_lint(&dir)
            .args(["check", "--format", "concise", "--select", rule, "."])
            .output()
            .expect("runs");
        let text = String::from_utf8(output.stdout).expect("UTF-8");
        assert!(text.contains(&format!("[{rule}]")), "{rule}: {text}");
        insta::assert_snapshot!(rule, text);
    }
}

#[test]
fn every_rule_has_docs_and_a_fixture() {
    let fixtures = crate::repo().join("fixtures");
    for meta in policy_lint::rules::all() {
        for heading in [
            "## What it does",
            "## Why is this bad?",
            "## Example",
            "## Fix safety",
        ] {
            assert!(
                meta.docs.contains(heading),
                "{} docs lack `{heading}`",
                meta.name
            );
        }
        let first = meta.summary.chars().next().expect("summary");
        assert!(
            first.is_lowercase() && !meta.summary.ends_with('.'),
            "{}: summaries are lower-case with no trailing period",
            meta.name
        );
        if meta.name != "missing-policy" {
            assert!(
                fixtures.join(meta.name).is_dir(),
                "no fixtures/{}/",
                meta.name
            );
        }
    }
}

#[test]
fn messages_are_lower_case_without_trailing_period() {
    let pack = policy_lint::pack::Pack::builtin().expect("pack");
    for source in crate::fixtures() {
        for d in policy_lint::lint(&source, &pack, crate::today()) {
            let first = d.message.chars().next().expect("message");
            assert!(!first.is_uppercase(), "{}: {}", d.rule, d.message);
            assert!(!d.message.ends_with('.'), "{}: {}", d.rule, d.message);
        }
    }
}

/// A rotation table written with other column names, another column order, other frequency
/// and date spellings is understood exactly like the canonical one.
#[test]
fn rotation_tables_are_read_by_meaning_not_by_spelling() {
    let canonical = "# Policy\n\n## Secret Rotation Schedule\n\n\
        | Secret | Rotation Frequency | Owner | Last Rotated |\n|---|---|---|---|\n\
        | Deploy token | Every 1 month | Platform | 2026-10-01 |\n\
        | npm token | Every 14 days | Release | 2026-09-15 |\n\
        | Backup key | annually | Ops | 2026-11-01 |\n";
    let aliased = "# Policy\n\n## Keys\n\n\
        | Rotated On | Credential | Responsible | Cadence |\n|---|---|---|---|\n\
        | Oct 1, 2026 | Deploy token | Platform | Monthly |\n\
        | 2026/09/15 | npm token | Release | every 2 weeks |\n\
        | 2026-11-01 | Backup key | Ops | P1Y |\n";
    let pack = policy_lint::pack::Pack::builtin().expect("pack");
    let rotation_findings = |text: &str| -> Vec<String> {
        let source = SourceFile::new("x.md", text.to_string());
        policy_lint::lint(&source, &pack, crate::today())
            .into_iter()
            .filter(|d| d.rule.starts_with("rotation-") || d.rule == "unknown-frequency")
            .map(|d| {
                format!(
                    "{} {}",
                    d.rule,
                    d.message.replace("every 14 days", "every 2 weeks")
                )
            })
            .collect()
    };
    let expected = rotation_findings(canonical);
    assert_eq!(expected.len(), 2, "{expected:?}");
    assert_eq!(rotation_findings(aliased), expected);
}

/// Headings are sections by meaning, in many languages, and unrelated headings are not.
#[test]
fn required_sections_are_recognised_by_meaning() {
    use policy_lint::document::normalize_title;
    let pack = policy_lint::pack::Pack::builtin().expect("pack");
    let section = |id: &str| pack.section(id).expect("section");
    let (reporting, versions) = (section("reporting"), section("supported-versions"));
    for heading in [
        "How to report",
        "Security contact",
        "Reporting Security Issues",
        "Disclosing a vulnerability",
        "Sicherheitsprobleme melden",
        "Eine Sicherheitslücke melden",
        "Signaler une faille de sécurité",
        "Reportar una vulnerabilidad",
        "Relatando vulnerabilidades",
        "Segnalare una vulnerabilità",
        "Kwetsbaarheid melden",
        "Zgłaszanie podatności",
        "Сообщить об уязвимости",
        "Повідомлення про вразливість",
        "Güvenlik açığı bildirimi",
        "报告安全问题",
        "回報安全漏洞",
        "セキュリティ問題の報告",
        "취약점 신고 절차",
        "Báo cáo lỗ hổng",
        "Melaporkan Kerentanan",
    ] {
        assert!(reporting.matches(&normalize_title(heading)), "{heading}");
        assert!(!versions.matches(&normalize_title(heading)), "{heading}");
    }
    for heading in [
        "Supported Versions",
        "Scope of support",
        "Maintained releases",
        "Version support",
        "Unterstützte Versionen",
        "Versions prises en charge",
        "Versiones soportadas",
        "Versões suportadas",
        "Versioni supportate",
        "Ondersteunde versies",
        "Wspierane wersje",
        "Поддерживаемые версии",
        "Підтримувані версії",
        "Desteklenen sürümler",
        "支持的版本",
        "支援的版本",
        "サポート対象",
        "지원되는 버전",
        "Phiên bản được hỗ trợ",
        "Versi yang didukung",
    ] {
        assert!(versions.matches(&normalize_title(heading)), "{heading}");
        assert!(!reporting.matches(&normalize_title(heading)), "{heading}");
    }
    for heading in [
        "Security updates",
        "Reporting bugs",
        "Supported platforms",
        "Security advisories",
        "Installation",
    ] {
        let key = normalize_title(heading);
        assert!(
            !reporting.matches(&key) && !versions.matches(&key),
            "{heading}"
        );
    }
}

/// The built-in packs are trusted at run time; this checks that every rule they name exists.
#[test]
fn every_built_in_pack_names_only_known_rules() {
    let names = policy_lint::rules::names();
    let dir = tempfile::tempdir().expect("temp dir");
    for pack in policy_lint::pack::BUILTIN_PACKS {
        let pack = pack.name;
        let config = dir.path().join(format!("{pack}.yml"));
        std::fs::write(&config, format!("extends: {pack}\n")).expect("write");
        if let Err(err) = policy_lint::pack::Pack::load(&config, &names) {
            panic!("{pack}: {err:?}");
        }
    }
}
