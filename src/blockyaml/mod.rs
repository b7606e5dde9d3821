//! A fast reader for the plain block-style YAML that most values files and every rendered manifest
//! are written in: block mappings and lists, plain and quoted one-line scalars (also on the line
//! below their key), one-line flow lists of scalars (`["*"]`), literal block scalars (`|`, `|-`,
//! `|+`), comments.
//!
//! It reads in one pass over the lines and **declines** (returns `None`) whatever lies outside that
//! subset or could be read two ways: anchors, aliases, tags, flow maps other than `{}` and flow
//! lists of anything but scalars or over several lines, folded and multi-line scalars, several
//! documents, tabs, duplicate keys, and any plain scalar whose type YAML 1.1 (Helm) and YAML 1.2
//! might disagree on (`yes`, `0755`, `1e3`, `2026-11-30`, ...).
//! Callers then use the full parser, which also words every error. What it accepts it reads
//! exactly as the full parser does, values and positions alike: tests and a fuzz target compare
//! the two on every fixture and on generated documents.
//!
//! The full parser costs about 10,000 instructions a line; this one about a tenth of that, tree
//! included, which is what makes a values file with thousands of hosts, and the parse-back of its
//! rendered Ingress, cheap.

use std::borrow::Cow;

/// What the reader builds: a values tree with positions, or a tree that borrows the text. Strings
/// borrow from the text unless an escape made them new.
pub trait Sink<'a> {
    type Out;
    fn null(&mut self, at: (u32, u32)) -> Self::Out;
    fn bool(&mut self, b: bool, at: (u32, u32)) -> Self::Out;
    fn int(&mut self, i: i64, at: (u32, u32)) -> Self::Out;
    fn str(&mut self, s: Cow<'a, str>, at: (u32, u32)) -> Self::Out;
    fn seq(&mut self, items: Vec<Self::Out>, at: (u32, u32)) -> Self::Out;
    /// A mapping entry as the sink keeps it, built once, as it is read.
    type Entry;
    /// The entry for `key`, written at `at` (line, column), holding `value`.
    fn entry(&mut self, key: Cow<'a, str>, at: (u32, u32), value: Self::Out) -> Self::Entry;
    /// `None` when a key repeats: the full parser words that error.
    fn map(&mut self, entries: Vec<Self::Entry>, at: (u32, u32)) -> Option<Self::Out>;
}

/// A sink that builds nothing: it reads a document only to know that it is well formed (every
/// mapping's keys distinct), for documents whose content nobody will look at.
#[derive(Debug)]
pub struct SkimSink;

impl<'a> Sink<'a> for SkimSink {
    type Out = ();
    type Entry = Cow<'a, str>;
    fn null(&mut self, _: (u32, u32)) {}
    fn bool(&mut self, _: bool, _: (u32, u32)) {}
    fn int(&mut self, _: i64, _: (u32, u32)) {}
    fn str(&mut self, _: Cow<'a, str>, _: (u32, u32)) {}
    fn seq(&mut self, _: Vec<()>, _: (u32, u32)) {}
    fn entry(&mut self, key: Cow<'a, str>, _: (u32, u32), _: ()) -> Cow<'a, str> {
        key
    }
    fn map(&mut self, mut entries: Vec<Cow<'a, str>>, _: (u32, u32)) -> Option<()> {
        entries.sort_unstable();
        entries.windows(2).all(|w| w[0] != w[1]).then_some(())
    }
}

/// Limits the reader honours by declining: the full parser reports them by name.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    pub max_depth: usize,
    pub max_nodes: usize,
}

/// Reads `text` (one document, BOM already removed) into `sink`'s tree, or declines.
pub fn read<'a, S: Sink<'a>>(text: &'a str, bounds: Bounds, sink: &mut S) -> Option<S::Out> {
    read_from(text, 0, bounds, sink)
}

/// As [`read`], for a document that starts after `lines_before` lines of its stream: every
/// position is the stream's.
pub fn read_from<'a, S: Sink<'a>>(
    text: &'a str,
    lines_before: usize,
    bounds: Bounds,
    sink: &mut S,
) -> Option<S::Out> {
    let mut lines = Lines {
        text,
        next: 0,
        no: lines_before,
        content_seen: false,
        marker_seen: false,
    };
    let first = lines.next_line()??;
    let indent = first.indent;
    let mut r = Reader {
        line: Some(first),
        lines,
        items: Vec::new(),
        entries: Vec::new(),
        nodes: 0,
        bounds,
        sink,
    };
    let root = r.block(indent, 1)?;
    // every line read: a line the blocks did not take would be an error, the full parser's
    r.line.is_none().then_some(root)
}

/// The lines with content, one at a time, so that no list of them is built.
struct Lines<'a> {
    text: &'a str,
    /// Byte offset of the next line.
    next: usize,
    /// Number of the last line taken, 1-based.
    no: usize,
    content_seen: bool,
    marker_seen: bool,
}

impl<'a> Lines<'a> {
    /// The next line with content, `Some(None)` at the end; `None` declines.
    fn next_line(&mut self) -> Option<Option<Line<'a>>> {
        let bytes = self.text.as_bytes();
        while self.next <= bytes.len() {
            // one pass a line: its end, and whether it holds anything but printable ASCII. YAML
            // refuses control characters even in comments, 1.1 also breaks lines at NEL, LS and
            // PS, and tabs and carriage returns change how lines indent and end: the full
            // parser's
            let from = self.next;
            let (end, ascii) = line_end(bytes, from)?;
            self.next = end + 1;
            self.no += 1;
            let raw = &self.text[from..end];
            if !ascii && raw.chars().any(unusual_char) {
                return None;
            }
            let indent = raw.bytes().take_while(|&b| b == b' ').count();
            if matches!(raw.as_bytes().get(indent), None | Some(b'#')) {
                continue;
            }
            if matches!(raw.as_bytes()[0], b'-' | b'.' | b'%')
                && (raw.starts_with("---") || raw.starts_with("...") || raw.starts_with('%'))
            {
                // one `---` before any content starts the only document; any other marker or
                // directive means several documents or more than this reader takes
                if raw.trim_end_matches(' ') == "---" && !self.content_seen && !self.marker_seen {
                    self.marker_seen = true;
                    continue;
                }
                return None;
            }
            self.content_seen = true;
            return Some(Some(Line {
                no: u32::try_from(self.no).ok()?,
                indent,
                raw,
                ascii,
            }));
        }
        Some(None)
    }
}

