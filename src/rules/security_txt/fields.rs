//! The fields: a `Contact`, URIs where URIs belong, language tags, fields that appear once,
//! CSAF locations, an `Encryption` key for e-mail, and names RFC 9116 does not define.

use super::finding;
use crate::declare_rule;
use crate::diagnostic::{Applicability, Diagnostic, Edit, Fix};
use crate::io::source::Span;
use crate::lint::rule::{RuleMeta, TxtContext, TxtRule};
use crate::security_txt::{KNOWN_FIELDS, SecurityTxt, URI_FIELDS, uri_scheme};

/// The fields RFC 9116 allows once at most.
const ONCE_ONLY: &[&str] = &["expires", "preferred-languages"];

/// The schemes a `Contact` may use (RFC 9116 §2.5.3); `http` is `txt-insecure-uri`'s.
const CONTACT_SCHEMES: &[&str] = &["mailto", "tel", "https", "http"];

declare_rule! {
    /// ## What it does
    /// Reports a security.txt file with no `Contact` field that has a value (sectxt:
    /// `no_contact`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.3: `Contact` "MUST always be present"; it is the reason the file exists.
    ///
    /// ## Example
    /// A file with only `Expires:` and `Policy:`. Use instead: add
    /// `Contact: mailto:security@example.org`.
    ///
    /// ## Fix safety
    /// No automatic fix: only a person knows the address.
    pub MissingContact("txt-missing-contact", Error, None, "security.txt has no Contact field")
}

