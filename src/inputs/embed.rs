//! Values written inside another file: an Argo CD `helm.values: |` block, a Flux ConfigMap's
//! `values.yaml: |`, a Terraform heredoc. The embedded text is parsed on its own and every position
//! is moved to where that text sits in the outer file, so a finding points at the outer file's line
//! and column.

use crate::source::{Document, InputError, Limits, Node, Origin, Value, parse_document};

/// How positions in an embedded text map to the outer file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// Line `n` of the text is outer line `first_line + n - 1`, its column `c` is `c + indent`
    /// (a literal block scalar, or a heredoc: each line of the text is a line of the file).
    Lines {
        first_line: u32,
        indent: u32,
        file: u32,
    },
    /// Every position is the scalar's own (a quoted or folded scalar: its lines are not the
    /// file's lines).
    At(Origin),
}

impl Placement {
    /// Where a position of the embedded text is in the outer file.
    pub fn place(self, line: u32, column: u32) -> Origin {
        match self {
            Placement::Lines {
                first_line,
                indent,
                file,
            } => Origin::File {
                file,
                line: first_line + line.saturating_sub(1),
                column: column + indent,
            },
            Placement::At(o) => o,
        }
    }

    /// Moves every origin of `node` (embedded file id `from`) to the outer file.
    pub fn relocate(self, node: &mut Node, from: u32) {
        for o in [&mut node.origin, &mut node.key_origin] {
            if let Origin::File { file, line, column } = *o
                && file == from
            {
                *o = self.place(line, column);
            }
        }
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| self.relocate(n, from)),
            Value::Map(m) => m.values_mut().for_each(|n| self.relocate(n, from)),
            _ => {}
        }
    }

    fn relocate_origin(self, o: &mut Origin, from: u32) {
        if let Origin::File { file, line, column } = *o
            && file == from
        {
            *o = self.place(line, column);
        }
    }
}

/// Where the text of the string scalar `scalar` (written at its origin in `outer`) lies: the
/// lines of a `|` block when each of them is indentation plus the text's line, otherwise the
/// scalar's own position. The parsers place a block scalar either at its `|` indicator or at its
/// first line of content; both are read.
pub fn placement(outer: &str, scalar: &Node, text: &str) -> Placement {
    let Origin::File { file, line, column } = scalar.origin else {
        return Placement::At(scalar.origin);
    };
    let lines: Vec<&str> = outer.lines().collect();
    let Some(head) = lines.get((line as usize).wrapping_sub(1)) else {
        return Placement::At(scalar.origin);
    };
    let at = head
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or("", |(i, _)| &head[i..]);
    let (first_line, indent) = if let Some(rest) = at.strip_prefix('|') {
        // at the indicator: the indentation is explicit (`|2`) or that of the first line with
        // content
        let indicator: String = rest.chars().take_while(|c| !c.is_whitespace()).collect();
        let indent = match indicator.chars().find(|c| c.is_ascii_digit()) {
            Some(d) => head.len() - head.trim_start().len() + d.to_digit(10).unwrap_or(0) as usize,
            None => match lines[line as usize..].iter().find(|l| !l.trim().is_empty()) {
                Some(l) => l.len() - l.trim_start_matches(' ').len(),
                None => return Placement::At(scalar.origin),
            },
        };
        (line + 1, indent)
    } else {
        // at the first line of content, after any empty lines the text starts with
        let lead = text.lines().take_while(|l| l.is_empty()).count() as u32;
        if line <= lead + 1 {
            return Placement::At(scalar.origin);
        }
        let above = lines[(line - lead - 2) as usize].trim_end();
        let header = above.rsplit_once(['|']).map(|(_, flags)| flags);
        if !header.is_some_and(|f| {
            f.chars()
                .all(|c| matches!(c, '-' | '+') || c.is_ascii_digit())
        }) {
            return Placement::At(scalar.origin);
        }
        (line - lead, column.saturating_sub(1) as usize)
    };
    let body = &lines[(first_line as usize - 1).min(lines.len())..];
    // every line of the text must be the outer line without its indentation
    for (i, want) in text.lines().enumerate() {
        let Some(got) = body.get(i) else {
            return Placement::At(scalar.origin);
        };
        let got = got.trim_end_matches('\r');
        let same = if want.is_empty() {
            got.trim().is_empty()
        } else {
            got.len() >= indent
                && got.as_bytes()[..indent].iter().all(|b| *b == b' ')
                && got.get(indent..) == Some(want)
        };
        if !same {
            return Placement::At(scalar.origin);
        }
    }
    Placement::Lines {
        first_line,
        indent: indent as u32,
        file,
    }
}