/// Where the line starting at byte `from` ends (its `\n` or the end of the text), and whether it
/// is all ASCII; `None` at a control character. Eight bytes at a time: a word's first byte below
/// 0x20 (the line break among them), equal to 0x7f or from 0x80 is found from its bit mask.
fn line_end(bytes: &[u8], from: usize) -> Option<(usize, bool)> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    let mut ascii = true;
    while let Some(word) = bytes.get(at..at + 8) {
        let w = u64::from_le_bytes(word.try_into().ok()?);
        // "is the byte below n" tests (n <= 128): below 0x20, equal to 0x7f, high bit. A test's
        // borrow can flag a byte above a flagged one, never below: the lowest flag is exact.
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let x = w ^ (ONES * 0x7f);
        let del = x.wrapping_sub(ONES) & !x & HIGH;
        let flags = control | del | (w & HIGH);
        if flags == 0 {
            at += 8;
            continue;
        }
        let i = (flags.trailing_zeros() / 8) as usize;
        match word[i] {
            b'\n' => return Some((at + i, ascii)),
            b if b < 0x80 => return None,
            _ => {
                ascii = false;
                at += i + 1;
            }
        }
    }
    for (i, &b) in bytes[at..].iter().enumerate() {
        if b == b'\n' {
            return Some((at + i, ascii));
        }
        if b < 0x20 || b == 0x7f {
            return None;
        }
        ascii &= b < 0x80;
    }
    Some((bytes.len(), ascii))
}

/// Characters with a meaning of their own to YAML 1.1 (line breaks, BOM) or that it refuses.
fn unusual_char(c: char) -> bool {
    matches!(
        c,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{FEFF}' | '\u{FFFE}' | '\u{FFFF}'
    ) || (c.is_control() && c != '\n')
}

