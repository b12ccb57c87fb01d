//! What the pack's kinds of table and field find in one document: the rotation tables, incident
//! logs and supported-versions tables with their columns by meaning, every date where a date
//! belongs, the three dated fields and the review cadence. Built once per lint from the parsed
//! document and shared by the rules through their context.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::dates::{self, DateError, Frequency, ParsedDate};
use crate::document::{
    Cell, Contact, ContactKind, Document, Field, Row, Section, Table, normalize_title,
    title_matches,
};
use crate::io::source::Span;
use crate::pack::{ColumnType, Pack, SectionSpec, TableSpec};

pub use crate::pack::TableKind;

/// A table recognised as one of the pack's kinds, with its columns by key.
#[derive(Debug)]
pub struct KindTable<'a> {
    pub kind: TableKind,
    pub table: &'a Table<'a>,
    pub spec: &'a TableSpec,
    /// Column key → index in the header.
    pub columns: BTreeMap<&'a str, usize>,
    /// The column that names a row: see [`KindTable::row_name`].
    name_column: usize,
}

impl<'a> KindTable<'a> {
    pub fn column(&self, key: &str) -> Option<usize> {
        self.columns.get(key).copied()
    }

    /// The cell of `row` in column `key`, when both exist.
    pub fn cell<'r>(&self, row: &'r Row<'a>, key: &str) -> Option<&'r Cell<'a>> {
        self.column(key).and_then(|index| row.cells.get(index))
    }

    /// What a row is about: its cell in the first text column the table has (the secret, the
    /// incident, the version), else its first cell.
    pub fn row_name<'r>(&self, row: &'r Row) -> &'r str {
        row.cells.get(self.name_column).map_or("", |c| c.text)
    }

    /// The column's title as the table writes it (else as the pack names it).
    pub fn title<'k>(&self, key: &'k str) -> &'k str
    where
        'a: 'k,
    {
        let written = self
            .column(key)
            .and_then(|i| self.table.header.cells.get(i))
            .map(|c| c.text)
            .filter(|text| !text.is_empty());
        written
            .or_else(|| self.spec.columns.get(key).map(|c| c.title.as_str()))
            .unwrap_or(key)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    LastUpdated,
    LastReviewed,
    NextReview,
}

/// A dated field whose value starts with something date-like.
#[derive(Debug)]
pub struct DatedField<'a> {
    pub field: &'a Field,
    pub kind: FieldKind,
    /// Never [`DateError::Unparsable`]: such a field is not a dated field.
    pub parsed: Result<ParsedDate, DateError>,
}

impl DatedField<'_> {
    pub fn date(&self) -> Option<NaiveDate> {
        self.parsed.as_ref().ok().map(|p| p.date)
    }

    /// The date's own text, else the whole value.
    pub fn date_span(&self) -> Span {
        match &self.parsed {
            Ok(p) => Span::new(
                self.field.value_span.start + p.start,
                self.field.value_span.start + p.end,
            ),
            Err(_) => self.field.value_span,
        }
    }
}

/// A place where a date belongs: a cell of a date column or a dated field's value.
#[derive(Debug)]
pub struct DateValue<'a> {
    /// The date's text when it parsed, else the whole cell or value.
    pub span: Span,
    pub text: &'a str,
    pub parsed: Result<ParsedDate, DateError>,
    /// The date may not lie after today.
    pub past: bool,
    /// What the date is, for messages: "`Last Rotated` of `AWS Access Keys`".
    pub what: DateSubject<'a>,
}

/// What a date is: a column of a row ("`Last Rotated` of `AWS Access Keys`") or a field
/// ("`Last Updated`"). Written out only for a message, not for every date of a document.
#[derive(Clone, Copy, Debug)]
pub struct DateSubject<'a> {
    /// The column's title or the field's label.
    pub name: &'a str,
    /// What the row is about; empty for a field.
    pub row: &'a str,
}

impl std::fmt::Display for DateSubject<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.row {
            "" => write!(f, "`{}`", self.name),
            row => write!(f, "`{}` of `{row}`", self.name),
        }
    }
}

/// How often the policy must be reviewed, and where that came from.
#[derive(Clone, Debug)]
pub struct Cadence {
    pub frequency: Frequency,
    /// Whether the document states it (else it is the pack's default).
    pub stated: bool,
    /// Whether deadlines are judged by it: a stated cadence always, the pack's default only
    /// where the pack says `apply-default-cadence: true`.
    pub judged: bool,
    /// "`(quarterly review)` on line 222", "the pack's default (annually)".
    pub source: String,
}

