//! YAML rule packs and the repository configuration: load, extend, validate.
//!
//! A pack declares, as data, what the rules look for: required sections and their heading
//! aliases, placeholder and secret patterns, and per-rule `enabled`/`severity`. A repository's
//! `.policy-lint.yml` has the same shape and `extends` a built-in pack (`security-md` unless it
//! says otherwise) or a pack file; every key it sets replaces the inherited one, and `rules`
//! entries are merged rule by rule.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::dates::Frequency;
use crate::diagnostic::Severity;
use crate::lazy_regex::LazyRegex;
mod load;
mod select;
mod validate;
mod vocabulary;

use load::Loader;

use crate::document::normalize_title;
use vocabulary::Vocabulary;

/// A pack that ships with the program.
pub struct BuiltinPack {
    pub name: &'static str,
    /// As written in `rules/` (what error messages quote).
    pub yaml: &'static str,
    /// The same, as JSON (build.rs writes it): it loads several times faster than the YAML,
    /// which matters to a run on one small file.
    json: &'static str,
}

macro_rules! builtin_pack {
    ($name:literal) => {
        BuiltinPack {
            name: $name,
            yaml: include_str!(concat!("../../rules/", $name, ".yml")),
            json: include_str!(concat!(env!("OUT_DIR"), "/", $name, ".json")),
        }
    };
}

/// The built-in packs, by name.
pub const BUILTIN_PACKS: &[BuiltinPack] = &[
    builtin_pack!("security-md"),
    builtin_pack!("security-md-strict"),
    builtin_pack!("security-txt"),
];

/// The pack every configuration extends unless it names another.
pub const DEFAULT_PACK: &str = "security-md";

/// The configuration file names looked for, nearest first.
pub const CONFIG_FILE_NAMES: &[&str] = &[".policy-lint.yml", ".policy-lint.yaml"];

/// A resolved pack: everything the rules read.
#[derive(Clone, Debug)]
pub struct Pack {
    /// File names (case-insensitive) that a directory walk treats as policy documents.
    pub file_names: Vec<String>,
    pub sections: Vec<SectionSpec>,
    pub contact: ContactSpec,
    pub placeholders: Vec<Pattern>,
    pub secrets: Vec<Pattern>,
    pub fields: FieldLabels,
    pub review: ReviewSpec,
    pub rotation: RotationSpec,
    /// Words a date column may hold instead of a date (`Ongoing`, `N/A`).
    pub date_words: Vec<DateWord>,
    pub tables: TableSpecs,
    /// When a policy must record when it was last updated or reviewed.
    pub require_review_date: RequireReviewDate,
    /// Whether every incident log must end with the marker, or only one of a policy that
    /// uses the marker somewhere.
    pub require_incident_marker: RequireIncidentMarker,
    /// Whether the review rules and `deadlines` judge a policy that states no review cadence
    /// by the pack's default cadence, or only by what the policy promises (a Next Review,
    /// a cadence it states).
    pub apply_default_cadence: bool,
    /// Per-rule switches, by rule name.
    /// (A fast hash: every lint looks up every rule.)
    pub rules: rustc_hash::FxHashMap<String, RuleSwitch>,
    /// Rule families by name (`dates`, `contacts`…), for `--select` and `--ignore`.
    pub families: BTreeMap<String, Vec<String>>,
    /// Globs (gitignore syntax, relative to the repository root) that walks and discovery
    /// leave out.
    pub exclude: Vec<String>,
    /// What the headings met so far mean to this pack, by normalised title.
    pub title_meanings: TitleMeanings,
    /// Which files are security.txt files, and how far ahead their `Expires` should lie.
    pub security_txt: SecurityTxtSpec,
}

/// The `security-txt` key: what the `txt-` rules read besides the file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SecurityTxtSpec {
    /// File names (case-insensitive) of security.txt files: found in any `.well-known/`
    /// directory a walk or discovery meets, and at the top of the repository or walked folder.
    pub file_names: Vec<String>,
    /// `txt-expires-soon` warns this many days before `Expires`.
    pub warning_window_days: u32,
}

/// What each normalised heading title means to a pack — a flag per section, then one per kind
/// of table — remembered across the documents of a run: titles repeat from policy to policy
/// ("Supported Versions", "Reporting a Vulnerability"), and matching one against the
/// vocabulary is most of what a heading costs.
#[derive(Debug, Default)]
pub struct TitleMeanings(std::sync::Mutex<HashMap<String, std::sync::Arc<[bool]>>>);