struct Line<'a> {
    no: u32,
    /// Byte offset of the content still to read: the indentation, moved right past the dash of
    /// `- key: value`, whose keys line up there.
    indent: usize,
    raw: &'a str,
    /// Columns are byte offsets (the indentation is spaces).
    ascii: bool,
}

impl<'a> Line<'a> {
    fn body(&self) -> &'a str {
        &self.raw[self.indent..]
    }
    fn column(&self, byte: usize) -> u32 {
        let col = if self.ascii {
            byte
        } else {
            self.raw[..byte].chars().count()
        };
        u32::try_from(col + 1).unwrap_or(u32::MAX)
    }
    fn is_dash(&self) -> bool {
        let b = self.body();
        b == "-" || b.starts_with("- ")
    }
}

struct Reader<'a, 's, S: Sink<'a>> {
    /// The line being read; `None` past the last.
    line: Option<Line<'a>>,
    lines: Lines<'a>,
    /// The items and entries of the lists and maps being read, innermost last: each list or map
    /// takes its own off the top at its end, in one allocation of exactly their number.
    items: Vec<S::Out>,
    entries: Vec<S::Entry>,
    nodes: usize,
    bounds: Bounds,
    sink: &'s mut S,
}

impl<'a, S: Sink<'a>> Reader<'a, '_, S> {
    /// Moves to the next line; `None` declines.
    fn advance(&mut self) -> Option<()> {
        self.line = self.lines.next_line()?;
        Some(())
    }

    fn count(&mut self, depth: usize) -> Option<()> {
        self.nodes += 1;
        (self.nodes < self.bounds.max_nodes && depth < self.bounds.max_depth).then_some(())
    }