/// Where a required section of the pack is in the document.
#[derive(Debug)]
pub struct FoundSection<'a> {
    pub spec: &'a SectionSpec,
    /// The headings that are this section, by alias or by meaning.
    pub headings: Vec<&'a Section>,
    /// Without such a heading, what stands for the section: for the reporting section, the
    /// opening of the document when it says how to report; for another, a table of the kind
    /// it holds or a line of prose that makes one of its statements.
    pub opening: Option<Span>,
}

impl FoundSection<'_> {
    pub fn is_present(&self) -> bool {
        !self.headings.is_empty() || self.opening.is_some()
    }

    /// The text the section covers: each heading with its body, or the opening.
    pub fn spans(&self) -> impl Iterator<Item = Span> + '_ {
        self.headings
            .iter()
            .map(|s| Span::new(s.heading.start, s.body.end))
            .chain(self.opening)
    }
}

#[derive(Debug)]
pub struct Policy<'a> {
    /// The pack's required sections, in the pack's order.
    pub sections: Vec<FoundSection<'a>>,
    pub tables: Vec<KindTable<'a>>,
    pub dated_fields: Vec<DatedField<'a>>,
    pub dates: Vec<DateValue<'a>>,
    pub cadence: Cadence,
}

impl<'a> Policy<'a> {
    pub fn new(doc: &'a Document<'a>, pack: &'a Pack) -> Self {
        let meanings = HeadingMeanings::new(doc, pack);
        let tables: Vec<KindTable<'a>> = doc
            .tables
            .iter()
            .filter_map(|table| classify(doc, pack, table, &meanings))
            .collect();
        let dated_fields = dated_fields(doc, pack);
        // A date per row and date column, and one per field: reserved at once, for a table
        // of 100,000 rows is a large vector to grow by doubling.
        let mut dates = Vec::with_capacity(
            tables
                .iter()
                .map(|t| {
                    let date_columns = t.spec.columns.values();
                    t.table.rows.len() * date_columns.filter(|c| c.kind == ColumnType::Date).count()
                })
                .sum::<usize>()
                + dated_fields.len(),
        );
        for kind_table in &tables {
            table_dates(doc, pack, kind_table, &mut dates);
        }
        for field in &dated_fields {
            dates.push(DateValue {
                span: field.date_span(),
                text: doc.text(field.field.value_span),
                parsed: field.parsed.clone(),
                past: field.kind != FieldKind::NextReview,
                what: DateSubject {
                    name: &field.field.label,
                    row: "",
                },
            });
        }
        dates.sort_by_key(|d| d.span);
        let cadence = cadence(doc, pack, &dated_fields);
        Policy {
            sections: find_sections(doc, pack, &meanings, &tables),
            tables,
            dated_fields,
            dates,
            cadence,
        }
    }

    /// The required section with this `id`.
    pub fn section(&self, id: &str) -> Option<&FoundSection<'a>> {
        self.sections.iter().find(|s| s.spec.id == id)
    }

    pub fn tables_of(&self, kind: TableKind) -> impl Iterator<Item = &KindTable<'a>> {
        self.tables.iter().filter(move |t| t.kind == kind)
    }

    /// The last dated field of `kind` in the document.
    pub fn field(&self, kind: FieldKind) -> Option<&DatedField<'a>> {
        self.dated_fields.iter().rev().find(|f| f.kind == kind)
    }

    /// Whether the policy made promises with dates: it records rotations or incidents, states
    /// a review cadence or a next-review date.
    pub fn makes_dated_promises(&self) -> bool {
        self.tables
            .iter()
            .any(|t| matches!(t.kind, TableKind::Rotation | TableKind::Incidents))
            || self.cadence.stated
            || self.field(FieldKind::NextReview).is_some()
    }

    /// Where the review clock starts: the last-reviewed field, else last-updated.
    pub fn review_start(&self) -> Option<&DatedField<'a>> {
        self.field(FieldKind::LastReviewed)
            .or_else(|| self.field(FieldKind::LastUpdated))
    }
}

/// What each heading means to the pack: which of its sections it is, which kinds of table it
/// heads. Titles repeat — a long policy has thousands of `### Contact` — so each distinct
/// title is matched once.
struct HeadingMeanings {
    /// For each heading, its title's row of `meanings`.
    row: Vec<usize>,
    /// For each distinct title: a flag per pack section, then one per kind of [`TableKind::ALL`].
    meanings: Vec<std::sync::Arc<[bool]>>,
    sections: usize,
}

