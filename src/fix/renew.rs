//! `renew`: the edit that moves a security.txt's `Expires` to a new day, and nothing else.

use chrono::NaiveDate;

use super::update::Update;
use crate::dates::iso;
use crate::diagnostic::Edit;
use crate::io::source::{SourceFile, Span};
use crate::lint::schedule::{self, ObligationKind};
use crate::security_txt::{Ending, LineKind, SecurityTxt, parse_expires};

/// The day `renew` and `init --security-txt` write by default: a year ahead, minus a day, so
/// that the file stays under the year RFC 9116 recommends.
pub fn default_until(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(chrono::Months::new(12))
        .and_then(|day| day.pred_opt())
        .unwrap_or(today)
}

/// The edit that sets `Expires` to `until`: the date of the value replaced, its time of day,
/// fraction and time zone as written; a value that is no RFC 3339 date-time becomes
/// `YYYY-MM-DDT00:00:00Z`; a file without the field gets one after its last field. Refused on
/// a signed file (the signature would no longer match), with two `Expires`, and for a day that
/// is not after `today` or lies more than a year ahead.
pub fn renew(
    source: &SourceFile,
    today: NaiveDate,
    until: NaiveDate,
) -> Result<Update, miette::Report> {
    let txt = SecurityTxt::parse(source);
    let path = source.path().display();
    if txt.signature.is_some() {
        return Err(miette::miette!(
            help = "renew the unsigned text it was made from, then sign it again \
                    (e.g. `gpg --clearsign`); renewing the signed file in place would break its \
                    signature",
            "{path} is signed with OpenPGP: it must be signed again after any change, so \
             policy-lint leaves it untouched"
        ));
    }
    if until <= today {
        return Err(miette::miette!(
            help = "choose a day after today, e.g. `--for 365d`",
            "{} is not after today ({}): the file would be expired at once",
            iso(until),
            iso(today)
        ));
    }
    let limit = today.checked_add_months(chrono::Months::new(12));
    if limit.is_some_and(|limit| until > limit) {
        return Err(miette::miette!(
            help = "RFC 9116 recommends less than a year: renew sooner, e.g. `--for 365d`",
            "{} is more than a year ahead",
            iso(until)
        ));
    }
    let fields: Vec<_> = txt.fields_named("expires").collect();
    let mut update = Update {
        follow: vec![schedule::key(ObligationKind::Expiry, schedule::EXPIRY_NAME)],
        ..Update::default()
    };
    match fields.as_slice() {
        [] => {
            let value = format!("{}T00:00:00Z", iso(until));
            let (at, text) = insertion(&txt, &value);
            update.changes.push(format!("Expires: (none) → {value}"));
            update.edits.push(Edit {
                span: Span::empty(at),
                replacement: text,
            });
        }
        [field] => {
            let old = txt.value(field);
            let new = match parse_expires(old) {
                Some(_) => format!("{}{}", iso(until), &old[10..]),
                None => format!("{}T00:00:00Z", iso(until)),
            };
            let old_shown = if old.is_empty() { "(empty)" } else { old };
            if old != new {
                update.changes.push(format!("Expires: {old_shown} → {new}"));
                update.edits.push(Edit {
                    span: field.value,
                    replacement: new,
                });
            }
        }
        _ => {
            return Err(miette::miette!(
                help =
                    "keep one `Expires` line (`policy-lint check` reports the other), then renew",
                "{path} has {} `Expires` fields; which one to renew is not certain",
                fields.len()
            ));
        }
    }
    Ok(update)
}

/// Where a new `Expires` line goes — after the last field's line, else at the end — and the
/// text inserted there, in the file's line ending.
fn insertion(txt: &SecurityTxt<'_>, value: &str) -> (usize, String) {
    let eol = txt.line_ending();
    let last_field = txt
        .lines
        .iter()
        .rev()
        .find(|line| matches!(line.kind, LineKind::Field(_)));
    let line = match last_field {
        Some(line) => line,
        None => match txt.lines.last() {
            Some(line) => line,
            None => return (txt.source.text.len(), format!("Expires: {value}{eol}")),
        },
    };
    match line.ending {
        Ending::None => (line.span.end, format!("{eol}Expires: {value}")),
        Ending::Lf => (line.span.end + 1, format!("Expires: {value}{eol}")),
        Ending::CrLf => (line.span.end + 2, format!("Expires: {value}{eol}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::apply_edits;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn renewed(text: &str, until: &str) -> String {
        let source = SourceFile::new("security.txt", text.to_string());
        let update = renew(&source, day("2026-12-01"), day(until)).unwrap();
        let edits: Vec<&Edit> = update.edits.iter().collect();
        apply_edits(text, &edits)
    }

    #[test]
    fn only_the_date_changes_and_the_time_zone_style_stays() {
        assert_eq!(
            renewed(
                "Contact: mailto:a@example.org\r\nExpires: 2025-06-30t22:00:00.000z\r\n# end\r\n",
                "2027-11-30"
            ),
            "Contact: mailto:a@example.org\r\nExpires: 2027-11-30t22:00:00.000z\r\n# end\r\n"
        );
        assert_eq!(
            renewed("Expires: 2026-01-01T00:00:00+01:00\n", "2027-01-01"),
            "Expires: 2027-01-01T00:00:00+01:00\n"
        );
    }

    #[test]
    fn an_unreadable_or_missing_expires_gets_a_canonical_value() {
        assert_eq!(
            renewed("Expires: 31 Dec 2025\n", "2027-06-30"),
            "Expires: 2027-06-30T00:00:00Z\n"
        );
        assert_eq!(
            renewed("Contact: mailto:a@example.org\r\n\r\n# x\r\n", "2027-06-30"),
            "Contact: mailto:a@example.org\r\nExpires: 2027-06-30T00:00:00Z\r\n\r\n# x\r\n"
        );
        assert_eq!(
            renewed("Contact: mailto:a@example.org", "2027-06-30"),
            "Contact: mailto:a@example.org\nExpires: 2027-06-30T00:00:00Z"
        );
    }

    #[test]
    fn a_signed_file_a_past_day_and_two_expires_are_refused() {
        let refused = |text: &str, until: &str| {
            let source = SourceFile::new("security.txt", text.to_string());
            renew(&source, day("2026-12-01"), day(until))
                .unwrap_err()
                .to_string()
        };
        let signed = "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nExpires: 2026-01-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\n\nAAAA\n-----END PGP SIGNATURE-----\n";
        assert!(refused(signed, "2027-01-01").contains("signed"));
        assert!(
            refused("Expires: 2026-01-01T00:00:00Z\n", "2026-12-01").contains("not after today")
        );
        assert!(
            refused("Expires: 2026-01-01T00:00:00Z\n", "2028-01-01").contains("more than a year")
        );
        assert!(
            refused(
                "Expires: 2026-01-01T00:00:00Z\nExpires: 2026-02-01T00:00:00Z\n",
                "2027-01-01"
            )
            .contains("2 `Expires`")
        );
    }
}