    /// The block whose first line is the current one, at `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<S::Out> {
        if self.line.as_ref()?.is_dash() {
            self.seq(indent, depth, false)
        } else {
            self.map(indent, depth)
        }
    }

    /// A list; `flush` when it sits at its key's own indentation (`key:` then `- item`), where
    /// the full parser places the list at its first item's content, not at the dash.
    fn seq(&mut self, indent: usize, depth: usize, flush: bool) -> Option<S::Out> {
        self.count(depth)?;
        let first = self.line.as_ref()?;
        let at = if flush {
            let after = &first.raw[first.indent + 1..];
            let gap = after.len() - after.trim_start_matches(' ').len();
            (first.no, first.column(first.indent + 1 + gap))
        } else {
            (first.no, first.column(first.indent))
        };
        let base = self.items.len();
        while let Some(line) = &self.line {
            if line.indent != indent || !line.is_dash() {
                break;
            }
            let after = &line.raw[line.indent + 1..];
            let gap = after.len() - after.trim_start_matches(' ').len();
            let rest_at = line.indent + 1 + gap;
            let rest = &line.raw[rest_at..];
            if rest.starts_with('#') {
                return None; // where the full parser places that item is not worth guessing
            }
            if rest.is_empty() {
                // the full parser places an empty item at the end of its line
                let dash_end = (line.no, line.column(line.raw.len()));
                self.advance()?;
                let item = self.value_below(indent, false, dash_end, depth + 1)?;
                self.items.push(item);
            } else if rest == "-" || rest.starts_with("- ") {
                return None; // a list directly inside a list item
            } else if key_end(rest).is_some() {
                // `- key: value`: a mapping whose keys line up after the dash
                self.line.as_mut()?.indent = rest_at;
                let item = self.map(rest_at, depth + 1)?;
                self.items.push(item);
            } else {
                let v = self.scalar(rest_at, depth + 1)?;
                self.advance()?;
                self.no_continuation(indent)?;
                self.items.push(v);
            }
        }
        let items = self.items.drain(base..).collect();
        Some(self.sink.seq(items, at))
    }

    fn map(&mut self, indent: usize, depth: usize) -> Option<S::Out> {
        self.count(depth)?;
        let first = self.line.as_ref()?;
        let at = (first.no, first.column(first.indent));
        let base = self.entries.len();
        while let Some(line) = &self.line {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let body = line.body();
            let (key, key_len) = key_end(body)?;
            let key_at = (line.no, line.column(line.indent));
            let after = &body[key_len + 1..];
            let gap = after.len() - after.trim_start_matches(' ').len();
            let rest_at = line.indent + key_len + 1 + gap;
            let rest = &line.raw[rest_at..];
            let value = if rest.is_empty() || rest.starts_with('#') {
                let colon = (line.no, line.column(line.indent + key_len));
                self.advance()?;
                self.value_below(indent, true, colon, depth + 1)?
            } else if rest.starts_with('|') {
                self.literal(indent, rest_at, depth + 1)?
            } else {
                let v = self.scalar(rest_at, depth + 1)?;
                self.advance()?;
                self.no_continuation(indent)?;
                v
            };
            let entry = self.sink.entry(key, key_at, value);
            self.entries.push(entry);
        }
        let entries = self.entries.drain(base..).collect();
        self.sink.map(entries, at)
    }

    /// The value of a `key:` or `-` with nothing after it: the block below, a list at the key's
    /// own indentation (`key:` then `- item`), or null.
    fn value_below(
        &mut self,
        indent: usize,
        in_map: bool,
        empty_at: (u32, u32),
        depth: usize,
    ) -> Option<S::Out> {
        match &self.line {
            // a one-line value written on the line below its key (`annotations:` then `{}`)
            Some(next)
                if in_map
                    && next.indent > indent
                    && !next.is_dash()
                    && key_end(next.body()).is_none() =>
            {
                let from = next.indent;
                let v = self.scalar(from, depth)?;
                self.advance()?;
                self.no_continuation(indent)?;
                Some(v)
            }
            Some(next) if next.indent > indent => self.block(next.indent, depth),
            Some(next) if in_map && next.indent == indent && next.is_dash() => {
                self.seq(indent, depth, true)
            }
            _ => {
                self.count(depth)?;
                Some(self.sink.null(empty_at))
            }
        }
    }

    /// A literal block scalar (`key: |`, `|-`, `|+`) whose indicator is at byte `from` of the
    /// current line, under a key at `indent`: its lines read raw (comments and blank lines are
    /// its text), up to the first line indented less than its content. An indentation indicator,
    /// an empty scalar, or a blank line holding more spaces than the content's indentation is
    /// the full parser's.
    fn literal(&mut self, indent: usize, from: usize, depth: usize) -> Option<S::Out> {
        self.count(depth)?;
        let line = self.line.as_ref()?;
        let header = &line.raw[from + 1..];
        let (chomp, rest) = match header.as_bytes().first() {
            Some(b'-') => (Chomp::Strip, &header[1..]),
            Some(b'+') => (Chomp::Keep, &header[1..]),
            _ => (Chomp::Clip, header),
        };
        let after = rest.trim_start_matches(' ');
        if !(after.is_empty() || (after.starts_with('#') && after.len() < rest.len())) {
            return None;
        }
        let text = self.lines.text;
        let bytes = text.as_bytes();
        let mut next = self.lines.next;
        let mut no = self.lines.no;
        let mut content_indent: Option<usize> = None;
        let mut at = (0, 0);
        let mut out = String::new();
        // line breaks of blank lines not yet known to be inside the text (trailing ones)
        let mut pending = 0usize;
        while next <= bytes.len() {
            let (end, _) = line_end(bytes, next)?;
            let raw = &text[next..end];
            if raw.chars().any(unusual_char) {
                return None;
            }
            let spaces = raw.bytes().take_while(|&b| b == b' ').count();
            let blank = spaces == raw.len();
            if blank {
                // a blank line with more spaces than the text's indentation holds text (spaces)
                // of its own, and before the first line it is an error: the full parser's
                if content_indent.is_none_or(|n| spaces > n) && spaces > indent {
                    return None;
                }
                if end == bytes.len() {
                    break; // the text's end, not a line
                }
                pending += 1;
                next = end + 1;
                no += 1;
                continue;
            }
            let n = match content_indent {
                Some(n) => n,
                None if spaces > indent => {
                    // the full parser places the scalar where its text begins
                    at = (u32::try_from(no + 1).ok()?, u32::try_from(spaces + 1).ok()?);
                    content_indent = Some(spaces);
                    spaces
                }
                None => return None, // an empty scalar
            };
            if spaces < n {
                break;
            }
            for _ in 0..pending {
                out.push('\n');
            }
            pending = 0;
            out.push_str(&raw[n..]);
            out.push('\n');
            if end == bytes.len() {
                next = end + 1;
                no += 1;
                break;
            }
            next = end + 1;
            no += 1;
        }
        content_indent?;
        match chomp {
            Chomp::Clip => {}
            Chomp::Strip => {
                out.pop();
            }
            Chomp::Keep => out.extend(std::iter::repeat_n('\n', pending)),
        }
        // the lines below the scalar: back to the reader's own line scan, from the line that
        // ended it (the blank lines before that line are the scan's to skip, and were counted)
        self.lines.next = next;
        self.lines.no = no;
        self.advance()?;
        Some(self.sink.str(Cow::Owned(out), at))
    }

    /// After a scalar on its own line, a deeper line would continue it (a multi-line scalar) or
    /// be an error: both are the full parser's.
    fn no_continuation(&self, indent: usize) -> Option<()> {
        match &self.line {
            Some(next) if next.indent > indent => None,
            _ => Some(()),
        }
    }

    /// The scalar (or `[]`, `{}`) that starts at byte `from` of the current line.
    fn scalar(&mut self, from: usize, depth: usize) -> Option<S::Out> {
        self.count(depth)?;
        let line = self.line.as_ref()?;
        let at = (line.no, line.column(from));
        let value = read_scalar(&line.raw[from..])?;
        Some(match value {
            Scalar::Null => self.sink.null(at),
            Scalar::Bool(b) => self.sink.bool(b, at),
            Scalar::Int(i) => self.sink.int(i, at),
            Scalar::Str(s) => self.sink.str(s, at),
            Scalar::Seq(items) => {
                let line = self.line.as_ref()?;
                let places: Vec<(u32, u32)> = items
                    .iter()
                    .map(|(_, offset)| (line.no, line.column(from + offset)))
                    .collect();
                let mut out = Vec::with_capacity(items.len());
                for ((item, _), at) in items.into_iter().zip(places) {
                    self.count(depth + 1)?;
                    out.push(match item {
                        Scalar::Null => self.sink.null(at),
                        Scalar::Bool(b) => self.sink.bool(b, at),
                        Scalar::Int(i) => self.sink.int(i, at),
                        Scalar::Str(s) => self.sink.str(s, at),
                        Scalar::Seq(_) | Scalar::Map => return None,
                    });
                }
                self.sink.seq(out, at)
            }
            Scalar::Map => self.sink.map(Vec::new(), at)?,
        })
    }
}