impl HeadingMeanings {
    fn new(doc: &Document<'_>, pack: &Pack) -> Self {
        let mut rows: HashMap<&str, usize> = HashMap::new();
        let mut meanings = Vec::new();
        let mut row = Vec::with_capacity(doc.sections.len());
        for section in &doc.sections {
            let key = section.key.as_str();
            let index = *rows.entry(key).or_insert_with(|| {
                meanings.push(pack.title_meanings.get(key, || {
                    let sections = pack.sections.iter().map(|spec| spec.matches(key));
                    let tables = TableKind::ALL.iter().map(|&kind| {
                        let spec = pack.tables.of(kind);
                        spec.headings.iter().any(|alias| title_matches(key, alias))
                    });
                    sections.chain(tables).collect()
                }));
                meanings.len() - 1
            });
            row.push(index);
        }
        HeadingMeanings {
            row,
            meanings,
            sections: pack.sections.len(),
        }
    }

    /// Whether heading `heading` is the pack's section number `section`.
    fn is_section(&self, heading: usize, section: usize) -> bool {
        self.meanings[self.row[heading]][section]
    }

    /// Whether heading `heading` is one of the table kind's own headings.
    fn heads_table(&self, heading: usize, kind: TableKind) -> bool {
        let index = TableKind::ALL.iter().position(|&k| k == kind).unwrap_or(0);
        self.meanings[self.row[heading]][self.sections + index]
    }
}

fn find_sections<'a>(
    doc: &'a Document<'a>,
    pack: &'a Pack,
    meanings: &HeadingMeanings,
    tables: &[KindTable<'a>],
) -> Vec<FoundSection<'a>> {
    pack.sections
        .iter()
        .enumerate()
        .map(|(number, spec)| {
            let headings: Vec<&Section> = doc
                .sections
                .iter()
                .enumerate()
                .filter(|&(index, _)| meanings.is_section(index, number))
                .map(|(_, section)| section)
                .collect();
            let opening = if !headings.is_empty() {
                None
            } else if spec.id == pack.contact.section {
                reporting_opening(doc, spec)
            } else {
                stands_for_section(doc, pack, spec, tables)
            };
            FoundSection {
                spec,
                headings,
                opening,
            }
        })
        .collect()
}

/// The opening of the document — its title heading, if it starts with one, and everything
/// up to the next heading — when a line of it says how to report ("To report a vulnerability,
/// please use …", a bullet "Report vulnerabilities by …"): that is the reporting section,
/// with or without a channel (a missing one is `missing-contact`'s finding).
fn reporting_opening(doc: &Document<'_>, spec: &SectionSpec) -> Option<Span> {
    let start = doc.front_matter.map_or(0, |f| f.end);
    let titled = doc.sections.first().is_some_and(|first| {
        doc.text(Span::new(start, first.heading.start))
            .trim()
            .is_empty()
    });
    let end = doc
        .sections
        .get(usize::from(titled))
        .map_or(doc.source.text.len(), |s| s.heading.start);
    let instructs = doc
        .text_lines()
        .take_while(|line| line.start < end)
        .filter(|line| !titled || line.start >= doc.sections[0].body.start)
        .any(|line| {
            let key = normalize_title(doc.text(line));
            spec.expresses_concept(&key)
        });
    instructs.then_some(Span::new(0, end))
}

