//! Findings: what is wrong, where, and how to fix it. A finding names its [`Rule`]; the rule's
//! severity and documentation come from the [`catalog`]. This module imports nothing above the
//! values it points into.

pub mod catalog;
mod report;

pub use catalog::{Rule, RuleInfo, Scope, did_you_mean};
pub use report::{Format, InputEntry, printable, report, summary_line, text_one, uri_reference};

use serde::Serialize;

use crate::values::{Origin, Path};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One problem (or, at info severity, one thing to know), pinned to the input that caused it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    /// What is wrong, with values in backticks.
    pub message: String,
    /// How to fix it: the rule's own advice unless the finding knows better.
    pub help: String,
    /// The dotted path of the value at fault (empty for the whole input).
    pub path: Path,
    /// Where the value at fault was written; further origins are related places.
    pub origins: Vec<Origin>,
    /// Where the inputs define several releases (an ApplicationSet's elements, a helmfile's
    /// releases), the ones it holds for, in the order they were defined; empty otherwise.
    pub releases: Vec<String>,
}

impl Finding {
    /// A finding of `rule` about the value at `path`, written at `origin`.
    pub fn new(rule: Rule, path: Path, origin: Origin, message: impl Into<String>) -> Finding {
        Finding {
            rule,
            message: message.into(),
            help: rule.info().help.to_string(),
            path,
            origins: vec![origin],
            releases: Vec::new(),
        }
    }

    /// Replaces the rule's general advice with advice for this case.
    pub fn help(mut self, help: impl Into<String>) -> Finding {
        self.help = help.into();
        self
    }

    /// Adds a related place (the other copy of a duplicate, the host a URL should match).
    pub fn also(mut self, origin: Origin) -> Finding {
        self.origins.push(origin);
        self
    }

    pub fn severity(&self) -> Severity {
        self.rule.severity()
    }

    pub fn primary(&self) -> Origin {
        self.origins.first().copied().unwrap_or_default()
    }
}

/// One release's findings, with its name and namespace.
pub type ReleaseFindings = ((String, String), Vec<Finding>);

/// The findings of several releases, each given as its name and namespace, as one list: each
/// names the releases it holds for (by name, or `namespace/name` where two share a name), and one
/// that several releases share (a value written once, in a template or a shared values file) is
/// told once, naming them all in the order given. The findings of a single release are left as
/// they are.
pub fn by_release(per_release: Vec<ReleaseFindings>) -> Vec<Finding> {
    let labels = release_labels(per_release.iter().map(|(id, _)| id).collect());
    let several = per_release.len() > 1;
    let mut found: Vec<Finding> = per_release
        .into_iter()
        .zip(labels)
        .flat_map(|((_, found), label)| {
            found.into_iter().map(move |mut f| {
                if several {
                    f.releases = vec![label.clone()];
                }
                f
            })
        })
        .collect();
    // stable: the findings of one place keep the releases' order
    sort(&mut found);
    let mut merged: Vec<Finding> = Vec::with_capacity(found.len());
    for f in found {
        // its like, if any, is among the last ones sorted to the same place
        let like = merged
            .iter_mut()
            .rev()
            .take_while(|m| sort_key(m) == sort_key(&f))
            .find(|m| same_but_release(m, &f));
        match like {
            Some(like) => {
                for r in f.releases {
                    if !like.releases.contains(&r) {
                        like.releases.push(r);
                    }
                }
            }
            None => merged.push(f),
        }
    }
    merged
}

/// How findings name releases (name and namespace each): by name, or `namespace/name` where two
/// share a name.
fn release_labels(ids: Vec<&(String, String)>) -> Vec<String> {
    let shared = |name: &str| ids.iter().filter(|(n, _)| n == name).count() > 1;
    ids.iter()
        .map(|(name, ns)| match shared(name) {
            true => format!("{ns}/{name}"),
            false => name.clone(),
        })
        .collect()
}

/// Whether two findings say the same of the same place, whatever releases they hold for. Every
/// field is named, so that one added to `Finding` is decided here too.
fn same_but_release(a: &Finding, b: &Finding) -> bool {
    let Finding {
        rule,
        message,
        help,
        path,
        origins,
        releases: _,
    } = a;
    *rule == b.rule
        && *message == b.message
        && *help == b.help
        && *path == b.path
        && *origins == b.origins
}

/// Sorts findings by source position, then rule, so output is stable run to run; drops repeats.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| sort_key(a).cmp(&sort_key(b)));
    findings.dedup();
}

fn sort_key(f: &Finding) -> ((u8, u32, u32, u32), Rule, &Path, &str) {
    (order_key(f.primary()), f.rule, &f.path, &f.message)
}

fn order_key(o: Origin) -> (u8, u32, u32, u32) {
    match o {
        Origin::File { file, line, column } => (0, file, line, column),
        Origin::Arg { arg } => (1, arg, 0, 0),
        Origin::Command => (2, 0, 0, 0),
        Origin::Default => (3, 0, 0, 0),
    }
}

/// Counts by severity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