/// How a block scalar ends: its last line break kept (clip), dropped (strip), or every trailing
/// line break kept.
#[derive(Clone, Copy)]
enum Chomp {
    Clip,
    Strip,
    Keep,
}

/// A scalar that fills the rest of a line (a comment may follow it).
fn read_scalar(text: &str) -> Option<Scalar<'_>> {
    let (value, rest) = if let Some(q) = text.strip_prefix('"') {
        let (s, used) = double_quoted(q)?;
        (Scalar::Str(s), &q[used..])
    } else if let Some(q) = text.strip_prefix('\'') {
        let (s, used) = single_quoted(q)?;
        (Scalar::Str(s), &q[used..])
    } else if let Some(rest) = text.strip_prefix("[]") {
        (Scalar::Seq(Vec::new()), rest)
    } else if text.starts_with('[') {
        let (items, used) = flow_seq(text)?;
        (Scalar::Seq(items), &text[used..])
    } else if let Some(rest) = text.strip_prefix("{}") {
        (Scalar::Map, rest)
    } else {
        let end = find_pair(text, b' ', b'#').unwrap_or(text.len());
        let plain = text[..end].trim_end_matches(' ');
        (resolve_plain(plain)?, &text[end..])
    };
    let trimmed = rest.trim_start_matches(' ');
    let ok = trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len());
    ok.then_some(value)
}

enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    Str(Cow<'a, str>),
    /// `[]`, or a one-line flow list of scalars, each with its byte offset in the text.
    Seq(Vec<(Scalar<'a>, usize)>),
    /// `{}`.
    Map,
}

/// A flow list of scalars on one line, `[a, "b", 'c']` (spaces around items and after `[` are
/// the writer's): its items with their byte offsets, and the bytes used through `]`. Anything
/// else a flow list may hold (nested collections, `key: value` pairs, empty items, a trailing
/// comma, a plain item with a flow indicator) is the full parser's.
fn flow_seq(text: &str) -> Option<(Vec<(Scalar<'_>, usize)>, usize)> {
    let bytes = text.as_bytes();
    let mut at = 1;
    let skip = |at: &mut usize| {
        while bytes.get(*at) == Some(&b' ') {
            *at += 1;
        }
    };
    let mut items = Vec::new();
    skip(&mut at);
    loop {
        let start = at;
        let item = match bytes.get(at)? {
            b'"' => {
                let (s, used) = double_quoted(&text[at + 1..])?;
                at += 1 + used;
                Scalar::Str(s)
            }
            b'\'' => {
                let (s, used) = single_quoted(&text[at + 1..])?;
                at += 1 + used;
                Scalar::Str(s)
            }
            _ => {
                let len = bytes[at..].iter().position(|&b| matches!(b, b',' | b']'))?;
                let plain = text[at..at + len].trim_end_matches(' ');
                if plain.is_empty()
                    || plain.bytes().any(|b| {
                        matches!(b, b'[' | b']' | b'{' | b'}' | b'#' | b'"' | b'\'' | b':')
                    })
                {
                    return None;
                }
                at += plain.len();
                match resolve_plain(plain)? {
                    v @ (Scalar::Null | Scalar::Bool(_) | Scalar::Int(_) | Scalar::Str(_)) => v,
                    Scalar::Seq(_) | Scalar::Map => return None,
                }
            }
        };
        items.push((item, start));
        skip(&mut at);
        match bytes.get(at)? {
            b']' => return Some((items, at + 1)),
            b',' => {
                at += 1;
                skip(&mut at);
                if matches!(bytes.get(at), Some(b']') | Some(b',') | None) {
                    return None; // a trailing comma or an empty item
                }
            }
            _ => return None,
        }
    }
}

/// The key of a `key: value` line and its length in bytes (the `:` follows it), or `None` when the
/// line is not one this reader takes as a key line.
fn key_end(body: &str) -> Option<(Cow<'_, str>, usize)> {
    let (key, len) = if let Some(q) = body.strip_prefix('"') {
        let (s, used) = double_quoted(q)?;
        (s, used + 1)
    } else if let Some(q) = body.strip_prefix('\'') {
        let (s, used) = single_quoted(q)?;
        (s, used + 1)
    } else {
        let bytes = body.as_bytes();
        if !bytes
            .first()
            .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        {
            return None;
        }
        let len = bytes.iter().position(|&b| !KEY_BYTE[usize::from(b)])?;
        let key = &body[..len];
        if bytes[len] != b':' || is_special_word(key) {
            return None;
        }
        (key.into(), len)
    };
    let after = &body[len..];
    (after == ":" || after.starts_with(": ")).then_some((key, len))
}

/// Words YAML 1.1 or 1.2 may read as something other than a string (booleans, null, special
/// floats), in any case.
pub(crate) fn is_special_word(s: &str) -> bool {
    // by length: most keys and values are longer than any of the words
    let words: &[&str] = match s.len() {
        1 => &["y", "n"],
        2 => &["no", "on"],
        3 => &["yes", "off", "nan", "inf"],
        4 => &["true", "null"],
        5 => &["false"],
        8 => &["infinity"],
        _ => return false,
    };
    words.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// A plain scalar's value where YAML 1.1 and the full parser agree on it; `None` otherwise.
fn resolve_plain(s: &str) -> Option<Scalar<'_>> {
    let first = s.chars().next()?;
    Some(match s {
        "~" | "null" | "Null" | "NULL" => Scalar::Null,
        "true" | "True" | "TRUE" => Scalar::Bool(true),
        "false" | "False" | "FALSE" => Scalar::Bool(false),
        _ if is_special_word(s) => return None,
        _ if first.is_ascii_digit() || first == '-' => {
            let digits = s.strip_prefix('-').unwrap_or(s);
            if !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && (digits == "0" || !digits.starts_with('0'))
            {
                Scalar::Int(s.parse().ok()?)
            } else if first != '-' && dotted_digits(s) {
                // `10.96.0.12`, `1.2.3`: two dots make no number in either YAML
                Scalar::Str(s.into())
            } else if first != '-' && inner_dash_text(s) {
                // `6f1c0d2e-0000-4000-...` (a uid): no number or date form has a `-` there
                Scalar::Str(s.into())
            } else if first != '-'
                && s.chars().any(|c| {
                    !(c.is_ascii_hexdigit()
                        || matches!(c, '+' | '-' | '.' | '_' | ':' | 'x' | 'X' | 'o' | 'O'))
                })
                && find_pair(s, b':', b' ').is_none()
                && !s.ends_with(':')
            {
                // a character no number form has: text (`16m`, `600s`, `1h30m`)
                Scalar::Str(s.into())
            } else {
                return None;
            }
        }
        _ if first.is_alphanumeric() || matches!(first, '/' | '_' | '$' | '(' | '=' | '^') => {
            if find_pair(s, b':', b' ').is_some() || s.ends_with(':') {
                return None; // a key on a value's line: the full parser says what is wrong
            }
            Scalar::Str(s.into())
        }
        _ => return None,
    })
}

/// Digits and at least two dots, nothing else: an address or a version, text to every YAML.
fn dotted_digits(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && s.bytes().filter(|&b| b == b'.').count() >= 2
}

/// Whether a plain scalar that starts with a digit holds a `-` that no YAML 1.1 number or
/// timestamp could: after the first byte, not after an exponent's `e`, and not the `-` of a date's
/// four-digit year (`2026-11-30` is the full parser's to read).
fn inner_dash_text(s: &str) -> bool {
    let bytes = s.as_bytes();
    let Some(dash) = bytes.iter().skip(1).position(|&b| b == b'-').map(|i| i + 1) else {
        return false;
    };
    let year = dash == 4 && bytes[..4].iter().all(u8::is_ascii_digit);
    // `1.5e-3`: an exponent's sign, after a mantissa of digits (`6f1c0d2e-0000` is no number)
    let exponent = matches!(bytes[dash - 1], b'e' | b'E')
        && bytes[..dash - 1]
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'_'));
    !year
        && !exponent
        && find_pair(s, b':', b' ').is_none()
        && !s.ends_with(':')
        && !bytes.contains(&b'#')
}

/// A one-line double-quoted scalar after its opening quote: the text and the bytes used, closing
/// quote included. Escapes beyond the common JSON ones are the full parser's.
fn double_quoted(s: &str) -> Option<(Cow<'_, str>, usize)> {
    // no escape before the closing quote: the text itself
    let plain = s.bytes().position(|b| b == b'"' || b == b'\\')?;
    if s.as_bytes()[plain] == b'"' {
        return Some((s[..plain].into(), plain + 1));
    }
    let mut out = String::from(&s[..plain]);
    let mut chars = s[plain..].char_indices().map(|(i, c)| (i + plain, c));
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out.into(), i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'u' => {
                        let hex: String = (0..4)
                            .filter_map(|_| chars.next().map(|(_, h)| h))
                            .collect();
                        if hex.len() != 4 {
                            return None;
                        }
                        let code = u32::from_str_radix(&hex, 16).ok()?;
                        let c = char::from_u32(code)?;
                        if unusual_char(c) && c != '\n' {
                            return None;
                        }
                        c
                    }
                    _ => return None,
                });
            }
            _ => out.push(c),
        }
    }
    None
}