/// Where a section without a heading of its own is stated all the same: by structure, a
/// table of the kind the section holds (a versions table with supported marks is the
/// supported-versions section, whatever its heading says, in any language); by words, a line
/// of prose that makes one of the section's `statements` ("Only the latest published alpha
/// receives security fixes").
fn stands_for_section(
    doc: &Document<'_>,
    pack: &Pack,
    spec: &SectionSpec,
    tables: &[KindTable<'_>],
) -> Option<Span> {
    let held = TableKind::ALL
        .into_iter()
        .filter(|&kind| pack.tables.of(kind).section.as_deref() == Some(spec.id.as_str()));
    for kind in held {
        if let Some(table) = tables.iter().find(|t| t.kind == kind) {
            return Some(table.table.span);
        }
    }
    if spec.statements.is_empty() {
        return None;
    }
    doc.text_lines().find(|&line| {
        let key = normalize_title(doc.text(line));
        !key.is_empty() && spec.states(&key)
    })
}

/// Whether a contact is a private reporting channel: an e-mail address, or a URL that is not a
/// public issue tracker and either lies in the reporting section or is a channel by the
/// pack's `channel-url`. Addresses on the example domains never are.
pub fn is_channel(pack: &Pack, contact: &Contact, in_reporting_section: bool) -> bool {
    let spec = &pack.contact;
    if is_example(contact, &spec.ignore_domains) {
        return false;
    }
    match contact.kind {
        ContactKind::Email | ContactKind::ObfuscatedEmail => true,
        ContactKind::Url if spec.public_url.is_match(&contact.text) => false,
        ContactKind::Url => in_reporting_section || spec.channel_url.is_match(&contact.text),
    }
}

/// Whether the contact's host is one of the example domains or a subdomain of one.
fn is_example(contact: &Contact, ignored: &[String]) -> bool {
    // Compared without allocating (this runs for every address and URL of every policy),
    // but for the rare text outside ASCII, whose case only `to_lowercase` folds.
    let folded;
    let text = if contact.text.is_ascii() {
        contact.text.as_str()
    } else {
        folded = contact.text.to_lowercase();
        folded.as_str()
    };
    let host = match text.split_once('@') {
        Some((_, host)) => host,
        None => text
            .split_once("://")
            .map_or(text, |(_, rest)| rest)
            .split(['/', ':', '?', '#'])
            .next()
            .unwrap_or(""),
    };
    ignored.iter().any(|domain| {
        host.eq_ignore_ascii_case(domain)
            || host.len() > domain.len()
                && host
                    .get(host.len() - domain.len()..)
                    .is_some_and(|tail| tail.eq_ignore_ascii_case(domain))
                && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
    })
}

/// The kind of `table`, if it is one: every required column present, or under a heading of
/// the kind with at least one of its columns.
fn classify<'a>(
    doc: &'a Document<'a>,
    pack: &'a Pack,
    table: &'a Table,
    meanings: &HeadingMeanings,
) -> Option<KindTable<'a>> {
    TableKind::ALL.into_iter().find_map(|kind| {
        let spec = pack.tables.of(kind);
        let excluded = table
            .header
            .cells
            .iter()
            .any(|cell| spec.not_columns.contains(&normalize_title(cell.text)));
        if excluded {
            return None;
        }
        let columns = match_columns(&table.header, spec);
        let complete = spec
            .columns
            .iter()
            .filter(|(_, c)| c.required)
            .all(|(key, _)| columns.contains_key(key.as_str()));
        let by_heading = !columns.is_empty() && under_heading(doc, pack, table, kind, meanings);
        let name_column = columns
            .iter()
            .filter(|(key, _)| {
                spec.columns
                    .get(**key)
                    .is_some_and(|c| c.kind == ColumnType::Text)
            })
            .map(|(_, &index)| index)
            .min()
            .unwrap_or(0);
        (complete || by_heading).then_some(KindTable {
            kind,
            table,
            spec,
            columns,
            name_column,
        })
    })
}

/// Whether the table's section, or a section enclosing it, has one of the kind's headings.
fn under_heading(
    doc: &Document<'_>,
    pack: &Pack,
    table: &Table,
    kind: TableKind,
    meanings: &HeadingMeanings,
) -> bool {
    let spec = pack.tables.of(kind);
    let required = spec
        .section
        .as_deref()
        .and_then(|id| pack.sections.iter().position(|s| s.id == id));
    let mut at = table.section;
    while let Some(index) = at {
        if meanings.heads_table(index, kind)
            || required.is_some_and(|r| meanings.is_section(index, r))
        {
            return true;
        }
        at = doc.sections[index].parent;
    }
    false
}

/// Header cells by column key: exact alias matches first, then headers containing an alias.
fn match_columns<'a>(header: &Row, spec: &'a TableSpec) -> BTreeMap<&'a str, usize> {
    let keys: Vec<String> = header
        .cells
        .iter()
        .map(|c| normalize_title(c.text))
        .collect();
    let mut columns: BTreeMap<&str, usize> = BTreeMap::new();
    for exact in [true, false] {
        let matches = |key: &str, alias: &str| {
            if exact {
                key == alias
            } else {
                title_matches(key, alias)
            }
        };
        for (name, column) in &spec.columns {
            if columns.contains_key(name.as_str()) {
                continue;
            }
            let free = |i: &usize| !columns.values().any(|taken| taken == i);
            let found = (0..keys.len())
                .filter(free)
                .find(|&i| column.aliases.iter().any(|alias| matches(&keys[i], alias)));
            if let Some(index) = found {
                columns.insert(name.as_str(), index);
            }
        }
    }
    columns
}

