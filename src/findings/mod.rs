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

/// Sorts findings by source position, then rule, so output is stable run to run; drops repeats.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        order_key(a.primary())
            .cmp(&order_key(b.primary()))
            .then(a.rule.cmp(&b.rule))
            .then(a.path.cmp(&b.path))
            .then(a.message.cmp(&b.message))
    });
    findings.dedup();
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
}
