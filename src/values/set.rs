//! Helm's `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal` syntax (its
//! `strvals` parser), applied to the tree.

use super::{Limits, Map, Node, Origin, SetKind, Value};

/// Reads the file a `--set-file` value names.
pub type ReadFile<'a> = crate::inputs::ReadFn<'a>;

/// Helm refuses list indexes above this.
const MAX_INDEX: usize = 65536;
/// Helm refuses deeper dotted names than this.
const MAX_NESTED_NAME_LEVEL: usize = 30;

/// Which flag set a value that came from an argument (`None` for values from files): Helm's
/// messages name an integer from `--set` `int64`, one from YAML or JSON `float64`.
pub type KindOf<'a> = &'a dyn Fn(Origin) -> Option<SetKind>;

/// Applies one `--set*` argument (possibly several comma-separated assignments) to `root`;
/// `read` reads the files `--set-file` names.
pub fn apply_set(
    root: &mut Node,
    kind: SetKind,
    arg: &str,
    origin: Origin,
    limits: &Limits,
    read: ReadFile<'_>,
    kind_of: KindOf<'_>,
) -> Result<(), String> {
    if arg.len() > limits.max_file_bytes {
        return Err(format!(
            "argument is longer than {} bytes (--max-file-bytes)",
            limits.max_file_bytes
        ));
    }
    let mut p = Parser {
        chars: arg.chars().collect(),
        pos: 0,
        start: 0,
        kind,
        origin,
        limits,
        read,
        kind_of,
    };
    if kind == SetKind::Json && arg.trim_start().starts_with('{') {
        // Helm 4 merges a `--set-json` that is one JSON object into the values, as a values file
        let object: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(arg.trim()).map_err(|e| format!("not a JSON object: {e}"))?;
        let node = p.node(p.json_value(serde_json::Value::Object(object)));
        super::merge_into(root, node);
        return Ok(());
    }
    let Value::Map(map) = &mut root.value else {
        return Err("the values root is not a map".into());
    };
    loop {
        p.start = p.pos;
        match p.key(map, 0) {
            Ok(()) => continue,
            Err(Stop::Eof) => return Ok(()),
            Err(Stop::Err(e)) => return Err(e),
        }
    }
}

/// The keys that a `--set` argument gives an empty value (`a=` or `a=,b=1`), as written: usually
/// a shell variable that was not set.
pub fn empty_assignments(arg: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut key = String::new();
    let mut in_value = false;
    let mut value_len = 0;
    let mut braces = 0u32;
    let mut chars = arg.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let next = chars.next();
                if in_value {
                    value_len += 1;
                } else {
                    key.push(c);
                    key.extend(next);
                }
            }
            '=' if !in_value => {
                in_value = true;
                value_len = 0;
            }
            '{' if in_value && value_len == 0 => {
                braces += 1;
                value_len += 1;
            }
            '}' if braces > 0 => {
                braces -= 1;
                value_len += 1;
            }
            ',' if braces == 0 => {
                if in_value && value_len == 0 {
                    out.push(std::mem::take(&mut key));
                }
                key.clear();
                in_value = false;
            }
            _ if in_value => value_len += 1,
            _ => key.push(c),
        }
    }
    if in_value && value_len == 0 {
        out.push(key);
    }
    out
}

enum Stop {
    /// The argument ended where an assignment may end.
    Eof,
    Err(String),
}

fn fail<T>(msg: impl Into<String>) -> Result<T, Stop> {
    Err(Stop::Err(msg.into()))
}

struct Parser<'r> {
    chars: Vec<char>,
    pos: usize,
    /// Where the assignment being read starts.
    start: usize,
    kind: SetKind,
    origin: Origin,
    limits: &'r Limits,
    read: ReadFile<'r>,
    kind_of: KindOf<'r>,
}

/// A container's type as Go names it in Helm's message.
const GO_MAP: &str = "map[string]interface {}";
const GO_LIST: &str = "[]interface {}";

