//! Why an input cannot be used at all: exit code 2, in every output format, at its file, line and
//! column where they are known.

use std::fmt;

/// What kind of problem stops an input. Each kind is a rule id in reports (`input-KIND`), so a CI
/// job that asked for JSON or SARIF gets a report, not an empty file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum InputErrorKind {
    /// The file cannot be read: missing, a directory, no permission, standard input closed.
    Unreadable,
    /// The text is not valid YAML, JSON or HCL (or not UTF-8 text at all).
    Syntax,
    /// An explicit limit was exceeded; the message names the flag that raises it.
    Limit,
    /// A template (helmfile `.gotmpl`, `{{ }}`, a Pulumi program): render it first.
    Templated,
    /// Readable, but not something this tool can use here (a list where values belong, an empty
    /// file, a key given twice where the tool reads it, a `--set` it cannot parse).
    Invalid,
}

impl InputErrorKind {
    /// The rule id reports give it.
    pub fn rule_id(self) -> &'static str {
        match self {
            InputErrorKind::Unreadable => "input-unreadable",
            InputErrorKind::Syntax => "input-syntax",
            InputErrorKind::Limit => "input-limit",
            InputErrorKind::Templated => "input-templated",
            InputErrorKind::Invalid => "input-invalid",
        }
    }
}

/// An input that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    pub kind: InputErrorKind,
    /// The input as the user named it (`<stdin>` for `-`), or a flag and its argument.
    pub source: String,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub message: String,
}

impl InputError {
    /// An error about the whole input `source`.
    pub fn new(
        kind: InputErrorKind,
        source: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        InputError {
            kind,
            source: source.into(),
            line: None,
            column: None,
            message: message.into(),
        }
    }

    /// The same error at a line and column of its source.
    pub fn at(mut self, line: Option<u32>, column: Option<u32>) -> Self {
        self.line = line;
        self.column = column.filter(|_| line.is_some());
        self
    }

    /// `file:line:col`, `file:line` or `file`, as messages print it.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (Some(l), Some(c)) => format!("{}:{l}:{c}", self.source),
            (Some(l), None) => format!("{}:{l}", self.source),
            _ => self.source.clone(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location(), self.message)
    }
}

impl std::error::Error for InputError {}
