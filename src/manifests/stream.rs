//! A stream of documents as text: where each document is, so that one can be replaced and every
//! other byte of the stream stays as it was (a post-renderer must not touch what it does not own).

use std::ops::Range;

/// One document of a stream: its bytes (without the `---` marker line) and its first and last line
/// (1-based).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocSpan {
    pub bytes: Range<usize>,
    pub lines: Range<u32>,
}

/// Every document of `text` that holds more than comments, in order.
pub fn spans(text: &str) -> Vec<DocSpan> {
    let base = text.as_ptr() as usize;
    let mut out = Vec::new();
    let mut line = 1u32;
    let mut counted = 0usize;
    for doc in crate::blockyaml::documents(text) {
        let start = doc.as_ptr() as usize - base;
        let end = start + doc.len();
        line += count_lines(&text[counted..start]);
        let first = line;
        let last = first + count_lines(doc.trim_end_matches('\n'));
        line = first + count_lines(doc);
        counted = end;
        out.push(DocSpan {
            bytes: start..end,
            lines: first..last + 1,
        });
    }
    out
}

fn count_lines(s: &str) -> u32 {
    u32::try_from(memchr::memchr_iter(b'\n', s.as_bytes()).count()).unwrap_or(u32::MAX)
}

/// The span holding `line`.
pub fn span_of(spans: &[DocSpan], line: u32) -> Option<&DocSpan> {
    spans.iter().find(|s| s.lines.contains(&line))
}

/// `text` with the bytes of `replace` swapped for `with`; with no span to replace, `with` is added
/// as new documents at the end. Every other byte is kept.
pub fn splice(text: &str, replace: Option<&DocSpan>, with: &str) -> String {
    let mut out = String::with_capacity(text.len() + with.len() + 8);
    splice_into(&mut out, text, replace, with);
    out
}

/// [`splice`], written at the end of `out`.
pub fn splice_into(out: &mut String, text: &str, replace: Option<&DocSpan>, with: &str) {
    match replace {
        Some(span) => {
            out.push_str(&text[..span.bytes.start]);
            out.push_str(with);
            out.push_str(&text[span.bytes.end..]);
        }
        None => {
            out.push_str(text);
            if !text.is_empty() && !text.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("---\n");
            out.push_str(with);
        }
    }
}

/// The comment lines that open a document (`# Source: airbyte/templates/ingress.yaml`), kept when
/// the document is replaced.
pub fn leading_comments(doc: &str) -> &str {
    let mut end = 0;
    for line in doc.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with('#') || t.is_empty() {
            end += line.len();
        } else {
            break;
        }
    }
    &doc[..end]
}

/// `doc` (a document this tool rendered: `metadata:` at the start of a line, its fields indented
/// by two spaces) with one more annotation. The value is written as a JSON string, which YAML reads
/// as the same string whatever it holds.
pub fn with_annotation(doc: &str, key: &str, value: &str) -> Option<String> {
    let quoted = serde_json::to_string(value).ok()?;
    let meta = doc
        .find("\nmetadata:\n")
        .map(|i| i + "\nmetadata:\n".len())?;
    let line = format!("    {key}: {quoted}\n");
    // the metadata block: its lines are indented
    let mut meta_end = doc.len();
    let mut pos = meta;
    for l in doc[meta..].split_inclusive('\n') {
        if !l.starts_with(' ') {
            meta_end = pos;
            break;
        }
        pos += l.len();
    }
    let block = &doc[meta..meta_end];
    let mut out = String::with_capacity(doc.len() + line.len() + 16);
    match block.find("  annotations:\n") {
        Some(i) if i == 0 || block[..i].ends_with('\n') => {
            let at = meta + i + "  annotations:\n".len();
            out.push_str(&doc[..at]);
            out.push_str(&line);
            out.push_str(&doc[at..]);
        }
        _ => {
            out.push_str(&doc[..meta]);
            out.push_str("  annotations:\n");
            out.push_str(&line);
            out.push_str(&doc[meta..]);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const STREAM: &str = "# Source: a/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n# Source: a/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";

    #[test]
    fn spans_know_their_lines() {
        let s = spans(STREAM);
        assert_eq!(s.len(), 3);
        assert_eq!(s[0].lines, 1..6);
        assert_eq!(s[1].lines, 7..12);
        assert_eq!(s[2].lines, 15..19);
        assert_eq!(
            &STREAM[s[1].bytes.clone()],
            "# Source: a/templates/ingress.yaml\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n"
        );
        assert_eq!(span_of(&s, 9), Some(&s[1]));
        assert_eq!(span_of(&s, 13), None);
    }

    #[test]
    fn splicing_keeps_every_other_byte() {
        let s = spans(STREAM);
        let out = splice(STREAM, Some(&s[1]), "kind: New\n");
        assert_eq!(
            out,
            STREAM.replace(&STREAM[s[1].bytes.clone()], "kind: New\n")
        );
        assert!(out.starts_with(&STREAM[..s[1].bytes.start]));
        assert!(out.ends_with(&STREAM[s[1].bytes.end..]));
        let appended = splice("kind: A", None, "kind: B\n");
        assert_eq!(appended, "kind: A\n---\nkind: B\n");
        assert_eq!(
            leading_comments(&STREAM[s[1].bytes.clone()]),
            "# Source: a/templates/ingress.yaml\n"
        );
    }

    #[test]
    fn an_annotation_joins_metadata() {
        let plain =
            "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  labels:\n    x: y\nspec:\n  k: v\n";
        let got = with_annotation(plain, "k/f", "t/x.yaml").unwrap();
        assert_eq!(
            got,
            "apiVersion: v1\nkind: A\nmetadata:\n  annotations:\n    k/f: \"t/x.yaml\"\n  name: a\n  labels:\n    x: y\nspec:\n  k: v\n"
        );
        let annotated = "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  annotations:\n    b: c\nspec:\n  annotations:\n    no: here\n";
        let got = with_annotation(annotated, "k/f", "q\"uote").unwrap();
        assert_eq!(
            got,
            "apiVersion: v1\nkind: A\nmetadata:\n  name: a\n  annotations:\n    k/f: \"q\\\"uote\"\n    b: c\nspec:\n  annotations:\n    no: here\n"
        );
        assert_eq!(with_annotation("kind: A\n", "k", "v"), None);
    }
}