/// Parses values embedded in an outer file as a values document, every position (and the
/// position of a parse error) in the outer file. `outer_file` is the outer file's index in the
/// sources and `shown` its name.
pub fn parse_values(
    text: &str,
    at: Placement,
    outer_file: u32,
    shown: &str,
    limits: &Limits,
) -> Result<Document, InputError> {
    // parsed under an index no source uses, then moved
    const EMBEDDED: u32 = u32::MAX;
    let mut doc = parse_document(text.as_bytes(), shown, EMBEDDED, limits).map_err(|mut e| {
        match (e.line, at) {
            (Some(line), _) => {
                if let Origin::File { line, column, .. } = at.place(line, e.column.unwrap_or(1)) {
                    e.line = Some(line);
                    e.column = Some(column);
                }
            }
            (None, Placement::Lines { first_line, .. }) => e.line = Some(first_line),
            (None, Placement::At(Origin::File { line, column, .. })) => {
                e.line = Some(line);
                e.column = Some(column);
            }
            _ => {}
        }
        e
    })?;
    let _ = outer_file;
    at.relocate(&mut doc.root, EMBEDDED);
    for d in &mut doc.duplicates {
        at.relocate_origin(&mut d.first, EMBEDDED);
        at.relocate_origin(&mut d.again, EMBEDDED);
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Path, parse_stream};

    fn outer(text: &str) -> Node {
        parse_stream(text.as_bytes(), "app.yaml", 0, &Limits::default())
            .unwrap()
            .docs
            .remove(0)
    }

    fn embedded(text: &str, path: &str) -> Document {
        let root = outer(text);
        let scalar = root.at(&Path::parse(path)).unwrap();
        let Value::Str(s) = &scalar.value else {
            panic!("not a string")
        };
        let at = placement(text, scalar, s);
        parse_values(s, at, 0, "app.yaml", &Limits::default()).unwrap()
    }

    fn pos(doc: &Document, path: &str) -> (u32, u32) {
        match doc.root.at(&Path::parse(path)).unwrap().origin {
            Origin::File { line, column, .. } => (line, column),
            o => panic!("{o:?}"),
        }
    }

    #[test]
    fn a_literal_block_maps_to_the_outer_lines() {
        let text = "spec:\n  source:\n    helm:\n      values: |\n        global:\n          airbyteUrl: https://a.example.com\n\n        ingress:\n          enabled: true\n";
        let doc = embedded(text, "spec.source.helm.values");
        assert_eq!(pos(&doc, "global.airbyteUrl"), (6, 23));
        assert_eq!(pos(&doc, "ingress.enabled"), (9, 20));
        let line = text.lines().nth(5).unwrap();
        assert_eq!(&line[22..], "https://a.example.com");
    }

    #[test]
    fn chomping_and_explicit_indentation_keep_the_mapping() {
        let text = "values: |-\n  a: 1\n  b: 2\nother: x\n";
        assert_eq!(pos(&embedded(text, "values"), "b"), (3, 6));
        let text = "values: |2\n    a: 1\n";
        // the value `1` of `    a: 1`
        assert_eq!(pos(&embedded(text, "values"), "a"), (2, 8));
    }

    #[test]
    fn a_quoted_scalar_points_at_itself() {
        let text = "values: \"a: 1\\nb: 2\\n\"\n";
        assert_eq!(pos(&embedded(text, "values"), "b"), (1, 9));
    }

    #[test]
    fn errors_point_into_the_outer_file() {
        let text = "spec:\n  values: |\n    a: 1\n    b: [\n";
        let root = outer(text);
        let scalar = root.at(&Path::parse("spec.values")).unwrap();
        let Value::Str(s) = &scalar.value else {
            panic!()
        };
        let e = parse_values(
            s,
            placement(text, scalar, s),
            0,
            "app.yaml",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(e.source, "app.yaml");
        assert!(e.line.unwrap() >= 4, "{e}");
    }
}
