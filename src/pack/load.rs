//! Reading packs: a pack or configuration file (YAML) or a built-in pack (JSON made by
//! build.rs), what it extends, and every check of what it says; errors point into the YAML.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use regex::Regex;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::validate::Problem;
use super::{
    BUILTIN_PACKS, ContactSpec, DEFAULT_PACK, DateWord, FieldLabels, Pack, Pattern,
    RequireIncidentMarker, RequireReviewDate, ReviewSpec, RotationSpec, RuleSwitch, SectionSpec,
    SecurityTxtSpec, TableSpecs, TitleMeanings, closest, is_unsupported_word, vocabulary,
};
use crate::dates::Frequency;
use crate::document::normalize_title;
use crate::lazy_regex::LazyRegex;
use vocabulary::Vocabulary;

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawReviewSpec {
    default_cadence: Spanned<String>,
    cadence_patterns: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawContactSpec {
    section: String,
    ignore_domains: Vec<String>,
    channel_url: Spanned<String>,
    public_url: Spanned<String>,
    private_reporting: Option<Spanned<String>>,
}

/// The file as written: every key optional, so that a configuration sets only what it changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPack {
    extends: Option<Spanned<String>>,
    file_names: Option<Vec<String>>,
    sections: Option<Vec<SectionSpec>>,
    contact: Option<RawContactSpec>,
    placeholders: Option<Vec<RawPattern>>,
    secrets: Option<Vec<RawPattern>>,
    fields: Option<FieldLabels>,
    review: Option<RawReviewSpec>,
    rotation: Option<RotationSpec>,
    date_words: Option<Vec<String>>,
    tables: Option<TableSpecs>,
    require_review_date: Option<RequireReviewDate>,
    require_incident_marker: Option<RequireIncidentMarker>,
    apply_default_cadence: Option<bool>,
    rules: Option<HashMap<Spanned<String>, RuleSwitch>>,
    families: Option<BTreeMap<String, Vec<Spanned<String>>>>,
    exclude: Option<Vec<String>>,
    security_txt: Option<RawSecurityTxt>,
}

/// The `security-txt` key as written: each setting it leaves out comes from the pack extended.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSecurityTxt {
    file_names: Option<Vec<String>>,
    warning_window_days: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawPattern {
    name: String,
    regex: Spanned<String>,
}

const MAX_EXTENDS_DEPTH: usize = 8;

#[derive(Default)]
pub(super) struct Loader<'r> {
    pub(super) depth: usize,
    /// The rule names a `rules:` entry may use; `None` trusts the pack (a built-in one).
    pub(super) known_rules: Option<&'r [&'r str]>,
}

