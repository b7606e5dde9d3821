//! Values loading as Helm does it: files, stdin, `--set*` flags, deep merge, chart defaults, with the
//! origin of every value kept for diagnostics. The tree and its origins are [`crate::source`]'s;
//! reading files is [`crate::inputs`]'.

mod set;

pub use crate::inputs::{ReadFn, read_named};
pub use crate::source::{
    Duplicate, DuplicateKey, InputError, InputErrorKind, Limits, Map, Node, Origin, Path, Seg,
    SetKind, SourceArg, SourceFile, Sources, Stream, Value, check_fast_reader, coalesce_defaults,
    merge_into, parse_document, parse_stream, read_fast,
};
pub use set::{apply_set, empty_assignments};

/// Where the inputs are and how they are read; the plain form of the CLI's value flags.
#[derive(Clone, Debug, Default)]
pub struct ValueInputs {
    /// `-f` files in order; `-` reads standard input.
    pub files: Vec<String>,
    /// `--set*` arguments in command-line order, each with its flag.
    pub sets: Vec<(SetKind, String)>,
    pub limits: Limits,
    /// Read the values Helm passes to this dependency of an umbrella chart: its block, with the
    /// top-level `global` merged in.
    pub subchart: Option<String>,
}

/// The merged values with the chart's defaults underneath, and what the tree's origins refer to.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub root: Node,
    pub sources: Sources,
    /// What reading noticed that is worth saying but does not stop the run.
    pub notices: Vec<Notice>,
}

/// Something about the input worth saying that does not stop the run.
#[derive(Clone, Debug, PartialEq)]
pub enum Notice {
    /// A file held several YAML documents, merged in order.
    Documents {
        file: String,
        count: usize,
        at: Origin,
    },
    /// A key given twice in one mapping; the later one (`again`) won, as in Helm.
    DuplicateKey {
        path: Path,
        first: Origin,
        again: Origin,
    },
    /// A `--set` assignment with an empty value; `key` as written.
    EmptySet { key: String, arg: Origin },
}

/// Reads every input, merges them in Helm's order, takes a dependency's values out of an
/// umbrella chart's when asked, and lays the chart defaults underneath.
///
/// `read` gives the bytes of a file name (`-` is standard input), so tests need no file system.
pub fn load(inputs: &ValueInputs, defaults: &Node, read: ReadFn<'_>) -> Result<Loaded, InputError> {
    let mut sources = Sources::default();
    let mut notices = Vec::new();
    let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
    for name in &inputs.files {
        let (shown, bytes) = read_named(name, inputs.limits.max_file_bytes, read)?;
        let file_id = sources.files.len() as u32;
        let doc = parse_document(&bytes, &shown, file_id, &inputs.limits)?;
        if doc.documents > 1 {
            notices.push(Notice::Documents {
                file: shown.clone(),
                count: doc.documents,
                at: Origin::File {
                    file: file_id,
                    line: 1,
                    column: 1,
                },
            });
        }
        for d in doc.duplicates {
            notices.push(Notice::DuplicateKey {
                path: d.path,
                first: d.first,
                again: d.again,
            });
        }
        sources.files.push(SourceFile::new(shown, doc.text));
        merge_into(&mut root, doc.root);
    }
    // Helm applies the value flags by kind, not by position
    for kind in SetKind::ORDER {
        for (k, text) in inputs.sets.iter().filter(|(k, _)| *k == kind) {
            let arg = sources.args.len() as u32;
            sources.args.push(SourceArg {
                kind: *k,
                text: text.clone(),
            });
            let origin = Origin::Arg { arg };
            apply_set(&mut root, *k, text, origin, &inputs.limits, read).map_err(|message| {
                let kind = if message.contains("(--max-") {
                    InputErrorKind::Limit
                } else {
                    InputErrorKind::Invalid
                };
                InputError::new(kind, format!("{} {}", k.flag(), text), message)
            })?;
            if *k == SetKind::Typed {
                for key in empty_assignments(text) {
                    notices.push(Notice::EmptySet { key, arg: origin });
                }
            }
        }
    }
    if let Some(name) = &inputs.subchart {
        root = subchart(root, name)?;
        for n in &mut notices {
            if let Notice::DuplicateKey { path, .. } = n
                && path.0.first() == Some(&Seg::Key(name.as_str().into()))
            {
                path.0.remove(0);
            }
        }
    }
    coalesce_defaults(&mut root, defaults);
    Ok(Loaded {
        root,
        sources,
        notices,
    })
}

/// The values Helm gives the dependency `name` of an umbrella chart: the `name:` block, with the
/// top-level `global` merged over the block's own `global` (the parent's win, as Helm's
/// coalesceGlobals does).
fn subchart(mut root: Node, name: &str) -> Result<Node, InputError> {
    let Value::Map(top) = &mut root.value else {
        return Err(InputError::new(
            InputErrorKind::Invalid,
            "--subchart",
            "the values are not a map",
        ));
    };
    let parent_global = top.get("global").cloned();
    let mut block = match top.remove(name) {
        Some(
            n @ Node {
                value: Value::Map(_),
                ..
            },
        ) => n,
        Some(other) => {
            return Err(InputError::new(
                InputErrorKind::Invalid,
                format!("--subchart {name}"),
                format!(
                    "`{name}` is a {}, not the map of values of a dependency",
                    other.type_name()
                ),
            ));
        }
        None => {
            let keys: Vec<String> = top
                .iter()
                .filter(|(k, n)| k.as_str() != "global" && n.as_map().is_some())
                .map(|(k, _)| format!("`{k}`"))
                .collect();
            return Err(InputError::new(
                InputErrorKind::Invalid,
                format!("--subchart {name}"),
                format!(
                    "the values have no `{name}` block; top-level maps: {}",
                    if keys.is_empty() {
                        "none".to_string()
                    } else {
                        keys.join(", ")
                    }
                ),
            ));
        }
    };
    if let (Some(parent), Value::Map(b)) = (parent_global, &mut block.value) {
        match b.get_mut("global") {
            Some(own) if matches!(own.value, Value::Map(_)) => merge_into(own, parent),
            _ => {
                b.insert("global".into(), parent);
            }
        }
    }
    Ok(block)
}
