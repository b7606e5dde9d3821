//! The four report formats: text for people, JSON, GitHub workflow commands and SARIF 2.1.0.

use std::fmt::Write as _;

use serde::Serialize;

use super::{Finding, Severity, Summary, summarize};
use crate::values::{Origin, Sources};

/// Output formats of `validate --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Github,
    Sarif,
}

/// One release a run read: what defined it, and how its name, namespace and values were found.
/// The `inputs` of a JSON report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct InputEntry {
    /// The file that defines it (the first values file for plain values).
    pub file: String,
    /// `values`, `argocd-application`, `argocd-applicationset`, `flux-helmrelease`,
    /// `kustomize-helmchart`, `helmfile-release` or `terraform-helm-release`.
    pub kind: &'static str,
    pub release: String,
    pub namespace: String,
    /// The chart as the wrapper names it.
    pub chart: Option<String>,
    /// The chart version as the wrapper writes it.
    pub chart_version: Option<String>,
    /// The chart version the rules were checked against.
    pub checked_as: String,
    /// Where the values came from, in merge order (`file:line`, or a flag).
    pub values_from: Vec<String>,
    /// Where the release is defined (`file:line:col`).
    #[serde(skip)]
    pub at: String,
    /// How the release name and namespace were derived, for `-v`.
    #[serde(skip)]
    pub derived: Vec<String>,
}