/// The most titles remembered; past it, new titles are matched each time they are met.
const TITLES_REMEMBERED: usize = 100_000;

impl TitleMeanings {
    /// The meaning of `title`, computed by `meaning` the first time it is asked for.
    pub fn get(&self, title: &str, meaning: impl FnOnce() -> Vec<bool>) -> std::sync::Arc<[bool]> {
        let known = self.0.lock().ok().and_then(|m| m.get(title).cloned());
        if let Some(known) = known {
            return known;
        }
        let computed: std::sync::Arc<[bool]> = meaning().into();
        if let Ok(mut titles) = self.0.lock()
            && titles.len() < TITLES_REMEMBERED
        {
            titles.insert(title.to_string(), computed.clone());
        }
        computed
    }
}

/// A copy of a pack starts with nothing remembered.
impl Clone for TitleMeanings {
    fn clone(&self) -> Self {
        Self::default()
    }
}

/// A word a date column may hold instead of a date, prepared once for matching cells.
#[derive(Clone, Debug)]
pub struct DateWord {
    /// Lower-cased: compared with the lower-cased cell, for words of punctuation (`—`).
    pub lower: String,
    /// Normalised like a title: compared with the normalised cell.
    pub key: String,
}

impl DateWord {
    fn new(word: &str) -> Self {
        DateWord {
            lower: word.to_lowercase(),
            key: normalize_title(word),
        }
    }
}

/// The labels of the three kinds of dated field (normalised like titles when loaded).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FieldLabels {
    pub last_updated: Vec<String>,
    pub last_reviewed: Vec<String>,
    pub next_review: Vec<String>,
    pub front_matter_last_updated: Vec<String>,
}

/// How often the policy is reviewed, and where a document says so.
#[derive(Clone, Debug)]
pub struct ReviewSpec {
    pub default_cadence: Frequency,
    /// The text the default cadence was written as, for messages.
    pub default_cadence_text: String,
    /// Each pattern's first capture group is read as a frequency.
    pub cadence_patterns: Vec<LazyRegex>,
}