/// A one-line single-quoted scalar after its opening quote (`''` is a quote).
fn single_quoted(s: &str) -> Option<(Cow<'_, str>, usize)> {
    // no doubled quote: the text itself
    let end = s.find('\'')?;
    if s.as_bytes().get(end + 1) != Some(&b'\'') {
        return Some((s[..end].into(), end + 1));
    }
    let mut out = String::new();
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                chars.next();
                out.push('\'');
            } else {
                return Some((out.into(), i + 1));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Where the two bytes `a` `b` first occur together in `s`. `#` and `:` are rare in a line, so
/// the search is for the rarer byte, with memchr, and the other is checked beside it.
fn find_pair(s: &str, a: u8, b: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    // the byte of the pair that is not the space, and its place in the pair
    let (rare, place) = if a == b' ' { (b, 1) } else { (a, 0) };
    memchr::memchr_iter(rare, bytes)
        .filter_map(|i| i.checked_sub(place))
        .find(|&at| bytes[at] == a && bytes.get(at + 1) == Some(&b))
}

/// The bytes of a plain key this reader takes: letters, digits, `_`, `-`, `.`, `/`.
static KEY_BYTE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'/');
        b += 1;
    }
    table
};

/// The documents of a stream: the text between `---` marker lines (`---` alone, or followed by a
/// space or a comment), where it holds more than blank lines and comments. Each is a slice of
/// `text`, so its place in the stream is known.
pub fn documents(text: &str) -> Vec<&str> {
    let has_content = |chunk: &str| {
        chunk
            .lines()
            .any(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
    };
    let mut docs = Vec::new();
    let mut start = 0;
    // a search for the marker at line starts, not a walk over every line
    let first = text.starts_with("---").then_some(0);
    let after_breaks = memchr::memmem::find_iter(text.as_bytes(), b"\n---").map(|at| at + 1);
    for at in first.into_iter().chain(after_breaks) {
        let end = at + 3;
        if !matches!(
            text.as_bytes().get(end),
            None | Some(b'\n' | b'\r' | b' ' | b'\t')
        ) || at < start
        {
            continue;
        }
        if has_content(&text[start..at]) {
            docs.push(&text[start..at]);
        }
        // the rest of the marker line (a comment, say) is not part of the next document
        start = text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
    }
    if has_content(&text[start..]) {
        docs.push(&text[start..]);
    }
    docs
}

#[cfg(test)]
mod compare;

#[cfg(test)]
mod tests {
    use super::is_special_word;

    #[test]
    fn splits_documents_at_marker_lines_only() {
        let text = "a: 1\n---\nb: ---\n----\n---\n# only a comment\n\n---\nc: 3";
        assert_eq!(super::documents(text), ["a: 1\n", "b: ---\n----\n", "c: 3"]);
        assert_eq!(super::documents("---\na: 1\n---\n"), ["a: 1\n"]);
        assert!(super::documents("---\n# nothing\n---").is_empty());
        // helm template's markers, and CRLF ones
        let helm = "---\n# Source: c/templates/a.yaml\na: 1\n--- # b\nb: 2\r\n---\r\nc: 3\r\n";
        assert_eq!(
            super::documents(helm),
            [
                "# Source: c/templates/a.yaml\na: 1\n",
                "b: 2\r\n",
                "c: 3\r\n"
            ]
        );
    }

    #[test]
    fn find_pair_finds_the_first_pair_and_only_a_pair() {
        for (s, a, b, want) in [
            ("a #b", b' ', b'#', Some(1)),
            ("a#b #c", b' ', b'#', Some(3)),
            ("#a", b' ', b'#', None),
            ("a: b", b':', b' ', Some(1)),
            ("a:b: c", b':', b' ', Some(3)),
            ("a:", b':', b' ', None),
            ("", b':', b' ', None),
        ] {
            assert_eq!(super::find_pair(s, a, b), want, "{s:?}");
        }
    }

    #[test]
    fn special_words_are_found_in_any_case_and_nothing_else() {
        let words = [
            "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf", "infinity",
        ];
        for w in words {
            for form in [
                w.to_string(),
                w.to_uppercase(),
                format!("{}{}", w[..1].to_uppercase(), &w[1..]),
            ] {
                assert!(is_special_word(&form), "{form}");
            }
            // one letter more, less or changed is an ordinary word
            assert!(!is_special_word(&format!("{w}s")), "{w}s");
            assert!(!is_special_word(&w[1..]) || words.contains(&&w[1..]), "{w}");
            assert!(!is_special_word(&format!("x{}", &w[1..])), "{w}");
        }
        for other in [
            "",
            "a",
            "Y1",
            "yes!",
            "nulls",
            "infinit",
            "infinityy",
            "9",
            "~",
        ] {
            assert!(!is_special_word(other), "{other}");
        }
    }

    #[test]
    fn key_bytes_are_letters_digits_and_four_marks() {
        let taken: String = (0..=255u8)
            .filter(|b| super::KEY_BYTE[usize::from(*b)])
            .map(char::from)
            .collect();
        assert_eq!(
            taken,
            "-./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
        );
    }
}
