//! Findings: what is wrong, where, and how to fix it; printed as text, JSON, GitHub annotations or SARIF.

use std::fmt::Write as _;

use serde::Serialize;

use crate::values::{Origin, Path, Sources};

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

/// One problem with the values, pinned to the value that caused it.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Stable kebab-case rule id, listed by `airbyte-ingress rules`.
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong, with values in backticks.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// The dotted values path of the value at fault (empty for the whole input).
    pub path: Path,
    /// Where the value at fault was written; further origins are related places.
    pub origins: Vec<Origin>,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        path: Path,
        origin: Origin,
        message: String,
        help: String,
    ) -> Self {
        // every id a finding carries is listed by `rules` and explained by `explain`
        debug_assert!(
            crate::rules::info(rule).is_some(),
            "rule `{rule}` is not registered"
        );
        Finding {
            rule,
            severity,
            message,
            help,
            path,
            origins: vec![origin],
        }
    }

    fn primary(&self) -> Origin {
        self.origins.first().copied().unwrap_or_default()
    }
}

/// Sorts findings by source position, then rule, so output is stable run to run.
pub fn sort(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        order_key(a.primary())
            .cmp(&order_key(b.primary()))
            .then(a.rule.cmp(b.rule))
            .then(a.path.cmp(&b.path))
    });
    findings.dedup();
}

fn order_key(o: Origin) -> (u8, u32, u32, u32) {
    match o {
        Origin::File { file, line, column } => (0, file, line, column),
        Origin::Arg { arg } => (1, arg, 0, 0),
        Origin::Default => (2, 0, 0, 0),
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
        match f.severity {
            Severity::Error => s.errors += 1,
            Severity::Warning => s.warnings += 1,
            Severity::Info => s.infos += 1,
        }
    }
    s
}

/// Output formats of `validate --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
}

/// Renders findings in a format; `color` only affects text.
pub fn report(findings: &[Finding], sources: &Sources, format: Format, color: bool) -> String {
    match format {
        Format::Text => text(findings, sources, color),
        Format::Json => json(findings, sources),
        Format::Github => github(findings, sources),
        Format::Sarif => sarif(findings, sources),
    }
}

fn paint(color: bool, code: &str, s: &str) -> String {
    if color {
        format!("\x1b[{code}m{s}\x1b[0m")
    } else {
        s.to_string()
    }
}

/// One finding as people read it: `file:line:col: severity[rule]: message`, the line with a caret, the help.
pub fn text_one(f: &Finding, sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    let sev = match f.severity {
        Severity::Error => paint(color, "1;31", "error"),
        Severity::Warning => paint(color, "1;33", "warning"),
        Severity::Info => paint(color, "1;36", "info"),
    };
    let origin = f.primary();
    let _ = writeln!(
        out,
        "{}: {sev}[{}]: {}",
        sources.describe(origin),
        f.rule,
        f.message
    );
    if let (
        Some(line),
        Origin::File {
            line: ln, column, ..
        },
    ) = (sources.line_text(origin), origin)
    {
        let gutter = ln.to_string().len();
        let caret_pad: String = line
            .chars()
            .take(column.saturating_sub(1) as usize)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let _ = writeln!(out, "{:>gutter$} | {line}", ln);
        let _ = writeln!(
            out,
            "{:>gutter$} | {caret_pad}{}",
            "",
            paint(color, "1;31", "^")
        );
    }
    if !f.path.0.is_empty() {
        let _ = writeln!(out, "  = value: {}", f.path);
    }
    if !f.help.is_empty() {
        let _ = writeln!(out, "  = help: {}", f.help);
    }
    out
}

fn text(findings: &[Finding], sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&text_one(f, sources, color));
    }
    let s = summarize(findings);
    let _ = writeln!(out, "{}", summary_line(s));
    out
}