/// Annually, stated nowhere: the review of a pack that lints only security.txt files.
impl Default for ReviewSpec {
    fn default() -> Self {
        ReviewSpec {
            default_cadence: Frequency::Years(1),
            default_cadence_text: "annually".to_string(),
            cadence_patterns: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RotationSpec {
    pub warning_window_days: u32,
    /// The tag `rotate --tag` puts on the commit; `{date}` stands for the rotation's date.
    #[serde(default = "default_rotation_tag")]
    pub tag: String,
}

fn default_rotation_tag() -> String {
    "security-rotation-{date}".to_string()
}

/// The kinds of table the rules know.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    Rotation,
    Incidents,
    Versions,
}

impl TableKind {
    /// Every kind, in the order a table is tried against them.
    pub const ALL: [TableKind; 3] = [
        TableKind::Rotation,
        TableKind::Incidents,
        TableKind::Versions,
    ];
}

/// The tables rules know by meaning.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TableSpecs {
    pub rotation: TableSpec,
    pub incidents: TableSpec,
    pub versions: TableSpec,
}

impl TableSpecs {
    pub fn of(&self, kind: TableKind) -> &TableSpec {
        match kind {
            TableKind::Rotation => &self.rotation,
            TableKind::Incidents => &self.incidents,
            TableKind::Versions => &self.versions,
        }
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TableSpec {
    /// Heading aliases of the section holding the table.
    #[serde(default)]
    pub headings: Vec<String>,
    /// A required section whose aliases also count as headings of this table.
    #[serde(default)]
    pub section: Option<String>,
    /// Columns by key; rules address them by these keys.
    pub columns: BTreeMap<String, ColumnSpec>,
    /// The HTML comment that must follow the table (the incident log's).
    #[serde(default)]
    pub marker: Option<String>,
    /// A table with any of these columns is not of this kind (a history of CVEs is not an
    /// incident log).
    #[serde(default)]
    pub not_columns: Vec<String>,
    /// Cells of a `support` column that mean "not supported".
    #[serde(default)]
    pub unsupported: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum ColumnType {
    #[default]
    Text,
    Date,
    Frequency,
    Enum,
    Support,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ColumnSpec {
    /// The column's name in messages and in a skeleton table.
    pub title: String,
    pub aliases: Vec<String>,
    #[serde(default, rename = "type")]
    pub kind: ColumnType,
    /// A required column must exist and no cell of it may be blank.
    #[serde(default)]
    pub required: bool,
    /// A date that may not lie after today.
    #[serde(default)]
    pub past: bool,
    /// The allowed values of an `enum` column (case-insensitive).
    #[serde(default)]
    pub values: Vec<String>,
}

/// A section the document must have.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SectionSpec {
    /// A short identifier other pack keys refer to (`reporting`).
    pub id: String,
    /// The heading a skeleton would use, and the name findings give.
    pub title: String,
    pub severity: Severity,
    /// Heading texts that count as this section; matched after normalisation.
    pub aliases: Vec<String>,
    /// The section's meaning as word groups: a heading expresses it when it has a term of
    /// every group of one of these sets. A term is normalised like a title; a single word
    /// matches a word that starts with it (`report` finds `reporting`, `sicherheit` finds
    /// `sicherheitsprobleme`), several words match as a phrase at a word start, and a term in a
    /// script written without spaces anywhere.
    #[serde(default)]
    pub concepts: Vec<Vec<Vec<String>>>,
    /// Whole headings that are this section although no alias or concept says so (a bare
    /// "Reporting", a Korean "제보 방법"): matched exactly, after normalisation.
    #[serde(default)]
    pub titles: Vec<String>,
    /// What a line of prose says that stands for the section when no heading does ("Only the
    /// latest release receives security fixes"): concepts, as for headings.
    #[serde(default)]
    pub statements: Vec<Vec<Vec<String>>>,
    /// The aliases and concepts indexed for matching, built when the pack loads.
    #[serde(skip)]
    vocabulary: Vocabulary,
    /// The statements, indexed likewise.
    #[serde(skip)]
    statement_vocabulary: Vocabulary,
}

impl SectionSpec {
    /// Whether a normalised heading `key` is this section: one of its aliases, or a heading
    /// that expresses one of its concepts.
    pub fn matches(&self, key: &str) -> bool {
        self.titles.iter().any(|t| t == key)
            || self.vocabulary.has_alias(key)
            || self.vocabulary.expresses_concept(key)
    }

    /// Whether a normalised line of prose `key` makes one of the section's statements.
    pub fn states(&self, key: &str) -> bool {
        self.statement_vocabulary.expresses_concept(key)
    }

    /// Whether a normalised text `key` expresses one of the section's concepts.
    pub fn expresses_concept(&self, key: &str) -> bool {
        self.vocabulary.expresses_concept(key)
    }
}

/// When `incident-marker` applies.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RequireIncidentMarker {
    /// Only to a policy that uses the marker somewhere: it is a convention of its own.
    #[default]
    WhenUsed,
    /// To every incident log.
    Always,
}

/// When `missing-review-date` applies.
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum RequireReviewDate {
    /// Only to a policy that made promises with dates: a rotation table, an incident log, a
    /// review cadence or a next-review date.
    #[default]
    WhenDated,
    /// To every policy.
    Always,
}

/// Where a reporting channel is expected and what counts as one.
#[derive(Clone, Debug)]
pub struct ContactSpec {
    /// The `id` of the section that should hold the reporting channel.
    pub section: String,
    /// Addresses and URLs on these domains (and their subdomains) are placeholders.
    pub ignore_domains: Vec<String>,
    /// Outside the reporting section a URL is a channel only when it matches this
    /// (an advisory form, a bug-bounty platform, a security page), not a reference link.
    pub channel_url: LazyRegex,
    /// URLs matching this are public (an issue tracker) and never a private channel.
    pub public_url: LazyRegex,
    /// Prose that names GitHub's private vulnerability reporting ("use the *Report a
    /// vulnerability* button on the Security tab"): a private channel without a link.
    pub private_reporting: Option<LazyRegex>,
}

/// No channel anywhere: the contact of a pack that lints only security.txt files.
impl Default for ContactSpec {
    fn default() -> Self {
        let never = || LazyRegex::compiled(regex::Regex::new(r"\b\B").expect("a valid regex"));
        ContactSpec {
            section: String::new(),
            ignore_domains: Vec::new(),
            channel_url: never(),
            public_url: never(),
            private_reporting: None,
        }
    }
}

/// A named regular expression.
#[derive(Clone, Debug)]
pub struct Pattern {
    pub name: String,
    pub regex: LazyRegex,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RuleSwitch {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
}

impl Pack {
    /// Whether `rule` is switched on, and the severity the configuration forces on it: one
    /// lookup for what [`Pack::enabled`] and [`Pack::severity`] say.
    pub fn switch(&self, rule: &str) -> (bool, Option<Severity>) {
        match self.rules.get(rule) {
            Some(switch) => (switch.enabled.unwrap_or(true), switch.severity),
            None => (true, None),
        }
    }

    /// Whether `rule` is switched on (rules are on unless a pack switches them off).
    pub fn enabled(&self, rule: &str) -> bool {
        self.rules.get(rule).and_then(|s| s.enabled).unwrap_or(true)
    }

    /// The severity the configuration forces on `rule`, if any.
    pub fn severity(&self, rule: &str) -> Option<Severity> {
        self.rules.get(rule).and_then(|s| s.severity)
    }

    pub fn section(&self, id: &str) -> Option<&SectionSpec> {
        self.sections.iter().find(|s| s.id == id)
    }

    /// Every regular expression of the pack.
    pub fn patterns(&self) -> impl Iterator<Item = &LazyRegex> {
        let contact = &self.contact;
        let named = self.placeholders.iter().chain(&self.secrets);
        named
            .map(|p| &p.regex)
            .chain([&contact.channel_url, &contact.public_url])
            .chain(&contact.private_reporting)
            .chain(&self.review.cadence_patterns)
    }

    /// Loads the built-in default pack. Its rule names are checked by a test, not at run time.
    pub fn builtin() -> Result<Pack, miette::Report> {
        Loader::default().load_builtin(DEFAULT_PACK)
    }

    /// Loads the built-in pack `name`.
    pub fn load_builtin(name: &str) -> Result<Pack, miette::Report> {
        Loader::default().load_builtin(name)
    }

    /// Loads a configuration or pack file and everything it extends; a rule it names must be
    /// one of `known_rules`.
    pub fn load(path: &Path, known_rules: &[&str]) -> Result<Pack, miette::Report> {
        let text = std::fs::read_to_string(path).map_err(|err| {
            miette::miette!(
                help = "check the path, or remove the file to use the built-in pack",
                "cannot read configuration {}: {err}",
                path.display()
            )
        })?;
        Loader {
            depth: 0,
            known_rules: Some(known_rules),
        }
        .load_text(&path.display().to_string(), &text, path.parent())
    }

    /// The nearest configuration file from `start` up to the repository root (the first
    /// directory holding `.git`); without a repository only `start` itself is looked at.
    pub fn find_config(start: &Path) -> Option<PathBuf> {
        let in_repo = start.ancestors().any(|dir| dir.join(".git").exists());
        for dir in start.ancestors() {
            for name in CONFIG_FILE_NAMES {
                let candidate = dir.join(name);
                if candidate.is_file() {
                    return Some(candidate);
                }
            }
            if !in_repo || dir.join(".git").exists() {
                break;
            }
        }
        None
    }
}

/// Whether an entry of a `support` column's `unsupported` list is a word (matched as whole
/// words of the normalised cell) rather than a symbol or `:shortcode:` (found anywhere in it).
pub fn is_unsupported_word(marker: &str) -> bool {
    marker.chars().any(char::is_alphanumeric) && !marker.contains(':')
}

/// The candidate nearest to `word` by edit distance, when it is close enough to be a typo.
pub fn closest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (edit_distance(&word.to_lowercase(), &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 3.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(current + 1);
            prev = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_title_is_matched_once_per_run() {
        let meanings = TitleMeanings::default();
        let mut computed = 0;
        for _ in 0..3 {
            let meaning = meanings.get("supported versions", || {
                computed += 1;
                vec![false, true]
            });
            assert_eq!(&meaning[..], [false, true]);
        }
        assert_eq!(computed, 1);
        let copy = meanings.clone();
        assert_eq!(&copy.get("supported versions", || vec![true])[..], [true]);
    }

    #[test]
    fn builtin_pack_loads() {
        let pack = Pack::builtin().unwrap();
        assert!(pack.section("reporting").is_some());
        assert!(pack.section(&pack.contact.section).is_some());
        assert!(!pack.secrets.is_empty());
    }

    #[test]
    fn closest_suggests_typos_only() {
        let names = ["placeholder-text", "missing-section"];
        assert_eq!(closest("placholder-text", &names), Some("placeholder-text"));
        assert_eq!(closest("zzz", &names), None);
    }
}