impl TxtRule for MissingContact {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        if !txt.fields_named("contact").any(|f| !f.value.is_empty()) {
            out.push(finding(
                &Self::META,
                Span::empty(txt.source.bom_len()),
                "security.txt has no `Contact` field, which RFC 9116 requires".to_string(),
                "add one, e.g. `Contact: mailto:security@example.org` or \
                 `Contact: https://example.org/security`",
                None,
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a field that RFC 9116 allows once, written again: `Expires` (sectxt:
    /// `multi_expire`) and `Preferred-Languages` (sectxt: `multi_lang`). Each repetition is
    /// reported where it stands.
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.5 and §2.5.8: these fields "MUST NOT appear more than once"; a reader
    /// cannot tell which of two expiry dates holds.
    ///
    /// ## Example
    /// ```text
    /// Expires: 2026-12-31T00:00:00Z
    /// Expires: 2027-06-30T00:00:00Z
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: which value is meant is not certain.
    pub RepeatedField("txt-repeated-field", Error, None, "a field allowed once appears again")
}

impl TxtRule for RepeatedField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for key in ONCE_ONLY {
            let mut fields = txt.fields_named(key).filter(|f| !f.value.is_empty());
            let Some(first) = fields.next() else { continue };
            let line = txt.source.line_col(first.name.start).line;
            for again in fields {
                let name = txt.text(again.name);
                out.push(finding(
                    &Self::META,
                    again.name,
                    format!(
                        "`{name}` appears again; RFC 9116 allows it once (first on line {line})"
                    ),
                    "keep one of the two lines",
                    None,
                ));
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports the value of a URI field — `Contact`, `Canonical`, `Encryption`, `Policy`,
    /// `Acknowledgments`, `Hiring`, `CSAF` — that is not a URI (no scheme; sectxt: `no_uri`),
    /// and a `Contact` whose scheme is none of `mailto:`, `tel:` and `https:` (RFC 9116
    /// §2.5.3; sectxt accepts any scheme).
    ///
    /// ## Why is this bad?
    /// Tools follow these values; a bare address, a bracketed list or a placeholder leads
    /// nowhere.
    ///
    /// ## Example
    /// ```text
    /// Contact: security@example.org
    /// ```
    /// Use instead:
    /// ```text
    /// Contact: mailto:security@example.org
    /// ```
    ///
    /// ## Fix safety
    /// A bare e-mail address gets `mailto:` in front with a safe fix: that is what it means.
    /// Anything else needs a person.
    pub NotUri("txt-not-uri", Error, Safe, "a URI field's value is not a URI")
}

impl TxtRule for NotUri {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt
            .fields()
            .filter(|f| URI_FIELDS.contains(&f.key.as_ref()))
        {
            let value = txt.value(field);
            if value.is_empty() {
                continue;
            }
            let name = txt.text(field.name);
            match uri_scheme(value) {
                None => {
                    let email = is_email(value);
                    out.push(finding(
                        &Self::META,
                        field.value,
                        if email {
                            format!("`{name}` gives a bare e-mail address, not a `mailto:` URI")
                        } else {
                            format!("`{name}` must be a URI, and `{}` is not", shorten(value))
                        },
                        if email {
                            "write `mailto:` before the address"
                        } else {
                            "write one URI with its scheme, e.g. `https://example.org/security`"
                        },
                        email.then(|| Fix {
                            title: "write `mailto:` before the address".to_string(),
                            applicability: Applicability::Safe,
                            edits: vec![Edit {
                                span: Span::empty(field.value.start),
                                replacement: "mailto:".to_string(),
                            }],
                        }),
                    ));
                }
                Some(scheme)
                    if field.key == "contact"
                        && !CONTACT_SCHEMES
                            .iter()
                            .any(|known| known.eq_ignore_ascii_case(scheme)) =>
                {
                    out.push(finding(
                        &Self::META,
                        field.value,
                        format!("a `Contact` must be a `mailto:`, `tel:` or `https:` URI, not `{scheme}:`"),
                        "give an e-mail address, a telephone number or a web page to report to",
                        None,
                    ));
                }
                Some(_) => {}
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a URI field whose value is a plain `http:` URI (sectxt: `no_https`).
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5: "a web URI MUST begin with 'https://'": a report form or a key fetched
    /// over plain HTTP can be read or replaced on the way.
    ///
    /// ## Example
    /// `Contact: http://example.org/security`. Use instead:
    /// `Contact: https://example.org/security`.
    ///
    /// ## Fix safety
    /// Unsafe: `https://` is offered with `--unsafe-fixes`, since only a person knows that the
    /// page is served over HTTPS.
    pub InsecureUri("txt-insecure-uri", Error, Unsafe, "a web URI is http:, not https:")
}

impl TxtRule for InsecureUri {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt
            .fields()
            .filter(|f| URI_FIELDS.contains(&f.key.as_ref()))
        {
            let value = txt.value(field);
            if uri_scheme(value).is_some_and(|s| s.eq_ignore_ascii_case("http")) {
                let scheme = Span::new(field.value.start, field.value.start + 4);
                out.push(finding(
                    &Self::META,
                    field.value,
                    format!("`{}` is a plain `http:` URI", txt.text(field.name)),
                    "serve it over HTTPS and write `https://`",
                    Some(Fix {
                        title: "write `https`".to_string(),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit {
                            span: scheme,
                            replacement: "https".to_string(),
                        }],
                    }),
                ));
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `Preferred-Languages` entry that is not an RFC 5646 language tag (sectxt:
    /// `invalid_lang`), each where it stands. The field is a comma-separated list: `en, nl`.
    ///
    /// ## Why is this bad?
    /// RFC 9116 §2.5.8: the value is one or more RFC 5646 tags, so that a reporter's tools
    /// can pick a language. `English`, `en_US` or `{Language List}` are not tags.
    ///
    /// ## Example
    /// `Preferred-Languages: English, Dutch`. Use instead: `Preferred-Languages: en, nl`.
    ///
    /// ## Fix safety
    /// No automatic fix: the tag meant is not certain.
    pub InvalidLanguage("txt-invalid-language", Error, None, "a preferred language is not an RFC 5646 language tag")
}

impl TxtRule for InvalidLanguage {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt.fields_named("preferred-languages") {
            let value = txt.value(field);
            if value.is_empty() {
                continue;
            }
            let mut at = field.value.start;
            for part in value.split(',') {
                let blank = part.len() - part.trim_start().len();
                let tag = part.trim();
                let span = Span::new(at + blank, at + blank + tag.len());
                at += part.len() + 1;
                if !is_language_tag(tag) {
                    // An empty entry is shown by the comma that opens or closes it.
                    let comma = if span.start > field.value.start {
                        Span::new(span.start - blank - 1, span.start - blank)
                    } else {
                        Span::new(span.end, (span.end + 1).min(field.value.end))
                    };
                    out.push(finding(
                        &Self::META,
                        if tag.is_empty() { comma } else { span },
                        if tag.is_empty() {
                            "`Preferred-Languages` has an empty entry".to_string()
                        } else {
                            format!("`{}` is not an RFC 5646 language tag", shorten(tag))
                        },
                        "write tags separated by commas, e.g. `en, nl` or `pt-BR`",
                        None,
                    ));
                }
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a `CSAF` field that does not point to a `provider-metadata.json` file
    /// (sectxt: `no_csaf_file`).
    ///
    /// ## Why is this bad?
    /// The CSAF 2.0 standard (§7.1.8) registers the field for the location of a provider's
    /// `provider-metadata.json`; any other file is not what CSAF tools look for.
    ///
    /// ## Example
    /// `CSAF: https://example.org/advisories/`. Use instead:
    /// `CSAF: https://example.org/.well-known/csaf/provider-metadata.json`.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub InvalidCsaf("txt-invalid-csaf", Error, None, "a CSAF field does not point to provider-metadata.json")
}

impl TxtRule for InvalidCsaf {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt.fields_named("csaf") {
            let value = txt.value(field);
            if !value.is_empty() && !value.ends_with("provider-metadata.json") {
                out.push(finding(
                    &Self::META,
                    field.value,
                    "`CSAF` must point to a `provider-metadata.json` file".to_string(),
                    "give the URL of the provider's provider-metadata.json",
                    None,
                ));
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Warns about a second `CSAF` field (sectxt: `multiple_csaf_fields`, a recommendation).
    ///
    /// ## Why is this bad?
    /// CSAF 2.0 allows several, but one provider-metadata.json is what tools expect to find.
    ///
    /// ## Example
    /// Two `CSAF:` lines pointing at two providers' files.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub MultipleCsaf("txt-multiple-csaf", Warning, None, "more than one CSAF field")
}

impl TxtRule for MultipleCsaf {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt
            .fields_named("csaf")
            .filter(|f| !f.value.is_empty())
            .skip(1)
        {
            out.push(finding(
                &Self::META,
                field.name,
                "a second `CSAF` field; one provider-metadata.json is what tools expect"
                    .to_string(),
                "keep one `CSAF` field if you can",
                None,
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Warns about an e-mail `Contact` in a file with no `Encryption` field (sectxt:
    /// `no_encryption`, a recommendation).
    ///
    /// ## Why is this bad?
    /// A vulnerability report sent by plain e-mail can be read on the way; RFC 9116 §2.5.4's
    /// `Encryption` field tells the reporter which key to encrypt it with.
    ///
    /// ## Example
    /// `Contact: mailto:security@example.org` and nothing else. Use instead: add
    /// `Encryption: https://example.org/pgp-key.txt`.
    ///
    /// ## Fix safety
    /// No automatic fix.
    pub MissingEncryption("txt-missing-encryption", Warning, None, "an e-mail Contact without an Encryption key")
}

impl TxtRule for MissingEncryption {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        if txt.fields_named("encryption").any(|f| !f.value.is_empty()) {
            return;
        }
        if let Some(mail) = txt
            .fields_named("contact")
            .find(|f| txt.value(f).starts_with("mailto:"))
        {
            out.push(finding(
                &Self::META,
                mail.value,
                "an e-mail `Contact`, but no `Encryption` key to encrypt reports with".to_string(),
                "add `Encryption:` with the URI of an OpenPGP key, e.g. \
                 `Encryption: https://example.org/pgp-key.txt`",
                None,
            ));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a field name RFC 9116 does not define, nor the registered `CSAF` (sectxt:
    /// `unknown_field`, a notification), with the known name it is closest to. Off in the
    /// built-in pack: RFC 9116 §2.4 lets files carry fields of their own. Switch it on with
    /// `--extend-select txt-unknown-field` or `rules: {txt-unknown-field: {enabled: true}}`.
    ///
    /// ## Why is this bad?
    /// Readers ignore unknown fields, so a misspelt one (`Acknowledgements`) or a draft-era
    /// `Signature` silently does nothing.
    ///
    /// ## Example
    /// `Acknowledgements: https://example.org/thanks`. Use instead:
    /// `Acknowledgments: https://example.org/thanks`.
    ///
    /// ## Fix safety
    /// No automatic fix: a custom field may be meant.
    pub UnknownField("txt-unknown-field", Warning, None, "a field RFC 9116 does not define")
}

impl TxtRule for UnknownField {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, txt: &SecurityTxt<'_>, _: &TxtContext<'_>, out: &mut Vec<Diagnostic>) {
        for field in txt.fields() {
            if field.key.is_empty()
                || field.value.is_empty()
                || KNOWN_FIELDS.contains(&field.key.as_ref())
            {
                continue;
            }
            let name = txt.text(field.name);
            let help = match crate::pack::closest(&field.key, KNOWN_FIELDS) {
                Some(near) => format!("did you mean `{}`?", title_case(near)),
                None => "readers ignore it; RFC 9116 §2.5 lists the fields".to_string(),
            };
            out.push(finding(
                &Self::META,
                field.name,
                format!("`{}` is not a field RFC 9116 defines", shorten(name)),
                help,
                None,
            ));
        }
    }
}

/// `preferred-languages` → `Preferred-Languages`; `csaf` → `CSAF`.
fn title_case(key: &str) -> String {
    if key == "csaf" {
        return "CSAF".to_string();
    }
    key.split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// At most 60 characters of a value, for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

/// Whether `value` is a bare e-mail address and nothing else.
fn is_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c))
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
}

/// The tags RFC 5646 §2.2.8 keeps for their history, lower-case.
const GRANDFATHERED: &[&str] = &[
    "en-gb-oed",
    "i-ami",
    "i-bnn",
    "i-default",
    "i-enochian",
    "i-hak",
    "i-klingon",
    "i-lux",
    "i-mingo",
    "i-navajo",
    "i-pwn",
    "i-tao",
    "i-tay",
    "i-tsu",
    "sgn-be-fr",
    "sgn-be-nl",
    "sgn-ch-de",
    "art-lojban",
    "cel-gaulish",
    "no-bok",
    "no-nyn",
    "zh-guoyu",
    "zh-hakka",
    "zh-min",
    "zh-min-nan",
    "zh-xiang",
];

/// Whether `tag` is an RFC 5646 language tag (§2.1): language, extended languages, script,
/// region, variants, extensions and a private use part, in that order. The language is two
/// or three letters: the four- to eight-letter form is reserved, no language is registered
/// under it, and it is what `English` or `Deutsch` would otherwise pass as.
pub fn is_language_tag(tag: &str) -> bool {
    // The common tag, a language alone (`en`, `nld`), read without allocating.
    if (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_alphabetic()) {
        return true;
    }
    let lower = tag.to_ascii_lowercase();
    if GRANDFATHERED.contains(&lower.as_str()) {
        return true;
    }
    let parts: Vec<&str> = lower.split('-').collect();
    let alpha = |p: &str| p.bytes().all(|b| b.is_ascii_alphabetic());
    let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if parts
        .iter()
        .any(|p| p.is_empty() || p.len() > 8 || !p.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return false;
    }
    let mut i = 0;
    let private_use = |i: &mut usize| {
        *i += 1;
        let start = *i;
        while *i < parts.len() {
            *i += 1;
        }
        *i > start
    };
    if parts[0] == "x" {
        return private_use(&mut i);
    }
    if !(alpha(parts[0]) && (2..=3).contains(&parts[0].len())) {
        return false;
    }
    i += 1;
    let mut extlangs = 0;
    while extlangs < 3 && i < parts.len() && parts[i].len() == 3 && alpha(parts[i]) {
        i += 1;
        extlangs += 1;
    }
    if i < parts.len() && parts[i].len() == 4 && alpha(parts[i]) {
        i += 1;
    }
    if i < parts.len()
        && ((parts[i].len() == 2 && alpha(parts[i])) || (parts[i].len() == 3 && digits(parts[i])))
    {
        i += 1;
    }
    while i < parts.len()
        && (parts[i].len() >= 5 || (parts[i].len() == 4 && parts[i].as_bytes()[0].is_ascii_digit()))
    {
        i += 1;
    }
    while i < parts.len() && parts[i].len() == 1 && parts[i] != "x" {
        i += 1;
        let start = i;
        while i < parts.len() && parts[i].len() >= 2 {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    if i < parts.len() && parts[i] == "x" {
        return private_use(&mut i);
    }
    i == parts.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_for_their_form() {
        for good in [
            "en",
            "NL",
            "pt-BR",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "de-CH-1996",
            "x-private",
            "en-a-bbb-x-c",
            "i-klingon",
            "es-419",
        ] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "",
            "English",
            "en_US",
            "{Language List}",
            "e",
            "en-",
            "toolongtag",
            "en-a",
            "1en",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn a_bare_address_is_told_from_other_text() {
        assert!(is_email("security@example.org"));
        assert!(!is_email("['security@example.org']"));
        assert!(!is_email("security@localhost"));
    }

    #[test]
    fn known_names_are_written_as_the_rfc_writes_them() {
        assert_eq!(title_case("preferred-languages"), "Preferred-Languages");
        assert_eq!(title_case("csaf"), "CSAF");
    }
}