impl Loader<'_> {
    pub(super) fn load_builtin(&mut self, name: &str) -> Result<Pack, miette::Report> {
        let Some(builtin) = BUILTIN_PACKS.iter().find(|b| b.name == name) else {
            return Err(miette::miette!("no built-in pack named `{name}`"));
        };
        let raw = serde_json::from_str(builtin.json)
            .unwrap_or_else(|err| panic!("the built-in pack {name} loads (tested): {err}"));
        self.resolve(
            &format!("<built-in pack {name}>"),
            builtin.yaml,
            raw,
            None,
            true,
        )
    }

    /// Loads one pack file. `dir` is its directory, where relative `extends` paths start.
    pub(super) fn load_text(
        &mut self,
        file: &str,
        text: &str,
        dir: Option<&Path>,
    ) -> Result<Pack, miette::Report> {
        if let Some(rules) = self.known_rules {
            super::validate::check(file, text, rules, yaml_options())?;
        }
        let raw: RawPack =
            serde_saphyr::from_str_with_options(text, yaml_options()).map_err(|err| {
                let mut options = serde_saphyr::RenderOptions::default();
                options.source_name = Some(file);
                serde_saphyr::miette::to_miette_report_with_options(&err, text, file, options)
            })?;
        self.resolve(file, text, raw, dir, false)
    }

    /// The pack `raw` (read from `text`) describes, on top of the one it extends. `dir` is
    /// the directory of a pack file; `None` for a built-in pack, which extends nothing unless
    /// it says so.
    fn resolve(
        &mut self,
        file: &str,
        text: &str,
        raw: RawPack,
        dir: Option<&Path>,
        builtin: bool,
    ) -> Result<Pack, miette::Report> {
        let error = |at: &serde_saphyr::Location, message: String, label: &str, help: String| {
            miette::Report::new(Problem::new(file, text, at, message, label, help))
        };

        let base = match &raw.extends {
            Some(extends) if self.depth >= MAX_EXTENDS_DEPTH => {
                return Err(error(
                    &extends.referenced,
                    format!("`extends` nests deeper than {MAX_EXTENDS_DEPTH} packs"),
                    "extended here",
                    "look for packs that extend each other in a cycle".to_string(),
                ));
            }
            Some(extends) => {
                self.depth += 1;
                let name = extends.value.as_str();
                if BUILTIN_PACKS.iter().any(|b| b.name == name) {
                    Some(self.load_builtin(name)?)
                } else {
                    let path = dir.unwrap_or(Path::new(".")).join(name);
                    let Ok(base_text) = std::fs::read_to_string(&path) else {
                        let builtins: Vec<_> = BUILTIN_PACKS.iter().map(|b| b.name).collect();
                        return Err(error(
                            &extends.referenced,
                            format!("cannot read the pack `{name}` this file extends"),
                            "not a built-in pack or a readable file",
                            format!(
                                "name a built-in pack ({}) or a pack file relative to this one",
                                builtins.join(", ")
                            ),
                        ));
                    };
                    Some(self.load_text(&path.display().to_string(), &base_text, path.parent())?)
                }
            }
            None if dir.is_none() => None,
            None => Some(self.load_builtin(DEFAULT_PACK)?),
        };

        let mut rules = base.as_ref().map(|b| b.rules.clone()).unwrap_or_default();
        let mut entries: Vec<_> = raw.rules.into_iter().flatten().collect();
        entries.sort_by_key(|(name, _)| name.referenced.span().offset());
        for (name, switch) in entries {
            if let Some(rule_names) = self.known_rules
                && !rule_names.contains(&name.value.as_str())
            {
                let help = match closest(&name.value, rule_names) {
                    Some(near) => format!("did you mean `{near}`? `policy-lint rules` lists them"),
                    None => "`policy-lint rules` lists the rule names".to_string(),
                };
                return Err(error(
                    &name.referenced,
                    format!("unknown rule `{}`", name.value),
                    "no rule has this name",
                    help,
                ));
            }
            let merged = rules.entry(name.value).or_default();
            merged.enabled = switch.enabled.or(merged.enabled);
            merged.severity = switch.severity.or(merged.severity);
        }

        // Families are merged by name, as rules are: a pack adds to or redefines the families
        // of the pack it extends.
        let families = match raw.families {
            Some(families) => {
                let mut resolved = base
                    .as_ref()
                    .map(|b| b.families.clone())
                    .unwrap_or_default();
                for (family, members) in families {
                    let mut names = Vec::new();
                    for member in members {
                        if let Some(rule_names) = self.known_rules
                            && !rule_names.contains(&member.value.as_str())
                        {
                            return Err(error(
                                &member.referenced,
                                format!("unknown rule `{}` in family `{family}`", member.value),
                                "no rule has this name",
                                "`policy-lint rules` lists the rule names".to_string(),
                            ));
                        }
                        names.push(member.value);
                    }
                    resolved.insert(family, names);
                }
                Some(resolved)
            }
            None => None,
        };

        let regex = |name: &str, raw: &Spanned<String>| {
            if builtin {
                return Ok(LazyRegex::deferred(raw.value.clone()));
            }
            Regex::new(&raw.value)
                .map(LazyRegex::compiled)
                .map_err(|err| {
                    error(
                        &raw.referenced,
                        format!("invalid regular expression in pattern `{name}`"),
                        "this regex",
                        err.to_string(),
                    )
                })
        };
        let compile = |patterns: Vec<RawPattern>| -> Result<Vec<Pattern>, miette::Report> {
            patterns
                .into_iter()
                .map(|p| {
                    let regex = regex(&p.name, &p.regex)?;
                    Ok(Pattern {
                        name: p.name,
                        regex,
                    })
                })
                .collect()
        };
        let placeholders = raw.placeholders.map(compile).transpose()?;
        let secrets = raw.secrets.map(compile).transpose()?;
        let contact = match raw.contact {
            Some(c) => Some(ContactSpec {
                channel_url: regex("channel-url", &c.channel_url)?,
                public_url: regex("public-url", &c.public_url)?,
                private_reporting: c
                    .private_reporting
                    .as_ref()
                    .map(|r| regex("private-reporting", r))
                    .transpose()?,
                section: c.section,
                ignore_domains: c.ignore_domains,
            }),
            None => None,
        };

        let review = match raw.review {
            Some(r) => {
                let Some(cadence) = Frequency::parse(&r.default_cadence.value) else {
                    return Err(error(
                        &r.default_cadence.referenced,
                        format!("`{}` is not a frequency", r.default_cadence.value),
                        "default-cadence",
                        "write e.g. `annually`, `quarterly`, `every 6 months` or `P1Y`".to_string(),
                    ));
                };
                let patterns = r
                    .cadence_patterns
                    .iter()
                    .map(|p| regex("cadence-patterns", p))
                    .collect::<Result<Vec<_>, _>>()?;
                Some(ReviewSpec {
                    default_cadence: cadence,
                    default_cadence_text: r.default_cadence.value,
                    cadence_patterns: patterns,
                })
            }
            None => None,
        };
        // A key the pack leaves out comes from the pack it extends. A built-in pack that
        // extends nothing may leave out what it does not lint: `security-txt` sets no
        // sections, and a configuration that extends it lints only security.txt files.
        let base = base.as_ref();
        let sections = raw
            .sections
            .map(|sections| normalize_sections(sections, file))
            .transpose()?;
        let date_words = raw
            .date_words
            .map(|words| words.iter().map(|w| DateWord::new(w)).collect());
        Ok(Pack {
            file_names: inherit(raw.file_names, base, |b| &b.file_names).unwrap_or_default(),
            sections: inherit(sections, base, |b| &b.sections).unwrap_or_default(),
            contact: inherit(contact, base, |b| &b.contact).unwrap_or_default(),
            placeholders: inherit(placeholders, base, |b| &b.placeholders).unwrap_or_default(),
            secrets: inherit(secrets, base, |b| &b.secrets).unwrap_or_default(),
            fields: inherit(raw.fields.map(normalize_fields), base, |b| &b.fields)
                .unwrap_or_default(),
            review: inherit(review, base, |b| &b.review).unwrap_or_default(),
            rotation: inherit(raw.rotation, base, |b| &b.rotation).unwrap_or_default(),
            date_words: inherit(date_words, base, |b| &b.date_words).unwrap_or_default(),
            tables: inherit(raw.tables.map(normalize_tables), base, |b| &b.tables)
                .unwrap_or_default(),
            security_txt: {
                let inherited = base.map(|b| b.security_txt.clone()).unwrap_or_default();
                match raw.security_txt {
                    Some(own) => SecurityTxtSpec {
                        file_names: own.file_names.unwrap_or(inherited.file_names),
                        warning_window_days: own
                            .warning_window_days
                            .unwrap_or(inherited.warning_window_days),
                    },
                    None => inherited,
                }
            },
            require_incident_marker: inherit(raw.require_incident_marker, base, |b| {
                &b.require_incident_marker
            })
            .unwrap_or_default(),
            apply_default_cadence: inherit(raw.apply_default_cadence, base, |b| {
                &b.apply_default_cadence
            })
            .unwrap_or_default(),
            require_review_date: inherit(raw.require_review_date, base, |b| &b.require_review_date)
                .unwrap_or_default(),
            rules,
            families: inherit(families, base, |b| &b.families).unwrap_or_default(),
            exclude: inherit(raw.exclude, base, |b| &b.exclude).unwrap_or_default(),
            title_meanings: TitleMeanings::default(),
        })
    }
}