pub fn summarize(findings: &[Finding]) -> Summary {
    let mut s = Summary::default();
    for f in findings {
        match f.severity() {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
    }
    s
}

/// Whether any finding is at or above the failure threshold (errors; warnings too when `strict`).
pub fn failing(findings: &[Finding], strict: bool) -> bool {
    findings.iter().any(|f| match f.severity() {
        Severity::Error => true,
        Severity::Warning => strict,
        Severity::Info => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_and_help_come_from_the_catalog_unless_the_finding_says_more() {
        let f = Finding::new(
            Rule::UrlPort,
            Path::parse("global.airbyteUrl"),
            Origin::Default,
            "m",
        );
        assert_eq!(f.severity(), Severity::Warning);
        assert_eq!(f.help, Rule::UrlPort.info().help);
        assert_eq!(f.clone().help("h").help, "h");
        let two = f.also(Origin::Arg { arg: 0 });
        assert_eq!(two.origins.len(), 2);
        assert_eq!(two.primary(), Origin::Default);
    }

    #[test]
    fn sorting_orders_by_place_then_rule_and_drops_repeats() {
        let at = |line| Origin::File {
            file: 0,
            line,
            column: 1,
        };
        let f = |r, line| Finding::new(r, Path::default(), at(line), "m");
        let mut v = vec![
            f(Rule::UrlPort, 3),
            f(Rule::UrlInvalid, 1),
            f(Rule::HostInvalid, 3),
            f(Rule::UrlInvalid, 1),
            Finding::new(Rule::UrlPort, Path::default(), Origin::Default, "m"),
        ];
        sort(&mut v);
        let got: Vec<(Rule, Origin)> = v.iter().map(|f| (f.rule, f.primary())).collect();
        assert_eq!(
            got,
            [
                (Rule::UrlInvalid, at(1)),
                (Rule::HostInvalid, at(3)),
                (Rule::UrlPort, at(3)),
                (Rule::UrlPort, Origin::Default)
            ]
        );
        assert!(failing(&v, false));
        let warnings: Vec<Finding> = v.into_iter().filter(|f| f.rule == Rule::UrlPort).collect();
        assert!(!failing(&warnings, false) && failing(&warnings, true));
    }

    #[test]
    fn findings_of_several_releases_name_them_and_shared_ones_are_told_once() {
        let at = |line| Origin::File {
            file: 0,
            line,
            column: 1,
        };
        let f = |r, line, m: &str| Finding::new(r, Path::default(), at(line), m);
        let shared = f(Rule::BackendInvalid, 9, "webapp");
        let id = |name: &str, ns: &str| (name.to_string(), ns.to_string());
        // prod first in the list of findings, staging first in the inputs
        let merged = by_release(vec![
            (
                id("staging", "airbyte"),
                vec![shared.clone(), f(Rule::UrlPort, 2, "staging's")],
            ),
            (
                id("prod", "airbyte"),
                vec![f(Rule::UrlPort, 2, "prod's"), shared.clone()],
            ),
        ]);
        let got: Vec<(Rule, &str, Vec<&str>)> = merged
            .iter()
            .map(|f| {
                let r = f.releases.iter().map(String::as_str).collect();
                (f.rule, f.message.as_str(), r)
            })
            .collect();
        assert_eq!(
            got,
            [
                (Rule::UrlPort, "prod's", vec!["prod"]),
                (Rule::UrlPort, "staging's", vec!["staging"]),
                (Rule::BackendInvalid, "webapp", vec!["staging", "prod"]),
            ]
        );
        // a different help is a different finding, even in the same place
        let other = shared.clone().help("another");
        let apart = by_release(vec![
            (id("a", "x"), vec![shared.clone()]),
            (id("b", "x"), vec![other]),
        ]);
        assert_eq!(apart.len(), 2);
        // one release: nothing named, repeats dropped as always
        let one = by_release(vec![(id("a", "x"), vec![shared.clone(), shared.clone()])]);
        assert_eq!(one.len(), 1);
        assert!(one[0].releases.is_empty());
    }

    #[test]
    fn releases_are_named_by_namespace_only_where_names_repeat() {
        let ids = [("airbyte", "prod"), ("airbyte", "dev"), ("other", "prod")]
            .map(|(n, ns)| (n.to_string(), ns.to_string()));
        assert_eq!(
            release_labels(ids.iter().collect()),
            ["prod/airbyte", "dev/airbyte", "other"]
        );
    }

    proptest::proptest! {
        /// Every finding of every release is told once, naming exactly the releases that had it,
        /// in their order; nothing is added.
        #[test]
        fn by_release_loses_and_adds_nothing(
            sets in proptest::collection::vec(proptest::collection::vec(0u32..6, 0..6), 2..4)
        ) {
            let finding = |k: u32| {
                let rule = [Rule::UrlPort, Rule::BackendInvalid][(k % 2) as usize];
                let at = Origin::File { file: 0, line: 1 + k / 3, column: 1 };
                Finding::new(rule, Path::default(), at, format!("m{k}"))
            };
            let labels: Vec<String> = (0..sets.len()).map(|i| format!("r{i}")).collect();
            let merged = by_release(
                labels
                    .iter()
                    .zip(&sets)
                    .map(|(l, ks)| {
                        let id = (l.clone(), "airbyte".to_string());
                        (id, ks.iter().map(|&k| finding(k)).collect())
                    })
                    .collect(),
            );
            let mut distinct: Vec<u32> = sets.iter().flatten().copied().collect();
            distinct.sort_unstable();
            distinct.dedup();
            proptest::prop_assert_eq!(merged.len(), distinct.len());
            for k in distinct {
                let want: Vec<String> = labels
                    .iter()
                    .zip(&sets)
                    .filter(|(_, ks)| ks.contains(&k))
                    .map(|(l, _)| l.clone())
                    .collect();
                let told: Vec<&Finding> = merged
                    .iter()
                    .filter(|f| f.message == format!("m{k}"))
                    .collect();
                proptest::prop_assert_eq!(told.len(), 1);
                proptest::prop_assert_eq!(&told[0].releases, &want);
            }
        }
    }
}
