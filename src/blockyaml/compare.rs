//! The fast block-style reader against the full parser: wherever the fast one reads a file, it
//! must read exactly what the full one reads, positions included. (Through the values reader,
//! which holds both.)
#![cfg(test)]

use proptest::prelude::*;

use crate::values::{Node, Origin, Value, check_fast_reader, read_fast as fast};

/// `true` when the fast reader read it (and agreed), `false` when it declined.
fn agree(name: &str, text: &str) -> bool {
    check_fast_reader(text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn agrees_with_the_full_parser_on_every_file_the_project_has() {
    let mut read = 0;
    for (name, text) in crate::test_corpus() {
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if agree(&name, text) {
            read += 1;
        }
    }
    assert!(read > 60, "the fast reader read only {read} files");
    assert!(
        agree("leading marker", "---\n# c\na: 1\n"),
        "a leading --- went to the full parser"
    );
    for must in [
        "examples/values.yaml",
        "fixtures/valid/full-values.yaml",
        "chart_defaults.yaml",
    ] {
        let (name, text) = crate::test_corpus()
            .into_iter()
            .find(|(n, _)| n.ends_with(must))
            .unwrap();
        assert!(fast(&text).is_some(), "{name} went to the full parser");
    }
}

/// Every document of every stream the project has (the whole-chart renders of the real chart
/// among them: Deployments, ConfigMaps, RBAC), read one by one as post-render and `validate -m`
/// read them: where the fast reader reads one, it reads what the full parser reads.
#[test]
fn agrees_with_the_full_parser_on_every_document_of_every_stream() {
    let (mut read, mut total) = (0, 0);
    for (name, text) in crate::test_corpus() {
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        for doc in super::documents(text) {
            total += 1;
            if agree(&name, doc) {
                read += 1;
            }
        }
    }
    // the renders' Deployments (flow lists, values on the line below their key, uids) included
    assert!(
        read * 10 > total * 9,
        "the fast reader read only {read} of {total} documents"
    );
}

#[test]
fn declines_what_it_does_not_read() {
    for text in [
        "a: &x 1\nb: *x\n",
        "a: !!str 1\n",
        "a: [1, [2]]\n",
        "a: [1,\n  2]\n",
        "a: [b,]\n",
        "a: [b: c]\n",
        "a: [yes]\n",
        "a: 1e-3\n",
        "a: 2026-11-30\n",
        "a: {b: 1}\n",
        "a: |2\n  text\n",
        "a: |\n    \n  text\n",
        "a: |\nb: 1\n",
        "a: >\n  text\n",
        "a: 1\n---\nb: 2\n",
        "---\n---\na: 1\n",
        "---\na: 1\n...\n",
        "a:\tb\n",
        "a: 1\r\nb: 2\r\n",
        "a: yes\n",
        "a: 0755\n",
        "a: 1e3\n",
        "a: 10:30\n",
        "a: .inf\n",
        "y: 1\n",
        "a: one\n  two\n",
        "a: \"one\n  two\"\n",
        "a: 1\na: 2\n",
        "a: b: c\n",
        "? a\n: b\n",
        "<<: {}\n",
        "- - a\n",
        "a: \"\\x41\"\n",
    ] {
        assert!(fast(text).is_none(), "read {text:?}");
    }
}

/// The line scan looks at eight bytes at a time: a control character, DEL or a line break
/// YAML 1.1 knows must be found at every offset within and across those words, and plain
/// non-ASCII text must still be read (with columns counted in characters).
#[test]
fn finds_every_character_it_must_refuse_at_every_offset() {
    let line = "key: a-value-long-enough-to-span-three-words";
    for at in 5..line.len() {
        let (head, tail) = line.split_at(at);
        for c in ('\0'..' ')
            .filter(|c| *c != '\n')
            .chain(['\x7f', '\u{85}', '\u{2028}'])
        {
            let text = format!("first: 1\n{head}{c}{tail}\nlast: 2\n");
            assert!(fast(&text).is_none(), "read {text:?}");
        }
        let text = format!("first: 1\n{head}é{tail}\nlast: 2\n");
        assert!(agree("non-ASCII", &text), "declined {text:?}");
        let Some(Node {
            value: Value::Map(m),
            ..
        }) = fast(&text)
        else {
            panic!("not a mapping: {text:?}")
        };
        assert_eq!(
            m["key"].value,
            Value::Str(format!("{head}é{tail}")[5..].into())
        );
        assert_eq!(
            m["last"].origin,
            Origin::File {
                file: 0,
                line: 3,
                column: 7
            },
            "{text:?}"
        );
    }
    assert!(
        fast("a: 1\nb: 2").is_some(),
        "a last line without a line break"
    );
}

/// Scalars as they may appear after `key: ` or `- `: mostly ones the fast reader takes,
/// and one in 25 from the tricky ones it must refuse or read exactly.
fn scalar_text() -> impl Strategy<Value = String> {
    let common = prop::sample::select(vec![
        "server",
        "16m",
        "600",
        "600s",
        "0",
        "-3",
        "~",
        "null",
        "Null",
        "true",
        "False",
        "",
        "a#b",
        "http://x.example:80/p?q=1",
        "é",
        "über-x",
        "[]",
        "{}",
        "'q'",
        "'it''s'",
        "\"dq\"",
        "\"a\\nb\\u00e9\\\"c\\\\\"",
        "\"a\" #c",
        "'b' #c",
        "x  y",
        "trailing  ",
        "a,b",
        "a]",
        "Host(`a`)",
        "$x",
        "(a)",
        "/",
        "/api/v1",
        "9223372036854775807",
        "-0",
        "1h30m",
        "v1.2",
        "a #b",
        "[a, b]",
        "[\"*\"]",
        "[ \"ReadWriteOnce\" ]",
        "['curl', '-s']",
        "[1, 2, x]",
        "[ a , 'b' ,\"c\" ] # c",
        "6f1c0d2e-0000-4000-8000-000000000000",
        "10.96.0.12",
        "1-2",
        "9f-x",
    ]);
    let tricky = prop::sample::select(vec![
        "+3",
        "0755",
        "1e3",
        "0x1F",
        "1_000",
        "yes",
        "No",
        "on",
        "OFF",
        "y",
        "n",
        "TRUE",
        "a: b",
        "a #",
        "-foo",
        ".inf",
        ".NaN",
        "2024-01-01",
        "10:30",
        "[a]",
        "{a: 1}",
        "&a x",
        "*a",
        "!x y",
        "|",
        ">",
        "@x",
        "`x`",
        "%x",
        "'a",
        "\"un",
        "\"a\" b",
        "1.5",
        "-",
        "- x",
        "?x",
        ":x",
        "=",
        "^a",
        "9223372036854775808",
        "00",
        "12abc",
        "1.2.3",
        "a\u{2028}b",
        "a\u{85}b",
        "[a, [b]]",
        "[a,]",
        "[,]",
        "[a: b]",
        "[a b, c]",
        "[a, b] x",
        "[*a]",
        "[yes, no]",
        "[0755]",
        "[\"a\", ]",
        "[a #b]",
        "1e-3",
        "12.5E-3",
        "2024-1-1",
        "0-1",
        "1-2-3",
        "1_2-3",
        "1..2",
        "1.2.",
        ".1.2",
    ]);
    prop_oneof![24 => common, 1 => tricky].prop_map(String::from)
}

fn key_text() -> impl Strategy<Value = String> {
    let common = prop::sample::select(vec![
        "a", "b", "server", "b-c", "x.y/z", "_u", "\"q k\"", "'s k'", "A", "\"\"", "c",
    ]);
    let tricky = prop::sample::select(vec![
        "yes",
        "on",
        "1",
        "<<",
        "true",
        "key with space",
        "é",
        "k:",
        "~",
    ]);
    prop_oneof![24 => common, 1 => tricky].prop_map(String::from)
}

#[derive(Clone, Debug)]
enum T {
    Leaf(String),
    /// A block scalar: its header (`|`, `|-`, ...) and its lines, each with spaces of its own
    /// before it (beyond the block's indentation), blank lines as `None`.
    Block(String, Vec<Option<(usize, String)>>),
    Map(Vec<(String, T)>),
    Seq(Vec<T>),
}

fn block_scalar() -> impl Strategy<Value = T> {
    let header = prop::sample::select(vec![
        "|", "|-", "|+", "| # c", "|-  # c", "|2", ">", ">-", "|x",
    ]);
    let text = prop::sample::select(vec![
        "text",
        "# not a comment",
        "key: value",
        "- item",
        "{}",
        "a  b",
        "é",
        "\"q\"",
        "---x",
    ]);
    let line = prop::option::weighted(0.8, (prop::sample::select(vec![0usize, 0, 0, 1, 2]), text));
    (header, prop::collection::vec(line, 0..5)).prop_map(|(h, lines)| {
        T::Block(
            h.to_string(),
            lines
                .into_iter()
                .map(|l| l.map(|(n, t)| (n, t.to_string())))
                .collect(),
        )
    })
}

fn tree() -> impl Strategy<Value = T> {
    prop_oneof![12 => scalar_text().prop_map(T::Leaf), 1 => block_scalar()].prop_recursive(
        4,
        40,
        5,
        |inner| {
            prop_oneof![
                prop::collection::vec((key_text(), inner.clone()), 1..5).prop_map(T::Map),
                prop::collection::vec(inner, 1..4).prop_map(T::Seq),
            ]
        },
    )
}

/// How to lay the tree out: indentation step, spaces after `:` and `-`, lists at the key's
/// indentation or deeper, comments, blank lines.
#[derive(Clone, Debug)]
struct Style {
    step: usize,
    colon_gap: usize,
    dash_gap: usize,
    flush_lists: bool,
    /// Leaf values on the line below their key (`key:` then the value, deeper).
    leaf_below: bool,
    comments: bool,
    blanks: bool,
    leading_marker: bool,
}

fn style() -> impl Strategy<Value = Style> {
    let gaps = (1usize..4, 1usize..3, 1usize..3);
    let flags = (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        prop::bool::weighted(0.2),
    );
    (gaps, flags).prop_map(|((step, colon_gap, dash_gap), flags)| Style {
        step,
        colon_gap,
        dash_gap,
        flush_lists: flags.0,
        leaf_below: flags.4,
        comments: flags.1,
        blanks: flags.2,
        leading_marker: flags.3,
    })
}

/// A generated top-level mapping as a document in style `s`.
fn document(entries: Vec<(String, T)>, s: &Style) -> String {
    let mut text = if s.leading_marker {
        "---\n".to_string()
    } else {
        String::new()
    };
    emit(&T::Map(entries), 0, s, &mut text);
    text
}

fn emit(t: &T, indent: usize, s: &Style, out: &mut String) {
    let pad = " ".repeat(indent);
    match t {
        T::Leaf(v) => {
            out.push_str(&format!("{pad}{v}\n"));
        }
        T::Block(_, lines) => {
            // a block scalar where it cannot be a value: its lines as they are
            for l in lines.iter().flatten() {
                out.push_str(&format!("{pad}{}\n", l.1));
            }
        }
        T::Map(entries) => {
            for (k, v) in entries {
                if s.blanks {
                    out.push('\n');
                }
                if s.comments {
                    out.push_str(&format!("{pad}# about {k}\n"));
                }
                match v {
                    T::Block(header, lines) => {
                        out.push_str(&format!("{pad}{k}: {header}\n"));
                        for l in lines {
                            match l {
                                Some((extra, text)) => {
                                    let inner = " ".repeat(indent + s.step + extra);
                                    out.push_str(&format!("{inner}{text}\n"));
                                }
                                None => out.push('\n'),
                            }
                        }
                    }
                    T::Leaf(x) if s.leaf_below => {
                        let below = " ".repeat(indent + s.step);
                        out.push_str(&format!("{pad}{k}:\n{below}{x}\n"));
                    }
                    T::Leaf(x) => {
                        let c = if s.comments { " # c" } else { "" };
                        out.push_str(&format!("{pad}{k}:{}{x}{c}\n", " ".repeat(s.colon_gap)));
                    }
                    T::Seq(_) if s.flush_lists => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        emit(v, indent, s, out);
                    }
                    _ => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        emit(v, indent + s.step, s, out);
                    }
                }
            }
        }
        T::Seq(items) => {
            for item in items {
                let gap = " ".repeat(s.dash_gap);
                match item {
                    T::Leaf(x) => out.push_str(&format!("{pad}-{gap}{x}\n")),
                    T::Block(..) => emit(item, indent + s.step, s, out),
                    T::Map(_) => {
                        // `- key: value` with the rest of the map lined up after the dash
                        let mut inner = String::new();
                        emit(item, indent + 1 + s.dash_gap, s, &mut inner);
                        let body = inner.trim_start_matches('\n');
                        let body = body.trim_start_matches(' ');
                        out.push_str(&format!("{pad}-{gap}{body}"));
                    }
                    T::Seq(_) => {
                        out.push_str(&format!("{pad}-\n"));
                        emit(item, indent + s.step, s, out);
                    }
                }
            }
        }
    }
}

/// The generator must reach the fast reader, not only its refusals.
#[test]
fn generated_documents_are_mostly_read_by_the_fast_reader() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = (prop::collection::vec((key_text(), tree()), 1..5), style());
    let (mut read, total) = (0, 2000);
    for _ in 0..total {
        let (entries, s) = strategy.new_tree(&mut runner).unwrap().current();
        let text = document(entries, &s);
        if agree("generated", &text) {
            read += 1;
        }
    }
    assert!(
        read * 5 > total,
        "the fast reader read only {read} of {total}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn reads_generated_documents_as_the_full_parser_does(
        entries in prop::collection::vec((key_text(), tree()), 1..5), s in style(),
    ) {
        let text = document(entries, &s);
        agree("generated", &text);
    }
}