impl Parser<'_> {
    /// Reads up to one of `stop` (consumed and returned), honouring `\` escapes.
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let mut out = String::new();
        while let Some(&c) = self.chars.get(self.pos) {
            self.pos += 1;
            if c == '\\' {
                if let Some(&n) = self.chars.get(self.pos) {
                    self.pos += 1;
                    out.push(n);
                }
                continue;
            }
            if stop.contains(&c) {
                return (out, Some(c));
            }
            out.push(c);
        }
        (out, None)
    }

    fn node(&self, value: Value) -> Node {
        Node::new(value, self.origin)
    }

    /// How Go names the type of a value Helm holds.
    fn go_type(&self, node: &Node) -> &'static str {
        match &node.value {
            Value::Null => "nil",
            Value::Bool(_) => "bool",
            Value::Int(_) if (self.kind_of)(node.origin) == Some(SetKind::Typed) => "int64",
            Value::Int(_) | Value::Float(_) => "float64",
            Value::Str(_) => "string",
            Value::Seq(_) => GO_LIST,
            Value::Map(_) => GO_MAP,
        }
    }

    /// Helm's refusal to go below a value that is not the container the name asks for: the key
    /// written up to `end` holds `found`.
    fn not_a<T>(&self, end: usize, found: &Node, want: &str) -> Result<T, Stop> {
        let path: String = self.chars[self.start..end].iter().collect();
        let (what, below) = if want == GO_MAP {
            ("map", "a key below it")
        } else {
            ("list", "an item in it")
        };
        let is = match found.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a map",
        };
        let got = self.go_type(found);
        fail(format!(
            "`{path}` is already {is}, not a {what}, so Helm cannot set {below} (Helm: unable to parse key: interface conversion: interface {{}} is {got}, not {want})"
        ))
    }

    fn key(&mut self, data: &mut Map, level: usize) -> Result<(), Stop> {
        let (k, last) = self.until(&['=', '[', ',', '.']);
        match last {
            None => {
                if k.is_empty() {
                    Err(Stop::Eof)
                } else {
                    fail(format!("key `{k}` has no value (write `{k}=VALUE`)"))
                }
            }
            Some('[') => {
                let end = self.pos - 1;
                let i = self.index()?;
                if let Some(found) = data.get(&k)
                    && !matches!(found.value, Value::Seq(_))
                {
                    return self.not_a(end, found, GO_LIST);
                }
                let mut list = match data.remove(&k) {
                    Some(Node {
                        value: Value::Seq(s),
                        ..
                    }) => s,
                    _ => Vec::new(),
                };
                let res = self.list_item(&mut list, i, level);
                let node = self.node(Value::Seq(list));
                data.insert(k, node);
                res
            }
            Some('=') => {
                if self.empty_at_end() {
                    // Helm sets the empty string and reports the end of the argument, which a
                    // list item below a fresh map then drops (see `list_item`)
                    data.insert(k, self.node(Value::Str(String::new())));
                    return Err(Stop::Eof);
                }
                let (value, _) = self.value()?;
                data.insert(k, self.node(value));
                Ok(())
            }
            Some(',') => {
                data.insert(k.clone(), self.node(Value::Str(String::new())));
                fail(format!("key `{k}` has no value (cannot end with `,`)"))
            }
            Some(_) => {
                // '.': a nested map
                if level + 1 > MAX_NESTED_NAME_LEVEL {
                    return fail(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                if let Some(found) = data.get(&k)
                    && !matches!(found.value, Value::Map(_))
                {
                    return self.not_a(self.pos - 1, found, GO_MAP);
                }
                let existing = data.remove(&k);
                let mut inner = match existing {
                    Some(Node {
                        value: Value::Map(m),
                        origin,
                        key_origin,
                    }) => (m, origin, key_origin),
                    _ => (Map::new(), self.origin, self.origin),
                };
                let res = self.key(&mut inner.0, level + 1);
                if matches!(res, Ok(())) && inner.0.is_empty() {
                    return fail(format!("key map `{k}` has no value"));
                }
                if !inner.0.is_empty() {
                    data.insert(
                        k,
                        Node {
                            value: Value::Map(inner.0),
                            origin: inner.1,
                            key_origin: inner.2,
                        },
                    );
                }
                res
            }
        }
    }

    fn index(&mut self) -> Result<usize, Stop> {
        let (s, last) = self.until(&[']']);
        if last.is_none() {
            return fail(format!("list index `[{s}` is not closed with `]`"));
        }
        let i: i64 = s
            .trim()
            .parse()
            .map_err(|_| Stop::Err(format!("list index `{s}` is not an integer")))?;
        if i < 0 {
            return fail(format!("negative {i} index not allowed"));
        }
        let i = i as usize;
        if i > MAX_INDEX {
            return fail(format!(
                "index of {i} is greater than maximum supported index value of {MAX_INDEX}"
            ));
        }
        Ok(i)
    }

    fn set_index(&self, list: &mut Vec<Node>, i: usize, node: Node) {
        while list.len() <= i {
            list.push(self.node(Value::Null));
        }
        list[i] = node;
    }

    fn list_item(&mut self, list: &mut Vec<Node>, i: usize, level: usize) -> Result<(), Stop> {
        let (k, last) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return fail(format!("unexpected data at end of array index: `{k}`"));
        }
        match last {
            None => fail("list index is not followed by `=`, `.` or `[`"),
            Some('=') => {
                // Helm sets the item whatever the value, the empty one too
                let (value, _) = self.value()?;
                let node = self.node(value);
                self.set_index(list, i, node);
                Ok(())
            }
            Some('[') => {
                if level + 1 > MAX_NESTED_NAME_LEVEL {
                    return fail(format!(
                        "list nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let end = self.pos - 1;
                let next = self.index()?;
                if let Some(found) = list.get(i)
                    && !matches!(found.value, Value::Seq(_) | Value::Null)
                {
                    return self.not_a(end, found, GO_LIST);
                }
                let mut inner = match list
                    .get_mut(i)
                    .map(|n| std::mem::replace(&mut n.value, Value::Null))
                {
                    Some(Value::Seq(s)) => s,
                    _ => Vec::new(),
                };
                let res = self.list_item(&mut inner, next, level + 1);
                let node = self.node(Value::Seq(inner));
                self.set_index(list, i, node);
                res
            }
            Some(_) => {
                // '.': a map inside the list; an existing map at that index is merged into
                let existing = list
                    .get(i)
                    .is_some_and(|n| matches!(n.value, Value::Map(_)));
                let (mut inner, origin) = match list.get_mut(i) {
                    Some(n) => match std::mem::replace(&mut n.value, Value::Null) {
                        Value::Map(m) => (m, n.origin),
                        other => {
                            n.value = other;
                            (Map::new(), self.origin)
                        }
                    },
                    None => (Map::new(), self.origin),
                };
                let res = self.key(&mut inner, level);
                match res {
                    Err(Stop::Err(e)) => return Err(Stop::Err(e)),
                    // an empty value ending the argument: Helm leaves the list as it was, except
                    // that a map already at that index has taken the key (Go maps are shared)
                    Err(Stop::Eof) if !existing => return Err(Stop::Eof),
                    _ => {}
                }
                self.set_index(list, i, Node::new(Value::Map(inner), origin));
                res
            }
        }
    }

    /// Whether nothing follows the `=` just read (for the typed and string kinds).
    fn empty_at_end(&self) -> bool {
        matches!(self.kind, SetKind::Typed | SetKind::String) && self.pos >= self.chars.len()
    }

    /// Reads the value after `=`; returns it and whether the argument ended.
    fn value(&mut self) -> Result<(Value, bool), Stop> {
        if self.kind == SetKind::Literal {
            let rest: String = self.chars[self.pos..].iter().collect();
            self.pos = self.chars.len();
            return Ok((Value::Str(rest), true));
        }
        if self.kind == SetKind::File {
            let (path, last) = self.until(&[',']);
            let bytes = (self.read)(&path, self.limits.max_file_bytes)
                .map_err(|e| Stop::Err(format!("cannot read `{path}`: {}", e.message)))?;
            if bytes.len() > self.limits.max_file_bytes {
                return fail(format!(
                    "`{path}` is {} bytes, over the limit of {} bytes (--max-file-bytes)",
                    bytes.len(),
                    self.limits.max_file_bytes
                ));
            }
            let text = String::from_utf8(bytes)
                .map_err(|_| Stop::Err(format!("`{path}` is not UTF-8 text")))?;
            return Ok((Value::Str(text), last.is_none()));
        }
        if self.kind == SetKind::Json {
            let rest: String = self.chars[self.pos..].iter().collect();
            let mut stream =
                serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
            let v = match stream.next() {
                Some(Ok(v)) => v,
                Some(Err(e)) => return fail(format!("invalid JSON value: {e}")),
                None => return fail("missing JSON value after `=`"),
            };
            let used = rest[..stream.byte_offset()].chars().count();
            self.pos += used;
            while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
                self.pos += 1;
            }
            return match self.chars.get(self.pos) {
                None => Ok((self.json_value(v), true)),
                Some(',') => {
                    self.pos += 1;
                    Ok((self.json_value(v), false))
                }
                Some(c) => fail(format!("unexpected `{c}` after the JSON value")),
            };
        }
        if self.chars.get(self.pos) == Some(&'{') {
            // a list: {a,b,c}
            self.pos += 1;
            let mut items = Vec::new();
            loop {
                let (item, last) = self.until(&[',', '}']);
                match last {
                    Some(',') => items.push(self.node(self.scalar(&item))),
                    Some(_) => {
                        items.push(self.node(self.scalar(&item)));
                        break;
                    }
                    None => return fail("list value `{...` is not closed with `}`"),
                }
            }
            return match self.chars.get(self.pos) {
                None => Ok((Value::Seq(items), true)),
                Some(',') => {
                    self.pos += 1;
                    Ok((Value::Seq(items), false))
                }
                Some(c) => fail(format!("unexpected `{c}` after a list value")),
            };
        }
        let (v, last) = self.until(&[',']);
        Ok((self.scalar(&v), last.is_none()))
    }

    /// Helm's typedVal: `true`/`false`/`null` any case, `0`, and integers without a leading zero.
    fn scalar(&self, s: &str) -> Value {
        if self.kind != SetKind::Typed {
            return Value::Str(s.to_string());
        }
        if s.eq_ignore_ascii_case("true") {
            return Value::Bool(true);
        }
        if s.eq_ignore_ascii_case("false") {
            return Value::Bool(false);
        }
        if s.eq_ignore_ascii_case("null") {
            return Value::Null;
        }
        if s == "0" {
            return Value::Int(0);
        }
        // Go's ParseInt accepts a leading '+' as Rust does
        if !s.is_empty()
            && !s.starts_with('0')
            && let Ok(i) = s.parse::<i64>()
        {
            return Value::Int(i);
        }
        Value::Str(s.to_string())
    }

    fn json_value(&self, v: serde_json::Value) -> Value {
        use serde_json::Value as J;
        match v {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(b),
            J::Number(n) => n
                .as_i64()
                .map_or_else(|| Value::Float(n.as_f64().unwrap_or(0.0)), Value::Int),
            J::String(s) => Value::Str(s),
            J::Array(a) => Value::Seq(
                a.into_iter()
                    .map(|x| self.node(self.json_value(x)))
                    .collect(),
            ),
            J::Object(o) => Value::Map(
                o.into_iter()
                    .map(|(k, x)| (k, self.node(self.json_value(x))))
                    .collect(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(name: &str, _: usize) -> Result<Vec<u8>, crate::source::InputError> {
        match name {
            "pem" => Ok(b"-----BEGIN\nx\n".to_vec()),
            _ => Err(crate::source::InputError::new(
                crate::source::InputErrorKind::Unreadable,
                name,
                "no such file",
            )),
        }
    }

    fn apply_all(args: &[(SetKind, &str)]) -> Result<serde_json::Value, String> {
        let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
        for (i, (k, a)) in args.iter().enumerate() {
            apply_set(
                &mut root,
                *k,
                a,
                Origin::Arg { arg: i as u32 },
                &Limits::default(),
                &mut no_files,
                &|o| match o {
                    Origin::Arg { arg } => args.get(arg as usize).map(|a| a.0),
                    _ => None,
                },
            )?;
        }
        Ok(root.to_json())
    }

    fn set(a: &str) -> Result<serde_json::Value, String> {
        apply_all(&[(SetKind::Typed, a)])
    }

    #[test]
    fn helm_set_syntax_table() {
        use serde_json::json;
        let cases: &[(&str, serde_json::Value)] = &[
            ("a=b", json!({"a": "b"})),
            ("a.b.c=1", json!({"a": {"b": {"c": 1}}})),
            ("a=1,b=2", json!({"a": 1, "b": 2})),
            (
                "a=true,b=FALSE,c=Null",
                json!({"a": true, "b": false, "c": null}),
            ),
            ("a=0", json!({"a": 0})),
            ("a=007", json!({"a": "007"})),
            ("a=1.5", json!({"a": "1.5"})),
            ("a=-3", json!({"a": -3})),
            ("a=", json!({"a": ""})),
            ("a=x\\,y", json!({"a": "x,y"})),
            (
                "nginx\\.ingress\\.kubernetes\\.io/ssl-redirect=false",
                json!({"nginx.ingress.kubernetes.io/ssl-redirect": false}),
            ),
            (
                "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-body-size=16m",
                json!({"ingress": {"annotations": {"nginx.ingress.kubernetes.io/proxy-body-size": "16m"}}}),
            ),
            ("l={a,b,1}", json!({"l": ["a", "b", 1]})),
            ("l[2]=x", json!({"l": [null, null, "x"]})),
            (
                "l[0].host=h,l[0].paths[0].path=/",
                json!({"l": [{"host": "h", "paths": [{"path": "/"}]}]}),
            ),
            ("m[0][1]=x", json!({"m": [[null, "x"]]})),
            ("a=b=c", json!({"a": "b=c"})),
            // an empty value ending the argument, below a list item: Helm drops the item
            ("a.b[1].c=", json!({"a": {"b": []}})),
            (
                "a.b[1].c=,d=1",
                json!({"a": {"b": [null, {"c": ""}]}, "d": 1}),
            ),
            ("a.", json!({})),
        ];
        for (arg, want) in cases {
            assert_eq!(&set(arg).unwrap(), want, "--set {arg}");
        }
    }

    #[test]
    fn set_string_and_json() {
        use serde_json::json;
        assert_eq!(
            apply_all(&[(SetKind::String, "a=1,b=true")]).unwrap(),
            json!({"a": "1", "b": "true"})
        );
        assert_eq!(
            apply_all(&[(SetKind::Json, r#"a={"x":[1,"y"]},b=null"#)]).unwrap(),
            json!({"a": {"x": [1, "y"]}, "b": null})
        );
        assert!(
            apply_all(&[(SetKind::Json, "a={bad")])
                .unwrap_err()
                .contains("invalid JSON")
        );
    }

    #[test]
    fn set_file_and_set_literal() {
        use serde_json::json;
        assert_eq!(
            apply_all(&[(SetKind::File, "tls.cert=pem")]).unwrap(),
            json!({"tls": {"cert": "-----BEGIN\nx\n"}})
        );
        assert!(
            apply_all(&[(SetKind::File, "a=missing")])
                .unwrap_err()
                .contains("cannot read `missing`")
        );
        assert_eq!(
            apply_all(&[(SetKind::Literal, "a.b=x,y=z\\q")]).unwrap(),
            json!({"a": {"b": "x,y=z\\q"}})
        );
        assert_eq!(
            apply_all(&[(SetKind::Literal, "l[1]=")]).unwrap(),
            json!({"l": [null, ""]})
        );
    }

    #[test]
    fn empty_values_are_found_as_written() {
        assert_eq!(empty_assignments("a="), ["a"]);
        assert_eq!(empty_assignments("a=,b=1,c="), ["a", "c"]);
        assert_eq!(empty_assignments("x.y[0].z=1"), Vec::<String>::new());
        assert_eq!(empty_assignments("a=\\,"), Vec::<String>::new());
        assert_eq!(empty_assignments("l={a,b},m="), ["m"]);
        assert_eq!(empty_assignments("k\\.x="), ["k\\.x"]);
    }

    #[test]
    fn set_errors_as_helm() {
        assert!(set("a").unwrap_err().contains("has no value"));
        assert!(set("a,b=1").unwrap_err().contains("cannot end with"));
        assert!(set("a[-1]=x").unwrap_err().contains("negative"));
        assert!(
            set("a[70000]=x")
                .unwrap_err()
                .contains("maximum supported index")
        );
        assert!(set("a[x]=1").unwrap_err().contains("not an integer"));
        assert!(set("a[0]x=1").unwrap_err().contains("unexpected data"));
        let deep = format!("{}=1", vec!["k"; 40].join("."));
        assert!(set(&deep).unwrap_err().contains("nested level"));
        let deep_list = format!("a{}=1", "[0]".repeat(100_000));
        // below a value of another type, Helm's interface conversion fails
        let conflict = |a: &[(SetKind, &str)]| apply_all(a).unwrap_err();
        let e = conflict(&[(SetKind::Typed, "x.a=[1]"), (SetKind::String, "x.a.b=v")]);
        assert!(e.contains("`x.a` is already a string, not a map"), "{e}");
        assert!(
            e.contains("interface {} is string, not map[string]interface {}"),
            "{e}"
        );
        let e = conflict(&[(SetKind::Typed, "x.a=1,x.a[0]=v")]);
        assert!(e.contains("is int64, not []interface {}"), "{e}");
        let e = conflict(&[(SetKind::Json, "x.a=1"), (SetKind::Literal, "x.a.b=v")]);
        assert!(e.contains("is float64, not map"), "{e}");
        let e = conflict(&[(SetKind::Typed, "l[0]=true,l[0][1]=v")]);
        assert!(e.contains("`l[0]` is already a boolean, not a list"), "{e}");
        let e = conflict(&[(SetKind::Typed, "n=null,n.a=1")]);
        assert!(e.contains("is nil, not map"), "{e}");
        // a null list item may become a list, any item a map
        assert_eq!(
            apply_all(&[(SetKind::Typed, "l[0]=null,l[0][1]=v,m[0]=1,m[0].b=v")]).unwrap(),
            serde_json::json!({"l": [[null, "v"]], "m": [{"b": "v"}]})
        );
        // one JSON object is merged into the values
        assert_eq!(
            apply_all(&[
                (SetKind::Typed, "a.c=2"),
                (SetKind::Json, r#" {"a":{"b":1}} "#)
            ])
            .unwrap(),
            serde_json::json!({"a": {"b": 1, "c": 2}})
        );
        assert!(conflict(&[(SetKind::Json, r#"{"a":1}x"#)]).contains("not a JSON object"));
        assert!(set(&deep_list).unwrap_err().contains("nested level"));
    }

    #[test]
    fn set_merges_into_existing_list_items() {
        use serde_json::json;
        let mut root = Node::new(Value::Map(Map::new()), Origin::Default);
        let l = &Limits::default();
        apply_set(
            &mut root,
            SetKind::Json,
            r#"hosts=[{"host":"a","paths":[{"path":"/"}]}]"#,
            Origin::Arg { arg: 0 },
            l,
            &mut no_files,
            &|_| None,
        )
        .unwrap();
        apply_set(
            &mut root,
            SetKind::Typed,
            "hosts[0].host=b",
            Origin::Arg { arg: 1 },
            l,
            &mut no_files,
            &|_| None,
        )
        .unwrap();
        assert_eq!(
            root.to_json(),
            json!({"hosts": [{"host": "b", "paths": [{"path": "/"}]}]})
        );
        // the new value remembers its argument, the untouched one its original source
        let hosts = &root.as_map().unwrap()["hosts"];
        let Value::Seq(items) = &hosts.value else {
            panic!()
        };
        let m = items[0].as_map().unwrap();
        assert_eq!(m["host"].origin, Origin::Arg { arg: 1 });
        assert_eq!(m["paths"].origin, Origin::Arg { arg: 0 });
    }
}
