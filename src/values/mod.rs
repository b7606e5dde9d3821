//! Values loading as Helm does it: files, stdin, `--set*` flags, deep merge, chart defaults, with the
//! origin of every value kept for diagnostics. The tree and its origins are [`crate::source`]'s;
//! reading files is [`crate::inputs`]'.

mod set;

pub use crate::inputs::wrapper::Layer;
pub use crate::inputs::{ReadFn, read_named};
pub use crate::source::{
    Duplicate, DuplicateKey, InputError, InputErrorKind, Limits, Map, Node, Origin, Path, Seg,
    SetKind, SourceArg, SourceFile, Sources, Stream, Value, check_fast_reader, coalesce_defaults,
    merge_into, parse_document, parse_stream, read_fast, source_text,
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
    let mut layers = Vec::new();
    for name in &inputs.files {
        let (shown, bytes) = read_named(name, inputs.limits.max_file_bytes, read)?;
        layers.push(file_layer(&shown, &bytes, &mut sources, &inputs.limits)?);
    }
    layers.extend(flag_layers(&inputs.sets, &mut sources));
    let (root, notices) = assemble(
        layers,
        &sources,
        &inputs.limits,
        inputs.subchart.as_deref(),
        defaults,
        read,
    )?;
    Ok(Loaded {
        root,
        sources,
        notices,
    })
}

/// A values file (already read) as a layer; the file joins the sources.
pub fn file_layer(
    shown: &str,
    bytes: &[u8],
    sources: &mut Sources,
    limits: &Limits,
) -> Result<Layer, InputError> {
    let file_id = sources.files.len() as u32;
    let doc = parse_document(bytes, shown, file_id, limits)?;
    sources
        .files
        .push(SourceFile::new(shown.to_string(), doc.text.clone()));
    let from = Origin::File {
        file: file_id,
        line: 1,
        column: 1,
    };
    Ok(Layer::tree(doc, from))
}

/// The `--set*` flags as layers, each flag joining the sources.
pub fn flag_layers(sets: &[(SetKind, String)], sources: &mut Sources) -> Vec<Layer> {
    sets.iter()
        .map(|(kind, text)| {
            let arg = sources.args.len() as u32;
            sources.args.push(SourceArg {
                kind: *kind,
                text: text.clone(),
            });
            Layer::Set {
                kind: *kind,
                text: text.clone(),
                origin: Origin::Arg { arg },
            }
        })
        .collect()
}

/// Merges layers as Helm merges them: trees (and in-sequence assignments) in order, then the
/// flag-like assignments by kind, not by position, as Helm applies its flags; then a dependency's
/// block when asked, then the chart defaults underneath. What reading noticed comes back as
/// notices.
pub fn assemble(
    mut layers: Vec<Layer>,
    sources: &Sources,
    limits: &Limits,
    subchart: Option<&str>,
    defaults: &Node,
    read: ReadFn<'_>,
) -> Result<(Node, Vec<Notice>), InputError> {
    let mut notices = Vec::new();
    let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
    let kind_of = |origin: Origin| match origin {
        Origin::Arg { arg } => sources.args.get(arg as usize).map(|a| a.kind),
        _ => None,
    };
    let set = |root: &mut Node,
               kind: SetKind,
               text: &str,
               origin: Origin,
               notices: &mut Vec<Notice>,
               read: ReadFn<'_>|
     -> Result<(), InputError> {
        apply_set(root, kind, text, origin, limits, read, &kind_of).map_err(|message| {
            let kind = if message.contains("(--max-") {
                InputErrorKind::Limit
            } else {
                InputErrorKind::Invalid
            };
            match origin {
                Origin::Arg { .. } => InputError::new(kind, sources.describe(origin), message),
                _ => crate::inputs::wrapper::error_at(
                    sources,
                    origin,
                    kind,
                    format!("`{text}`: {message}"),
                ),
            }
        })?;
        if kind == SetKind::Typed {
            for key in empty_assignments(text) {
                notices.push(Notice::EmptySet { key, arg: origin });
            }
        }
        Ok(())
    };
    for layer in &mut layers {
        match layer {
            Layer::Tree {
                root: tree,
                from,
                documents,
                duplicates,
                under_defaults,
            } => {
                if *documents > 1 {
                    let file = match *from {
                        Origin::File { file, .. } => sources
                            .files
                            .get(file as usize)
                            .map_or_else(String::new, |f| f.name.clone()),
                        other => sources.describe(other),
                    };
                    notices.push(Notice::Documents {
                        file,
                        count: *documents,
                        at: *from,
                    });
                }
                for d in duplicates {
                    notices.push(Notice::DuplicateKey {
                        path: d.path.clone(),
                        first: d.first,
                        again: d.again,
                    });
                }
                // each tree is merged once: it is moved, not copied
                let mut tree = std::mem::replace(tree, Node::new(Value::Null, Origin::Default));
                if *under_defaults {
                    // the chart's own values win over this layer wherever both set a key
                    let mut over = defaults.clone();
                    if let Value::Map(m) = &mut over.value {
                        // only the keys the layer sets matter; the rest comes in underneath anyway
                        let keep: Vec<String> = m
                            .keys()
                            .filter(|k| tree.as_map().is_some_and(|t| t.contains_key(k)))
                            .cloned()
                            .collect();
                        let all: Vec<String> = m.keys().cloned().collect();
                        for k in all {
                            if !keep.contains(&k) {
                                m.remove(&k);
                            }
                        }
                    }
                    merge_into(&mut tree, over);
                }
                merge_into(&mut root, tree);
            }
            Layer::SetNow { kind, text, origin } => {
                set(&mut root, *kind, text, *origin, &mut notices, read)?;
            }
            Layer::Set { .. } | Layer::Unread { .. } => {}
        }
    }
    // Helm applies the value flags by kind, not by position
    for kind in SetKind::ORDER {
        for layer in &layers {
            if let Layer::Set {
                kind: k,
                text,
                origin,
            } = layer
                && *k == kind
            {
                set(&mut root, *k, text, *origin, &mut notices, read)?;
            }
        }
    }
    if let Some(name) = subchart {
        root = subchart_block(root, name)?;
        for n in &mut notices {
            if let Notice::DuplicateKey { path, .. } = n
                && path.0.first() == Some(&Seg::Key(name.into()))
            {
                path.0.remove(0);
            }
        }
    }
    coalesce_defaults(&mut root, defaults);
    Ok((root, notices))
}

/// The values Helm gives the dependency `name` of an umbrella chart: the `name:` block, with the
/// top-level `global` merged over the block's own `global` (the parent's win, as Helm's
/// coalesceGlobals does).
fn subchart_block(mut root: Node, name: &str) -> Result<Node, InputError> {
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