/// Whether a cell holds one of the pack's words for "no date here" (`Ongoing`).
fn is_date_word(pack: &Pack, text: &str) -> bool {
    let key = normalize_title(text);
    let raw = text.trim().to_lowercase();
    pack.date_words
        .iter()
        .any(|w| key == w.key && !key.is_empty() || raw == w.lower)
}

fn table_dates<'a>(
    doc: &'a Document<'a>,
    pack: &Pack,
    kind_table: &KindTable<'a>,
    out: &mut Vec<DateValue<'a>>,
) {
    let date_columns = kind_table
        .spec
        .columns
        .iter()
        .filter(|(_, c)| c.kind == ColumnType::Date);
    for (key, column) in date_columns {
        for row in &kind_table.table.rows {
            let Some(cell) = kind_table.cell(row, key) else {
                continue;
            };
            if cell.text.is_empty() || is_date_word(pack, cell.text) {
                continue;
            }
            let parsed = dates::find_date(cell.text);
            let span = match &parsed {
                Ok(p) => cell.span_of(p.start..p.end),
                Err(_) => cell.content(),
            };
            out.push(DateValue {
                span,
                text: doc.text(cell.content()),
                parsed,
                past: column.past,
                what: row_label(kind_table, row, key),
            });
        }
    }
}

/// "`Last Rotated` of `AWS Access Keys`": the column and what the row is about.
fn row_label<'a>(kind_table: &KindTable<'a>, row: &'a Row<'a>, key: &'a str) -> DateSubject<'a> {
    DateSubject {
        name: kind_table.title(key),
        row: kind_table.row_name(row),
    }
}

fn dated_fields<'a>(doc: &'a Document<'a>, pack: &Pack) -> Vec<DatedField<'a>> {
    let labels = &pack.fields;
    let has = |field: &Field, list: &[String]| {
        let label = normalize_title(&field.label);
        list.contains(&label)
    };
    doc.fields
        .iter()
        .filter_map(|field| {
            let kind = if field.front_matter {
                has(field, &labels.front_matter_last_updated).then_some(FieldKind::LastUpdated)?
            } else if has(field, &labels.last_updated) {
                FieldKind::LastUpdated
            } else if has(field, &labels.last_reviewed) {
                FieldKind::LastReviewed
            } else if has(field, &labels.next_review) {
                FieldKind::NextReview
            } else {
                return None;
            };
            let parsed = dates::parse_date(&field.value);
            if matches!(parsed, Err(DateError::Unparsable(_))) {
                return None;
            }
            Some(DatedField {
                field,
                kind,
                parsed,
            })
        })
        .collect()
}

/// The review cadence: from the next-review field's own words (`(quarterly review)`), else
/// from prose anywhere ("reviewed and updated quarterly"), else the pack's default.
fn cadence(doc: &Document<'_>, pack: &Pack, fields: &[DatedField<'_>]) -> Cadence {
    let line = |span: Span| doc.source.line_col(span.start).line;
    let next_review = fields
        .iter()
        .rev()
        .find(|f| f.kind == FieldKind::NextReview);
    for pattern in &pack.review.cadence_patterns {
        let Some(field) = next_review else { break };
        let value = &field.field.value;
        if let Some(groups) = pattern.captures(value)
            && let (Some(whole), Some(words)) = (groups.get(0), groups.get(1))
            && let Some(frequency) = Frequency::parse(&value[words])
        {
            let at = Span::new(field.field.value_span.start + whole.start, 0);
            return Cadence {
                frequency,
                stated: true,
                judged: true,
                source: format!("`{}` on line {}", &value[whole], line(at)),
            };
        }
    }
    let mut found: Option<(Span, Frequency, &str)> = None;
    for pattern in &pack.review.cadence_patterns {
        for (span, text) in doc.prose_matches(pattern) {
            let words = pattern.captures(text).and_then(|g| g.get(1));
            let Some(frequency) = words.and_then(|w| Frequency::parse(&text[w])) else {
                continue;
            };
            if found.is_none_or(|(earlier, _, _)| span < earlier) {
                found = Some((span, frequency, text));
            }
        }
    }
    match found {
        Some((span, frequency, text)) => Cadence {
            frequency,
            stated: true,
            judged: true,
            source: format!("\"{text}\" on line {}", line(span)),
        },
        None => Cadence {
            frequency: pack.review.default_cadence,
            stated: false,
            judged: pack.apply_default_cadence,
            source: format!("the pack's default, {}", pack.review.default_cadence_text),
        },
    }
}