/// `2 errors, 1 warning, 0 infos`, or `no findings`.
pub fn summary_line(s: Summary) -> String {
    if s == Summary::default() {
        return "no findings".to_string();
    }
    let plural = |n: usize, w: &str| {
        if n == 1 {
            format!("{n} {w}")
        } else {
            format!("{n} {w}s")
        }
    };
    format!(
        "{}, {}, {}",
        plural(s.errors, "error"),
        plural(s.warnings, "warning"),
        plural(s.infos, "info")
    )
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: &'a str,
    /// The values file that supplied the value, or null when it came from a flag or the defaults.
    file: Option<&'a str>,
    line: Option<u32>,
    column: Option<u32>,
    /// `file:line:col`, or the `--set*` flag and argument.
    source: String,
    path: String,
}

fn file_pos(sources: &Sources, o: Origin) -> (Option<&str>, Option<u32>, Option<u32>) {
    match o {
        Origin::File { file, line, column } => (
            sources.files.get(file as usize).map(|f| f.name.as_str()),
            Some(line),
            Some(column),
        ),
        _ => (None, None, None),
    }
}

fn json(findings: &[Finding], sources: &Sources) -> String {
    let list: Vec<JsonFinding> = findings
        .iter()
        .map(|f| {
            let (file, line, column) = file_pos(sources, f.primary());
            JsonFinding {
                rule: f.rule,
                severity: f.severity,
                message: &f.message,
                help: &f.help,
                file,
                line,
                column,
                source: sources.describe(f.primary()),
                path: f.path.to_string(),
            }
        })
        .collect();
    let doc = serde_json::json!({ "findings": list, "summary": summarize(findings) });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn gh_escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(findings: &[Finding], sources: &Sources) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let (file, line, column) = file_pos(sources, f.primary());
        let mut props = Vec::new();
        if let (Some(file), Some(line), Some(col)) = (file, line, column) {
            props.push(format!("file={}", gh_escape_prop(file)));
            props.push(format!("line={line}"));
            props.push(format!("col={col}"));
        }
        props.push(format!("title={}", gh_escape_prop(f.rule)));
        let mut msg = f.message.clone();
        if file.is_none() {
            let _ = write!(msg, " (from {})", sources.describe(f.primary()));
        }
        if !f.help.is_empty() {
            let _ = write!(msg, "\nhelp: {}", f.help);
        }
        let _ = writeln!(
            out,
            "::{level} {}::{}",
            props.join(","),
            gh_escape_data(&msg)
        );
    }
    out
}

fn sarif(findings: &[Finding], sources: &Sources) -> String {
    use serde_json::json;
    let mut rule_ids: Vec<&str> = findings.iter().map(|f| f.rule).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<_> = rule_ids
        .iter()
        .map(|id| {
            let info = crate::rules::info(id);
            json!({
                "id": id,
                "shortDescription": { "text": info.map_or("", |i| i.summary) },
                "help": { "text": info.map_or("", |i| i.help) },
                "defaultConfiguration": { "level": sarif_level(info.map_or(Severity::Error, |i| i.severity)) },
            })
        })
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            let mut r = json!({
                "ruleId": f.rule,
                "ruleIndex": rule_ids.iter().position(|r| *r == f.rule).unwrap_or(0),
                "level": sarif_level(f.severity),
                "message": { "text": format!("{}\nhelp: {}", f.message, f.help) },
            });
            let (file, line, column) = file_pos(sources, f.primary());
            let location = match (file, line, column) {
                (Some(file), Some(line), Some(col)) => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": file },
                        "region": { "startLine": line, "startColumn": col },
                    },
                    "logicalLocations": [{ "fullyQualifiedName": f.path.to_string(), "kind": "member" }],
                }),
                _ => json!({
                    "logicalLocations": [{ "fullyQualifiedName": f.path.to_string(), "kind": "member" }],
                    "message": { "text": format!("from {}", sources.describe(f.primary())) },
                }),
            };
            r["locations"] = json!([location]);
            r
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "airbyte-ingress",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