/// Renders findings in a format; `color` only affects text. `inputs` are the releases read (in
/// the JSON report's `inputs`).
pub fn report(
    findings: &[Finding],
    sources: &Sources,
    inputs: &[InputEntry],
    format: Format,
    color: bool,
) -> String {
    match format {
        Format::Text => text(findings, sources, color),
        Format::Json => json(findings, sources, inputs),
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

/// Whether a character is escaped in text for people: control characters (an escape sequence
/// could repaint the terminal, a line feed forge a `::error` line in a CI log) and the Unicode
/// marks that reorder text on screen (bidirectional overrides and isolates). Tabs stay.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Text as it may be printed for people: each character of [`needs_escape`] written as
/// `\u{1b}`. Text output, `-v` lines and error messages go through it; JSON and SARIF escape by
/// their own rules.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One finding as people read it: `file:line:col: severity[rule]: message`, the line with a caret,
/// the help. What came from the input is [`printable`].
pub fn text_one(f: &Finding, sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    let sev = match f.severity() {
        Severity::Error => paint(color, "1;31", "error"),
        Severity::Warning => paint(color, "1;33", "warning"),
        Severity::Info => paint(color, "1;36", "info"),
    };
    let origin = f.primary();
    let _ = writeln!(
        out,
        "{}: {sev}[{}]: {}",
        printable(&sources.describe(origin)),
        f.rule.id(),
        printable(&f.message)
    );
    if let (
        Some(line),
        Origin::File {
            line: ln, column, ..
        },
    ) = (sources.line_text(origin), origin)
    {
        let gutter = ln.to_string().len();
        let before: String = line
            .chars()
            .take(column.saturating_sub(1) as usize)
            .collect();
        let caret_pad: String = printable(&before)
            .chars()
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        let line = printable(line);
        let _ = writeln!(out, "{:>gutter$} | {line}", ln);
        let _ = writeln!(
            out,
            "{:>gutter$} | {caret_pad}{}",
            "",
            paint(color, "1;31", "^")
        );
    }
    if !f.path.0.is_empty() {
        let _ = writeln!(out, "  = value: {}", printable(&f.path.to_string()));
    }
    if let Some(releases) = releases_said(f) {
        let _ = writeln!(out, "  = {}", printable(&releases));
    }
    if !f.help.is_empty() {
        let _ = writeln!(out, "  = help: {}", printable(&f.help));
    }
    out
}

/// `release: a` or `releases: a, b`, for a finding of inputs that define several releases.
fn releases_said(f: &Finding) -> Option<String> {
    match f.releases.as_slice() {
        [] => None,
        [one] => Some(format!("release: {one}")),
        all => Some(format!("releases: {}", all.join(", "))),
    }
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
    /// Where the inputs define several releases, the ones the finding holds for.
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    releases: &'a [String],
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

fn json(findings: &[Finding], sources: &Sources, inputs: &[InputEntry]) -> String {
    let list: Vec<JsonFinding> = findings
        .iter()
        .map(|f| {
            let (file, line, column) = file_pos(sources, f.primary());
            JsonFinding {
                rule: f.rule.id(),
                severity: f.severity(),
                message: &f.message,
                help: &f.help,
                file,
                line,
                column,
                source: sources.describe(f.primary()),
                path: f.path.to_string(),
                releases: &f.releases,
            }
        })
        .collect();
    let doc =
        serde_json::json!({ "findings": list, "summary": summarize(findings), "inputs": inputs });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A workflow command's data: `%`, CR and LF as GitHub reads them back; other control characters
/// (an escape sequence in a log) as [`printable`] writes them.
fn gh_escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    printable(&s).into_owned()
}

fn gh_escape_prop(s: &str) -> String {
    gh_escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(findings: &[Finding], sources: &Sources) -> String {
    let mut out = String::new();
    for f in findings {
        let level = match f.severity() {
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
        props.push(format!("title={}", gh_escape_prop(f.rule.id())));
        let mut msg = f.message.clone();
        if file.is_none() {
            let _ = write!(msg, " (from {})", sources.describe(f.primary()));
        }
        if let Some(releases) = releases_said(f) {
            let _ = write!(msg, " ({releases})");
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
    let mut rules_seen: Vec<super::Rule> = findings.iter().map(|f| f.rule).collect();
    rules_seen.sort_unstable();
    rules_seen.dedup();
    let rules: Vec<_> = rules_seen
        .iter()
        .map(|r| {
            let info = r.info();
            json!({
                "id": info.id,
                "shortDescription": { "text": info.summary },
                "help": { "text": info.help },
                "defaultConfiguration": { "level": sarif_level(info.severity) },
            })
        })
        .collect();
    let results: Vec<_> = findings
        .iter()
        .map(|f| {
            let mut r = json!({
                "ruleId": f.rule.id(),
                "ruleIndex": rules_seen.iter().position(|r| *r == f.rule).unwrap_or(0),
                "level": sarif_level(f.severity()),
                "message": { "text": format!("{}\nhelp: {}", f.message, f.help) },
            });
            let (file, line, column) = file_pos(sources, f.primary());
            let location = match (file, line, column) {
                (Some(file), Some(line), Some(col)) => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri_reference(file) },
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
            if !f.releases.is_empty() {
                r["properties"] = json!({ "releases": f.releases });
            }
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

/// A file name as SARIF's `artifactLocation.uri` wants it, a URI reference (RFC 3986): a relative
/// path stays relative, an absolute one becomes a `file://` URI; every byte outside the unreserved
/// characters and `/` is percent-encoded (`my values.yaml` is `my%20values.yaml`).
pub fn uri_reference(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => {
                let _ = write!(out, "%{b:02X}");
            }
        }
    }
    out
}

fn sarif_level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_and_reordering_marks_are_escaped() {
        assert_eq!(
            printable("plain `text`\twith tab"),
            "plain `text`\twith tab"
        );
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("x\n::error::forged"), "x\\u{a}::error::forged");
        assert_eq!(printable("r\rs\u{7f}\u{9b}"), "r\\u{d}s\\u{7f}\\u{9b}");
        assert_eq!(printable("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
    }

    #[test]
    fn sarif_uris_are_uri_references() {
        assert_eq!(uri_reference("values.yaml"), "values.yaml");
        assert_eq!(
            uri_reference("my values/v#1.yaml"),
            "my%20values/v%231.yaml"
        );
        assert_eq!(
            uri_reference("/etc/airbyte/v.yaml"),
            "file:///etc/airbyte/v.yaml"
        );
        assert_eq!(uri_reference("<stdin>"), "%3Cstdin%3E");
        assert_eq!(uri_reference("é.yaml"), "%C3%A9.yaml");
    }
}
