//! `--select`, `--extend-select` and `--ignore`: which rules run, by rule name or by the
//! pack's rule families, applied over the configuration's per-rule switches.

use super::{Pack, closest};

/// `ALL`: every rule.
const ALL: &str = "ALL";

impl Pack {
    /// The rules `name` stands for: itself when it is a rule, a family's members, or every
    /// rule for `ALL`.
    fn rules_named(&self, name: &str, rules: &[&str]) -> Result<Vec<String>, miette::Report> {
        if name.eq_ignore_ascii_case(ALL) {
            return Ok(rules.iter().map(|r| r.to_string()).collect());
        }
        if rules.contains(&name) {
            return Ok(vec![name.to_string()]);
        }
        if let Some(members) = self.families.get(name) {
            return Ok(members.clone());
        }
        let mut known: Vec<&str> = rules.to_vec();
        known.extend(self.families.keys().map(String::as_str));
        let help = match closest(name, &known) {
            Some(near) => format!("did you mean `{near}`? `policy-lint rules` lists the rules"),
            None => format!(
                "name rules (`policy-lint rules` lists them), families ({}) or ALL",
                self.families
                    .keys()
                    .map(String::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        Err(miette::miette!(
            help = help,
            "`{name}` is neither a rule nor a rule family"
        ))
    }

    /// Switches rules on and off as ruff's flags do: `select` (when given) runs exactly those
    /// rules, `extend` adds rules, `ignore` removes rules; each may name rules or families.
    /// `rules` is every rule name.
    pub fn select(
        &mut self,
        select: Option<&[String]>,
        extend: &[String],
        ignore: &[String],
        rules: &[&str],
    ) -> Result<(), miette::Report> {
        let expand = |names: &[String]| -> Result<Vec<String>, miette::Report> {
            let mut all = Vec::new();
            for name in names.iter().filter(|n| !n.trim().is_empty()) {
                all.extend(self.rules_named(name.trim(), rules)?);
            }
            Ok(all)
        };
        let selected = select.map(expand).transpose()?;
        let extended = expand(extend)?;
        let ignored = expand(ignore)?;
        for rule in rules {
            let name = rule.to_string();
            let mut on = match &selected {
                Some(selected) => selected.contains(&name),
                None => self.enabled(rule),
            };
            on = (on || extended.contains(&name)) && !ignored.contains(&name);
            self.rules.entry(name).or_default().enabled = Some(on);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::pack::Pack;

    fn enabled(pack: &Pack) -> Vec<&'static str> {
        crate::rules::names()
            .into_iter()
            .filter(|r| pack.enabled(r))
            .collect()
    }

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn select_extend_and_ignore_take_rules_and_families() {
        let rules = crate::rules::names();
        let mut pack = Pack::builtin().expect("pack");
        pack.select(
            Some(&strings(&["dates", "missing-contact"])),
            &strings(&["leaked-secret"]),
            &strings(&["future-date"]),
            &rules,
        )
        .expect("valid names");
        assert_eq!(
            enabled(&pack),
            [
                "missing-contact",
                "leaked-secret",
                "invalid-date",
                "non-iso-date"
            ]
        );
        let mut pack = Pack::builtin().expect("pack");
        pack.select(None, &[], &strings(&["incidents"]), &rules)
            .expect("valid names");
        assert!(!pack.enabled("incident-order") && pack.enabled("missing-section"));
        let mut pack = Pack::builtin().expect("pack");
        let err = pack
            .select(Some(&strings(&["dtaes"])), &[], &[], &rules)
            .expect_err("unknown");
        assert!(
            format!("{err:?}").contains("did you mean `dates`?"),
            "{err:?}"
        );
    }

    /// Every family of every built-in pack names real rules, and every rule the pack lints
    /// with is in a family (a pack without sections lints only security.txt files).
    #[test]
    fn the_families_cover_every_rule() {
        for builtin in crate::pack::BUILTIN_PACKS {
            let pack = Pack::load_builtin(builtin.name).expect("loads");
            let mut rules = crate::rules::names();
            if pack.sections.is_empty() {
                rules.retain(|rule| rule.starts_with("txt-"));
            }
            let members: Vec<&String> = pack.families.values().flatten().collect();
            for member in &members {
                assert!(
                    rules.contains(&member.as_str()),
                    "{}: {member}",
                    builtin.name
                );
            }
            for rule in &rules {
                assert!(
                    members.iter().any(|m| m == rule),
                    "{}: {rule} is in no family",
                    builtin.name
                );
            }
        }
    }
}