/// The pack's own value of a key, else the one of the pack it extends.
fn inherit<T: Clone>(own: Option<T>, base: Option<&Pack>, of: fn(&Pack) -> &T) -> Option<T> {
    own.or_else(|| base.map(|b| of(b).clone()))
}

/// Aliases and concept terms normalised once, as headings are, and indexed.
fn normalize_sections(
    mut sections: Vec<SectionSpec>,
    file: &str,
) -> Result<Vec<SectionSpec>, miette::Report> {
    for section in &mut sections {
        for alias in section.aliases.iter_mut().chain(&mut section.titles) {
            *alias = normalize_title(alias);
        }
        for groups in section.concepts.iter_mut().chain(&mut section.statements) {
            if groups.len() > vocabulary::MAX_GROUPS {
                return Err(miette::miette!(
                    help = "split the concept in two",
                    "{file}: a concept of section `{}` has {} word groups; at most {} are allowed",
                    section.id,
                    groups.len(),
                    vocabulary::MAX_GROUPS
                ));
            }
            for group in groups.iter_mut() {
                for term in group.iter_mut() {
                    *term = normalize_title(term);
                }
            }
        }
        section.vocabulary = Vocabulary::new(&section.aliases, &section.concepts);
        section.statement_vocabulary = Vocabulary::new(&[], &section.statements);
    }
    Ok(sections)
}

/// Field labels normalised once, as a field's label is.
fn normalize_fields(mut fields: FieldLabels) -> FieldLabels {
    for list in [
        &mut fields.last_updated,
        &mut fields.last_reviewed,
        &mut fields.next_review,
        &mut fields.front_matter_last_updated,
    ] {
        for label in list.iter_mut() {
            *label = normalize_title(label);
        }
    }
    fields
}

/// Table heading and column aliases normalised once, as headers are.
fn normalize_tables(mut tables: TableSpecs) -> TableSpecs {
    for spec in [
        &mut tables.rotation,
        &mut tables.incidents,
        &mut tables.versions,
    ] {
        for heading in &mut spec.headings {
            *heading = normalize_title(heading);
        }
        for column in spec.columns.values_mut() {
            for alias in &mut column.aliases {
                *alias = normalize_title(alias);
            }
        }
        for column in &mut spec.not_columns {
            *column = normalize_title(column);
        }
        for marker in &mut spec.unsupported {
            *marker = if is_unsupported_word(marker) {
                normalize_title(marker)
            } else {
                marker.to_lowercase()
            };
        }
    }
    tables
}

#[cfg(test)]
pub(super) fn yaml_options_for_tests() -> serde_saphyr::Options {
    yaml_options()
}

/// YAML options that refuse alias bombs instead of expanding them.
fn yaml_options() -> serde_saphyr::Options {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_aliases = 1_000;
    budget.max_events = 100_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits.max_total_replayed_events = 10_000;
    // `enabled: no` must not silently mean false: only `true` and `false` are booleans.
    options.strict_booleans = true;
    options
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::BuiltinPack;

    /// A built-in pack loads from the JSON build.rs made of it: the same pack as its YAML.
    #[test]
    fn the_built_in_packs_as_json_are_their_yaml() {
        for BuiltinPack { name, yaml, .. } in BUILTIN_PACKS {
            let from_json = Loader::default().load_builtin(name).unwrap();
            let from_yaml = Loader::default().load_text(name, yaml, None).unwrap();
            // Hash maps print their entries in an order of their own: compared line by line.
            let lines = |pack: &Pack| {
                let mut lines: Vec<String> =
                    format!("{pack:#?}").lines().map(String::from).collect();
                lines.sort();
                lines
            };
            assert_eq!(lines(&from_json), lines(&from_yaml), "{name}");
        }
    }

    /// Built-in patterns compile on first use, so every one of them is compiled here: each
    /// pack is loaded as a configuration is, which compiles its patterns as it loads.
    #[test]
    fn every_builtin_pattern_compiles() {
        for BuiltinPack { name, yaml, .. } in BUILTIN_PACKS {
            let pack = Loader::default()
                .load_text(name, yaml, None)
                .unwrap_or_else(|err| panic!("{name}: {err:?}"));
            let all: Vec<&LazyRegex> = pack.patterns().collect();
            // `security-txt` has no patterns: it sets what security.txt files need only.
            assert!(
                all.len() > 10 || pack.sections.is_empty(),
                "{name}: {}",
                all.len()
            );
        }
    }

    #[test]
    fn a_configuration_pattern_is_checked_as_it_loads() {
        let config = "placeholders:\n  - name: broken\n    regex: '(unclosed'\n";
        let err = Loader::default()
            .load_text("config.yml", config, None)
            .unwrap_err();
        assert!(
            format!("{err:?}").contains("invalid regular expression in pattern `broken`"),
            "{err:?}"
        );
    }

    #[test]
    fn alias_bombs_are_refused_not_expanded() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (name, prev) in ["b", "c", "d", "e", "f", "g", "h", "i"]
            .iter()
            .zip("abcdefgh".chars())
        {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            bomb.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        // Expanded, `i` alone would hold 10^9 strings.
        let result =
            serde_saphyr::from_str_with_options::<serde_json::Value>(&bomb, yaml_options());
        assert!(result.is_err());
    }
}
