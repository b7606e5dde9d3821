//! Terraform `helm_release` resources, parsed with hcl-edit (positions from its spans). Checked
//! against hashicorp/terraform-provider-helm (`helm/resource_helm_release.go` `getValues`,
//! `getValue`, `getListValue`): the `values` list is merged in order, then `set`, `set_list` and
//! `set_sensitive` are applied to the result with Helm's `strvals` (`type = "string"` as
//! `--set-string` would; `set_list` as `name={a,b}`), and the result is the release's values.
//! Provider 2.x writes `set { }` blocks, provider 3.x `set = [ { } ]` lists; both are read, and
//! `dynamic "set"` over a known collection. `name` is the release name, `namespace` defaults to
//! `default`.
//!
//! Expressions are evaluated as far as the module itself determines them: literals, `locals`,
//! `path.module`, `file()`, `templatefile()`, `yamlencode()`, `jsonencode()` and a few string and
//! collection functions. Variables are known only when the user passes them (`--tf-var`,
//! `--tf-vars`): a default in `variable` may be overridden by the run, so it is never taken.
//! Everything else (data sources, other resources, unknown functions) is unknown, and stays a
//! token in the values.

use hcl_edit::Span;
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator};
use hcl_edit::structure::{Block, Body};
use hcl_edit::template::{Element, Template};

use super::embed::{self, Placement};
use super::unknown::Unknowns;
use super::wrapper::{Ctx, InputKind, Known, Layer, Release, Skipped, normalize};
use crate::source::{InputError, InputErrorKind, Map, Node, Origin, SetKind, Sources, Value};

/// A `.tf` (or `.tfvars`) file of the module, parsed.
struct TfFile {
    id: u32,
    text: String,
    /// Where each line starts, for spans to line and column.
    starts: Vec<usize>,
}

impl TfFile {
    fn new(id: u32, text: String) -> TfFile {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        TfFile { id, text, starts }
    }

    fn origin(&self, byte: usize) -> Origin {
        let line = self.starts.partition_point(|s| *s <= byte).max(1);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..byte.min(self.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        Origin::File {
            file: self.id,
            line: line as u32,
            column: column as u32,
        }
    }

    fn text_of(&self, span: Option<std::ops::Range<usize>>) -> String {
        span.and_then(|r| self.text.get(r))
            .map(|s| s.trim().to_string())
            .unwrap_or_default()
    }
}

/// The module: its files, locals and the variables the user passed.
struct Module {
    files: Vec<TfFile>,
    locals: Vec<(String, usize, Expression)>,
    /// Variable defaults, named in messages only.
    defaults: Vec<(String, String, Origin)>,
    vars: Vec<(String, Node)>,
    dir: String,
}

/// A value as far as it is known.
#[derive(Clone, Debug)]
enum Val {
    Known(Node),
    /// Not known here; the expression as written.
    Unknown(String, Origin),
}

/// One `set`-like assignment to evaluate: its expressions, where it is, and the iteration
/// variables of the `dynamic` block that made it.
struct SetItem {
    name: Option<Expression>,
    value: Option<Expression>,
    ty: Option<Expression>,
    origin: Origin,
    scope: Scope,
    file: usize,
}

/// Iteration variables in scope (`set` in a `dynamic "set"` block, a template's variables).
type Scope = Vec<(String, Node)>;

struct Eval<'a> {
    m: &'a Module,
    file: usize,
    unknowns: &'a mut Unknowns,
    scope: Scope,
    depth: u32,
}

const MAX_DEPTH: u32 = 64;

pub fn read(
    file: u32,
    sources: &mut Sources,
    ctx: &mut Ctx<'_>,
) -> Result<(Vec<Release>, Vec<Skipped>), InputError> {
    let text = sources.files[file as usize].text.clone();
    let shown = sources.files[file as usize].name.clone();
    let body = parse(&text, &shown)?;
    let dir = std::path::Path::new(&shown)
        .parent()
        .map(|p| p.display().to_string())
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| ".".to_string());
    let mut module = Module {
        files: vec![TfFile::new(file, text)],
        locals: Vec::new(),
        defaults: Vec::new(),
        vars: Vec::new(),
        dir: dir.clone(),
    };
    collect_module(&body, 0, &mut module);
    // the module's other files: their locals and variables
    if shown != "<stdin>"
        && let Ok(entries) = std::fs::read_dir(&dir)
    {
        let mut siblings: Vec<String> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "tf") && p.is_file())
            .map(|p| normalize(&p))
            .filter(|p| *p != normalize(std::path::Path::new(&shown)))
            .collect();
        siblings.sort();
        for s in siblings {
            let Ok((id, t)) = ctx.read_file(&s, sources, Origin::Default, "module file") else {
                continue;
            };
            let Ok(b) = parse(&t, &s) else { continue };
            module.files.push(TfFile::new(id, t));
            let idx = module.files.len() - 1;
            collect_module(&b, idx, &mut module);
        }
    }
    read_vars(&mut module, sources, ctx)?;
    let mut releases = Vec::new();
    let mut skipped = Vec::new();
    for block in body.get_blocks("resource") {
        let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
        if labels.first() != Some(&"helm_release") {
            continue;
        }
        let label = labels.get(1).copied().unwrap_or("");
        let origin = module.files[0].origin(block.span().map_or(0, |s| s.start));
        let mut unknowns = Unknowns::default();
        let mut ev = Eval {
            m: &module,
            file: 0,
            unknowns: &mut unknowns,
            scope: Vec::new(),
            depth: 0,
        };
        let chart = attr(&block.body, "chart").map(|e| (ev.eval(e), ev.origin(e)));
        let repo = attr(&block.body, "repository").map(|e| ev.eval(e));
        let chart_name = match &chart {
            Some((
                Val::Known(Node {
                    value: Value::Str(s),
                    ..
                }),
                o,
            )) => (s.clone(), *o),
            Some((Val::Unknown(expr, _), o)) => {
                skipped.push(Skipped {
                    what: format!("helm_release `{label}`: its chart is `{expr}`, which this tool cannot resolve"),
                    origin: *o,
                });
                continue;
            }
            _ => continue,
        };
        if !super::wrapper::is_airbyte_chart(&chart_name.0) {
            let repo_text = match &repo {
                Some(Val::Known(Node {
                    value: Value::Str(r),
                    ..
                })) => format!(" from `{r}`"),
                _ => String::new(),
            };
            skipped.push(Skipped {
                what: format!(
                    "helm_release `{label}` (chart `{}`{repo_text}, not Airbyte's)",
                    chart_name.0
                ),
                origin,
            });
            continue;
        }
        let mut rel = Release::new(
            InputKind::TerraformHelmRelease,
            &shown,
            origin,
            Known::new(chart_name.0.clone(), "chart", chart_name.1),
        );
        if block.body.get_attribute("count").is_some()
            || block.body.get_attribute("for_each").is_some()
        {
            rel.cannot_assess(origin, format!("helm_release `{label}` has `count` or `for_each`: it is checked once, with `count.index` and `each` unknown"));
        }
        let string_of = |ev: &mut Eval<'_>, key: &str, hint: &str| -> Option<Known<String>> {
            let e = attr(&block.body, key)?;
            let o = ev.origin(e);
            let s = ev.string(e, hint);
            Some(Known::new(s, key, o))
        };
        rel.name = string_of(&mut ev, "name", "the release name");
        rel.namespace = string_of(&mut ev, "namespace", "the namespace").or_else(|| {
            Some(Known::new(
                "default".to_string(),
                "the provider's default (no `namespace`)",
                origin,
            ))
        });
        rel.version = string_of(&mut ev, "version", "the chart version");
        // values, then set, set_list, set_sensitive: the provider's order
        if let Some(values) = attr(&block.body, "values") {
            match values {
                Expression::Array(items) => {
                    for item in items.iter() {
                        ev.values_layer(item, sources, ctx, &mut rel)?;
                    }
                }
                other => {
                    let o = ev.origin(other);
                    rel.unread(o, format!("`values = {}` is not a list written here: the values it holds are not assessed", ev.text(other)));
                }
            }
        }
        for kind in ["set", "set_list", "set_sensitive"] {
            ev.sets(&block.body, kind, &mut rel);
        }
        let _ = ev;
        rel.unknowns.extend(unknowns);
        releases.push(rel);
    }
    Ok((releases, skipped))
}

fn parse(text: &str, shown: &str) -> Result<Body, InputError> {
    hcl_edit::parser::parse_body(text).map_err(|e| {
        let loc = e.location();
        InputError::new(
            InputErrorKind::Syntax,
            shown,
            format!("invalid HCL: {}", e.message()),
        )
        .at(Some(loc.line() as u32), Some(loc.column() as u32))
    })
}

fn attr<'b>(body: &'b Body, key: &str) -> Option<&'b Expression> {
    body.get_attribute(key).map(|a| &a.value)
}

/// The module's `locals` and `variable` defaults in `body` (file index `idx`).
fn collect_module(body: &Body, idx: usize, m: &mut Module) {
    for b in body.get_blocks("locals") {
        for a in b.body.attributes() {
            m.locals
                .push((a.key.value().as_str().to_string(), idx, a.value.clone()));
        }
    }
    for b in body.get_blocks("variable") {
        let Some(name) = b.labels.first().map(|l| l.as_str().to_string()) else {
            continue;
        };
        if let Some(d) = attr(&b.body, "default") {
            let f = &m.files[idx];
            m.defaults.push((
                name,
                f.text_of(d.span()),
                f.origin(d.span().map_or(0, |s| s.start)),
            ));
        }
    }
}

/// `--tf-vars FILE` (in order), then `--tf-var NAME=VALUE` (in order): the later wins, as on
/// Terraform's command line.
fn read_vars(m: &mut Module, sources: &mut Sources, ctx: &mut Ctx<'_>) -> Result<(), InputError> {
    let mut vars: Vec<(String, Node)> = Vec::new();
    let set = |vars: &mut Vec<(String, Node)>, name: String, v: Node| {
        vars.retain(|(n, _)| *n != name);
        vars.push((name, v));
    };
    for f in ctx.tf_var_files.clone() {
        let (id, text) = ctx.read_file(&f, sources, Origin::Command, "--tf-vars")?;
        let body = parse(&text, &sources.files[id as usize].name.clone())?;
        m.files.push(TfFile::new(id, text));
        let idx = m.files.len() - 1;
        for a in body.attributes() {
            let mut unknowns = Unknowns::default();
            let mut ev = Eval {
                m,
                file: idx,
                unknowns: &mut unknowns,
                scope: Vec::new(),
                depth: 0,
            };
            if let Val::Known(n) = ev.eval(&a.value) {
                set(&mut vars, a.key.value().as_str().to_string(), n);
            }
        }
    }
    for v in ctx.tf_vars.clone() {
        let Some((name, value)) = v.split_once('=') else {
            return Err(InputError::new(
                InputErrorKind::Invalid,
                format!("--tf-var {v}"),
                "write `--tf-var NAME=VALUE`",
            ));
        };
        // as Terraform's `-var`: an HCL literal (a list, a map, a number) when it reads as one,
        // otherwise the text as a string
        let node = match hcl_edit::parser::parse_expr(value) {
            Ok(e) => {
                let f = TfFile::new(u32::MAX, value.to_string());
                let tmp = Module {
                    files: vec![f],
                    locals: Vec::new(),
                    defaults: Vec::new(),
                    vars: Vec::new(),
                    dir: m.dir.clone(),
                };
                let mut unknowns = Unknowns::default();
                let mut ev = Eval {
                    m: &tmp,
                    file: 0,
                    unknowns: &mut unknowns,
                    scope: Vec::new(),
                    depth: 0,
                };
                match ev.eval(&e) {
                    Val::Known(mut n)
                        if matches!(
                            e,
                            Expression::Array(_)
                                | Expression::Object(_)
                                | Expression::Number(_)
                                | Expression::Bool(_)
                                | Expression::String(_)
                        ) =>
                    {
                        set_origin(&mut n, Origin::Command);
                        n
                    }
                    _ => Node::new(Value::Str(value.to_string()), Origin::Command),
                }
            }
            Err(_) => Node::new(Value::Str(value.to_string()), Origin::Command),
        };
        set(&mut vars, name.to_string(), node);
    }
    m.vars = vars;
    Ok(())
}

fn set_origin(n: &mut Node, o: Origin) {
    n.origin = o;
    n.key_origin = o;
    match &mut n.value {
        Value::Seq(s) => s.iter_mut().for_each(|c| set_origin(c, o)),
        Value::Map(m) => m.values_mut().for_each(|c| set_origin(c, o)),
        _ => {}
    }
}

/// A scalar as Terraform turns it into a string.
fn scalar_string(n: &Node) -> Option<String> {
    match &n.value {
        Value::Str(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

impl Eval<'_> {
    fn f(&self) -> &TfFile {
        &self.m.files[self.file]
    }

    fn origin(&self, e: &Expression) -> Origin {
        self.f().origin(e.span().map_or(0, |s| s.start))
    }

    fn text(&self, e: &Expression) -> String {
        self.f().text_of(e.span())
    }

    fn unknown(&self, e: &Expression) -> Val {
        Val::Unknown(self.text(e), self.origin(e))
    }

    /// The hint for resolving an expression: a variable names its flag.
    fn hint(&self, expr: &str) -> String {
        if let Some(name) = expr
            .strip_prefix("var.")
            .map(|r| r.split(['.', '[']).next().unwrap_or(r))
        {
            let default = self
                .m
                .defaults
                .iter()
                .find(|(n, _, _)| n == name)
                .map(|(_, d, _)| format!(" (its `default` is `{d}`, but the run may set another)"))
                .unwrap_or_default();
            return format!(
                "a Terraform variable{default}: pass `--tf-var {name}=VALUE` or `--tf-vars FILE.tfvars` to check with its value"
            );
        }
        if expr.starts_with("data.") {
            return "a Terraform data source, known only when Terraform runs".into();
        }
        "a Terraform expression this tool does not evaluate".into()
    }

    /// The value as a string for a field that must be one: an unknown is its token.
    fn string(&mut self, e: &Expression, _what: &str) -> String {
        match self.eval(e) {
            Val::Known(n) => scalar_string(&n).unwrap_or_default(),
            Val::Unknown(expr, o) => {
                let hint = self.hint(&expr);
                self.unknowns.add(&expr, o, hint)
            }
        }
    }

    fn known(&self, v: Value, e: &Expression) -> Val {
        Val::Known(Node::new(v, self.origin(e)))
    }

    fn eval(&mut self, e: &Expression) -> Val {
        if self.depth > MAX_DEPTH {
            return self.unknown(e);
        }
        self.depth += 1;
        let v = self.eval_inner(e);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &Expression) -> Val {
        match e {
            Expression::Null(_) => self.known(Value::Null, e),
            Expression::Bool(b) => self.known(Value::Bool(*b.value()), e),
            Expression::Number(n) => {
                let n = n.value();
                match n.as_i64() {
                    Some(i) => self.known(Value::Int(i), e),
                    None => self.known(Value::Float(n.as_f64().unwrap_or(0.0)), e),
                }
            }
            Expression::String(s) => self.known(Value::Str(s.value().to_string()), e),
            Expression::Array(items) => {
                let mut out = Vec::new();
                for i in items.iter() {
                    match self.eval(i) {
                        Val::Known(n) => out.push(n),
                        u @ Val::Unknown(..) => return u,
                    }
                }
                self.known(Value::Seq(out), e)
            }
            Expression::Object(obj) => {
                let mut entries: Vec<(String, Node)> = Vec::new();
                for (k, v) in obj.iter() {
                    let (key, key_origin) = match k {
                        ObjectKey::Ident(i) => (
                            i.value().as_str().to_string(),
                            self.f().origin(i.span().map_or(0, |s| s.start)),
                        ),
                        ObjectKey::Expression(ke) => {
                            let o = self.origin(ke);
                            (self.string(ke, "a key"), o)
                        }
                    };
                    let mut node = match self.eval(v.expr()) {
                        Val::Known(n) => n,
                        Val::Unknown(expr, o) => {
                            let hint = self.hint(&expr);
                            let t = self.unknowns.add(&expr, o, hint);
                            Node::new(Value::Str(t), o)
                        }
                    };
                    node.key_origin = key_origin;
                    entries.retain(|(k2, _)| *k2 != key);
                    entries.push((key, node));
                }
                match Map::from_entries(entries) {
                    Ok(m) => self.known(Value::Map(m), e),
                    Err(_) => self.unknown(e),
                }
            }
            Expression::StringTemplate(t) => {
                let els: Vec<Element> = t.iter().cloned().collect();
                match self.render(&els) {
                    Some(s) => self.known(Value::Str(s), e),
                    None => self.unknown(e),
                }
            }
            Expression::HeredocTemplate(h) => {
                let els: Vec<Element> = h.template.iter().cloned().collect();
                match self.render(&els) {
                    Some(s) => self.known(Value::Str(s), e),
                    None => self.unknown(e),
                }
            }
            Expression::Parenthesis(p) => self.eval(p.inner()),
            Expression::Variable(v) => {
                let name = v.value().as_str();
                match self.scope.iter().rev().find(|(n, _)| n == name) {
                    Some((_, n)) => Val::Known(n.clone()),
                    None => self.unknown(e),
                }
            }
            Expression::Conditional(c) => match self.eval(&c.cond_expr) {
                Val::Known(Node {
                    value: Value::Bool(true),
                    ..
                }) => self.eval(&c.true_expr),
                Val::Known(Node {
                    value: Value::Bool(false),
                    ..
                }) => self.eval(&c.false_expr),
                _ => self.unknown(e),
            },
            Expression::BinaryOp(op) => {
                use hcl_edit::expr::BinaryOperator as B;
                let (l, r) = (self.eval(&op.lhs_expr), self.eval(&op.rhs_expr));
                let (Val::Known(l), Val::Known(r)) = (l, r) else {
                    return self.unknown(e);
                };
                let b = match op.operator.value() {
                    B::Eq => l.value == r.value,
                    B::NotEq => l.value != r.value,
                    B::And | B::Or => match (&l.value, &r.value) {
                        (Value::Bool(a), Value::Bool(b)) => {
                            if matches!(op.operator.value(), B::And) {
                                *a && *b
                            } else {
                                *a || *b
                            }
                        }
                        _ => return self.unknown(e),
                    },
                    _ => return self.unknown(e),
                };
                self.known(Value::Bool(b), e)
            }
            Expression::UnaryOp(u) => match self.eval(&u.expr) {
                Val::Known(Node {
                    value: Value::Bool(b),
                    ..
                }) if matches!(u.operator.value(), hcl_edit::expr::UnaryOperator::Not) => {
                    self.known(Value::Bool(!b), e)
                }
                _ => self.unknown(e),
            },
            Expression::Traversal(t) => self.traverse(t, e),
            Expression::FuncCall(call) => self.call(call, e),
            Expression::ForExpr(_) => self.unknown(e),
        }
    }

    /// `var.x`, `local.x`, `path.module`, an iteration variable, then attribute and index steps.
    fn traverse(&mut self, t: &hcl_edit::expr::Traversal, e: &Expression) -> Val {
        let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
        let attr_name = |i: usize| match ops.get(i) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.value().as_str().to_string()),
            _ => None,
        };
        let (mut cur, rest) = match &t.expr {
            Expression::Variable(v) => match v.value().as_str() {
                "var" => {
                    let Some(name) = attr_name(0) else {
                        return self.unknown(e);
                    };
                    match self.m.vars.iter().find(|(n, _)| *n == name) {
                        Some((_, n)) => {
                            let mut n = n.clone();
                            if n.origin == Origin::Command {
                                set_origin(&mut n, self.origin(e));
                            }
                            (n, 1)
                        }
                        None => return Val::Unknown(format!("var.{name}"), self.origin(e)),
                    }
                }
                "local" => {
                    let Some(name) = attr_name(0) else {
                        return self.unknown(e);
                    };
                    let Some((_, idx, expr)) =
                        self.m.locals.iter().find(|(n, _, _)| *n == name).cloned()
                    else {
                        return self.unknown(e);
                    };
                    let saved = (self.file, std::mem::take(&mut self.scope));
                    self.file = idx;
                    let v = self.eval(&expr);
                    self.file = saved.0;
                    self.scope = saved.1;
                    match v {
                        Val::Known(n) => (n, 1),
                        Val::Unknown(..) => {
                            return Val::Unknown(format!("local.{name}"), self.origin(e));
                        }
                    }
                }
                "path" => match attr_name(0).as_deref() {
                    Some("module") | Some("root") | Some("cwd") => {
                        (Node::new(Value::Str(self.m.dir.clone()), self.origin(e)), 1)
                    }
                    _ => return self.unknown(e),
                },
                name => match self.scope.iter().rev().find(|(n, _)| n == name) {
                    Some((_, n)) => (n.clone(), 0),
                    None => return self.unknown(e),
                },
            },
            other => match self.eval(other) {
                Val::Known(n) => (n, 0),
                u => return u,
            },
        };
        for op in &ops[rest..] {
            let next = match op {
                TraversalOperator::GetAttr(a) => cur
                    .as_map()
                    .and_then(|m| m.get(a.value().as_str()))
                    .cloned(),
                TraversalOperator::Index(ie) => match self.eval(ie) {
                    Val::Known(Node {
                        value: Value::Str(k),
                        ..
                    }) => cur.as_map().and_then(|m| m.get(&k)).cloned(),
                    Val::Known(Node {
                        value: Value::Int(i),
                        ..
                    }) => match &cur.value {
                        Value::Seq(s) => usize::try_from(i).ok().and_then(|i| s.get(i)).cloned(),
                        _ => None,
                    },
                    _ => None,
                },
                TraversalOperator::LegacyIndex(i) => match &cur.value {
                    Value::Seq(s) => s.get(*i.value() as usize).cloned(),
                    _ => None,
                },
                _ => None,
            };
            match next {
                Some(n) => cur = n,
                None => return self.unknown(e),
            }
        }
        Val::Known(cur)
    }

    fn call(&mut self, call: &hcl_edit::expr::FuncCall, e: &Expression) -> Val {
        if !call.name.namespace.is_empty() {
            return self.unknown(e);
        }
        let name = call.name.name.value().as_str();
        let args: Vec<&Expression> = call.args.iter().collect();
        let mut known = Vec::new();
        for a in &args {
            match self.eval(a) {
                Val::Known(n) => known.push(n),
                Val::Unknown(..) => return self.unknown(e),
            }
        }
        let s = |i: usize| known.get(i).and_then(scalar_string);
        let out = match (name, known.len()) {
            ("file", 1) => {
                // read here: what the values layer reads is read by `values_layer`
                return self.unknown(e);
            }
            ("lower", 1) => s(0).map(|v| Value::Str(v.to_lowercase())),
            ("upper", 1) => s(0).map(|v| Value::Str(v.to_uppercase())),
            ("trimspace", 1) => s(0).map(|v| Value::Str(v.trim().to_string())),
            ("tostring", 1) => s(0).map(Value::Str),
            ("trimsuffix", 2) => s(0)
                .zip(s(1))
                .map(|(a, b)| Value::Str(a.strip_suffix(&b).unwrap_or(&a).to_string())),
            ("trimprefix", 2) => s(0)
                .zip(s(1))
                .map(|(a, b)| Value::Str(a.strip_prefix(&b).unwrap_or(&a).to_string())),
            ("replace", 3) => match (s(0), s(1), s(2)) {
                (Some(a), Some(b), Some(c)) if !(b.starts_with('/') && b.ends_with('/')) => {
                    Some(Value::Str(a.replace(&b, &c)))
                }
                _ => None,
            },
            ("join", 2) => match (&known[1].value, s(0)) {
                (Value::Seq(items), Some(sep)) => items
                    .iter()
                    .map(scalar_string)
                    .collect::<Option<Vec<_>>>()
                    .map(|parts| Value::Str(parts.join(&sep))),
                _ => None,
            },
            ("format", n) if n >= 1 => s(0).and_then(|fmt| {
                let mut out = String::new();
                let mut arg = 1;
                let mut chars = fmt.chars().peekable();
                while let Some(c) = chars.next() {
                    if c == '%' {
                        match chars.next() {
                            Some('%') => out.push('%'),
                            Some('s') | Some('d') | Some('v') => {
                                out.push_str(&s(arg)?);
                                arg += 1;
                            }
                            _ => return None,
                        }
                    } else {
                        out.push(c);
                    }
                }
                Some(Value::Str(out))
            }),
            ("merge", _) => {
                // Terraform's merge is shallow: later keys replace earlier ones whole
                let mut entries: Vec<(String, Node)> = Vec::new();
                for n in &known {
                    let Some(m) = n.as_map() else {
                        return self.unknown(e);
                    };
                    for (k, v) in m.iter() {
                        entries.retain(|(k2, _)| k2 != k);
                        entries.push((k.clone(), v.clone()));
                    }
                }
                Map::from_entries(entries).ok().map(Value::Map)
            }
            ("concat", _) => {
                let mut out = Vec::new();
                for n in &known {
                    match &n.value {
                        Value::Seq(s) => out.extend(s.iter().cloned()),
                        _ => return self.unknown(e),
                    }
                }
                Some(Value::Seq(out))
            }
            ("lookup", 2 | 3) => match (known[0].as_map(), s(1)) {
                (Some(m), Some(k)) => match m.get(&k) {
                    Some(v) => return Val::Known(v.clone()),
                    None => {
                        return known
                            .get(2)
                            .cloned()
                            .map_or_else(|| self.unknown(e), Val::Known);
                    }
                },
                _ => None,
            },
            ("coalesce", _) => {
                return known
                    .into_iter()
                    .find(|n| {
                        !matches!(&n.value, Value::Null)
                            && !matches!(&n.value, Value::Str(s) if s.is_empty())
                    })
                    .map_or_else(|| self.unknown(e), Val::Known);
            }
            ("tomap" | "tolist" | "toset" | "try", _) if !known.is_empty() => {
                return Val::Known(known[0].clone());
            }
            _ => None,
        };
        match out {
            Some(v) => self.known(v, e),
            None => self.unknown(e),
        }
    }

    /// A template's text: literals as written, interpolations as their value (or token); `None`
    /// when it has directives (`%{ if }`), which this tool does not evaluate.
    fn render(&mut self, els: &[Element]) -> Option<String> {
        let mut out = String::new();
        for el in els {
            match el {
                Element::Literal(l) => out.push_str(l.value()),
                Element::Interpolation(i) => match self.eval(&i.expr) {
                    Val::Known(n) => out.push_str(&scalar_string(&n)?),
                    Val::Unknown(expr, o) => {
                        let hint = self.hint(&expr);
                        out.push_str(&self.unknowns.add(&expr, o, hint));
                    }
                },
                Element::Directive(_) => return None,
            }
        }
        Some(out)
    }

    /// One item of `values = [...]` as a layer, at its own lines where they are known.
    fn values_layer(
        &mut self,
        item: &Expression,
        sources: &mut Sources,
        ctx: &mut Ctx<'_>,
        rel: &mut Release,
    ) -> Result<(), InputError> {
        let origin = self.origin(item);
        let outer = self.f().id;
        match item {
            Expression::FuncCall(call) if call.name.namespace.is_empty() => {
                let name = call.name.name.value().as_str();
                let args: Vec<&Expression> = call.args.iter().collect();
                match (name, args.as_slice()) {
                    ("file", [p]) => {
                        let Some(path) = self.path(p, rel) else {
                            return Ok(());
                        };
                        rel.layers
                            .push(ctx.values_file(&path, sources, origin, "file()")?);
                        return Ok(());
                    }
                    ("templatefile", [p, vars]) => {
                        let Some(path) = self.path(p, rel) else {
                            return Ok(());
                        };
                        let (id, text) = ctx.read_file(&path, sources, origin, "templatefile()")?;
                        let shown = sources.files[id as usize].name.clone();
                        let Val::Known(vars_node) = self.eval(vars) else {
                            rel.unread(origin, format!("the variables of `templatefile(\"{path}\", ...)` are not known here: its values are not assessed"));
                            return Ok(());
                        };
                        let template = match hcl_edit::parser::parse_template(&text) {
                            Ok(t) => t,
                            Err(err) => {
                                let loc = err.location();
                                return Err(InputError::new(
                                    InputErrorKind::Syntax,
                                    shown,
                                    format!("invalid template: {}", err.message()),
                                )
                                .at(Some(loc.line() as u32), Some(loc.column() as u32)));
                            }
                        };
                        let scope: Scope = vars_node
                            .as_map()
                            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                            .unwrap_or_default();
                        let saved = std::mem::replace(&mut self.scope, scope);
                        let rendered = self.render(&template_elements(&template));
                        self.scope = saved;
                        let Some(rendered) = rendered else {
                            rel.unread(origin, format!("`{path}` has template directives (`%{{ }}`), which this tool does not evaluate: its values are not assessed"));
                            return Ok(());
                        };
                        let place = Placement::Lines {
                            first_line: 1,
                            indent: 0,
                            file: id,
                        };
                        let doc = embed::parse_values(&rendered, place, id, &shown, &ctx.limits)?;
                        rel.layers.push(Layer::tree(doc, origin));
                        return Ok(());
                    }
                    ("yamlencode" | "jsonencode", [obj]) => {
                        match self.eval(obj) {
                            Val::Known(n) if matches!(n.value, Value::Map(_)) => {
                                rel.layers.push(Layer::Tree {
                                    root: n,
                                    from: origin,
                                    documents: 1,
                                    duplicates: Vec::new(),
                                    under_defaults: false,
                                })
                            }
                            Val::Known(_) => {}
                            Val::Unknown(expr, o) => {
                                let hint = self.hint(&expr);
                                rel.unread(o, format!("the values `{}` are built from `{expr}` ({hint}): not assessed", self.text(item)));
                            }
                        }
                        return Ok(());
                    }
                    _ => {}
                }
            }
            Expression::HeredocTemplate(h) => {
                let els: Vec<Element> = h.template.iter().cloned().collect();
                let Some(text) = self.render(&els) else {
                    rel.unread(
                        origin,
                        "a heredoc with template directives (`%{ }`): its values are not assessed",
                    );
                    return Ok(());
                };
                let Origin::File { line, .. } = origin else {
                    return Ok(());
                };
                let place = Placement::Lines {
                    first_line: line + 1,
                    indent: h.indent().unwrap_or(0) as u32,
                    file: outer,
                };
                let shown = sources.files[outer as usize].name.clone();
                let doc = embed::parse_values(&text, place, outer, &shown, &ctx.limits)?;
                rel.layers.push(Layer::tree(doc, origin));
                return Ok(());
            }
            Expression::Traversal(t) => {
                // a local that is itself a file(), a heredoc or yamlencode(): read it where it is
                if let (Expression::Variable(v), Some(TraversalOperator::GetAttr(a))) =
                    (&t.expr, t.operators.first().map(|o| o.value()))
                    && v.value().as_str() == "local"
                    && t.operators.len() == 1
                    && let Some((_, idx, expr)) = self
                        .m
                        .locals
                        .iter()
                        .find(|(n, _, _)| n == a.value().as_str())
                        .cloned()
                {
                    let saved = self.file;
                    self.file = idx;
                    let r = self.values_layer(&expr, sources, ctx, rel);
                    self.file = saved;
                    return r;
                }
            }
            _ => {}
        }
        match self.eval(item) {
            Val::Known(Node {
                value: Value::Str(text),
                origin: o,
                ..
            }) => {
                if text.trim().is_empty() {
                    return Ok(());
                }
                let shown = sources.files[outer as usize].name.clone();
                let doc = embed::parse_values(&text, Placement::At(o), outer, &shown, &ctx.limits)?;
                rel.layers.push(Layer::tree(doc, origin));
            }
            Val::Known(Node {
                value: Value::Null, ..
            }) => {}
            Val::Known(_) => rel.cannot_assess(
                origin,
                "a `values` item that is not a string of YAML: the provider refuses it",
            ),
            Val::Unknown(expr, o) => {
                let hint = self.hint(&expr);
                rel.unread(
                    o,
                    format!(
                        "the values `{}` are built from `{expr}` ({hint}): not assessed",
                        self.text(item)
                    ),
                );
            }
        }
        Ok(())
    }

    /// The path a `file()`/`templatefile()` names, relative to the module; `None` with a note when
    /// it is not known.
    fn path(&mut self, p: &Expression, rel: &mut Release) -> Option<String> {
        match self.eval(p) {
            Val::Known(Node {
                value: Value::Str(s),
                ..
            }) => {
                let path = std::path::Path::new(&s);
                Some(
                    if path.is_absolute() || s.starts_with(&self.m.dir) || self.m.dir == "." {
                        normalize(path)
                    } else {
                        normalize(&std::path::Path::new(&self.m.dir).join(path))
                    },
                )
            }
            _ => {
                let o = self.origin(p);
                rel.unread(
                    o,
                    format!(
                        "the file `{}` is not known here: the values it holds are not assessed",
                        self.text(p)
                    ),
                );
                None
            }
        }
    }

    /// The `set`-like assignments of `kind` (`set`, `set_list`, `set_sensitive`): blocks
    /// (provider 2), a list attribute (provider 3), and `dynamic` blocks.
    fn sets(&mut self, body: &Body, kind: &str, rel: &mut Release) {
        let mut items: Vec<SetItem> = Vec::new();
        for b in body.get_blocks(kind) {
            let o = self.f().origin(b.span().map_or(0, |s| s.start));
            items.push(SetItem {
                name: attr(&b.body, "name").cloned(),
                value: attr(&b.body, "value").cloned(),
                ty: attr(&b.body, "type").cloned(),
                origin: o,
                scope: Vec::new(),
                file: self.file,
            });
        }
        if let Some(Expression::Array(list)) = attr(body, kind) {
            for i in list.iter() {
                if let Expression::Object(obj) = i {
                    let get = |k: &str| {
                        obj.iter().find_map(|(key, v)| match key {
                            ObjectKey::Ident(id) if id.value().as_str() == k => {
                                Some(v.expr().clone())
                            }
                            _ => None,
                        })
                    };
                    items.push(SetItem {
                        name: get("name"),
                        value: get("value"),
                        ty: get("type"),
                        origin: self.origin(i),
                        scope: Vec::new(),
                        file: self.file,
                    });
                }
            }
        }
        for d in body
            .get_blocks("dynamic")
            .filter(|b| b.labels.first().map(|l| l.as_str()) == Some(kind))
        {
            self.dynamic(d, kind, rel, &mut items);
        }
        for item in items {
            let saved = (self.file, std::mem::replace(&mut self.scope, item.scope));
            self.file = item.file;
            self.one_set(
                kind,
                item.name.as_ref(),
                item.value.as_ref(),
                item.ty.as_ref(),
                item.origin,
                rel,
            );
            self.file = saved.0;
            self.scope = saved.1;
        }
    }

    fn dynamic(&mut self, d: &Block, kind: &str, rel: &mut Release, items: &mut Vec<SetItem>) {
        let o = self.f().origin(d.span().map_or(0, |s| s.start));
        let iterator = match attr(&d.body, "iterator") {
            Some(Expression::Variable(v)) => v.value().as_str().to_string(),
            _ => kind.to_string(),
        };
        let Some(content) = d.body.get_blocks("content").next() else {
            return;
        };
        let each = attr(&d.body, "for_each").map(|e| self.eval(e));
        let pairs: Vec<(Node, Node)> = match each {
            Some(Val::Known(Node {
                value: Value::Map(m),
                ..
            })) => m
                .iter()
                .map(|(k, v)| (Node::new(Value::Str(k.clone()), v.origin), v.clone()))
                .collect(),
            Some(Val::Known(Node {
                value: Value::Seq(s),
                ..
            })) => s
                .iter()
                .enumerate()
                .map(|(i, v)| (Node::new(Value::Int(i as i64), v.origin), v.clone()))
                .collect(),
            _ => {
                rel.unread(o, format!("`dynamic \"{kind}\"` iterates over a collection not known here: the values it sets are not assessed"));
                return;
            }
        };
        for (k, v) in pairs {
            let obj =
                Map::from_entries(vec![("key".into(), k), ("value".into(), v)]).unwrap_or_default();
            let scope = vec![(iterator.clone(), Node::new(Value::Map(obj), o))];
            items.push(SetItem {
                name: attr(&content.body, "name").cloned(),
                value: attr(&content.body, "value").cloned(),
                ty: attr(&content.body, "type").cloned(),
                origin: o,
                scope,
                file: self.file,
            });
        }
    }

    fn one_set(
        &mut self,
        kind: &str,
        name: Option<&Expression>,
        value: Option<&Expression>,
        ty: Option<&Expression>,
        origin: Origin,
        rel: &mut Release,
    ) {
        let Some(name_e) = name else { return };
        let name = match self.eval(name_e) {
            Val::Known(n) => match scalar_string(&n) {
                Some(s) => s,
                None => return,
            },
            Val::Unknown(expr, o) => {
                let hint = self.hint(&expr);
                rel.unread(o, format!("a `{kind}` names its key with `{expr}` ({hint}): the value it sets is not assessed"));
                return;
            }
        };
        let value_origin = value.map_or(origin, |v| self.origin(v));
        let text = if kind == "set_list" {
            match value.map(|v| self.eval(v)) {
                Some(Val::Known(Node {
                    value: Value::Seq(items),
                    ..
                })) => {
                    let parts: Vec<String> = items.iter().filter_map(scalar_string).collect();
                    format!("{name}={{{}}}", parts.join(","))
                }
                Some(Val::Unknown(expr, o)) => {
                    let hint = self.hint(&expr);
                    let t = self.unknowns.add(&expr, o, hint);
                    format!("{name}={{{t}}}")
                }
                _ => return,
            }
        } else {
            let v = match value {
                Some(v) => self.string(v, "a set value"),
                None => String::new(),
            };
            format!("{name}={v}")
        };
        let set_kind = match ty.map(|t| self.eval(t)) {
            Some(Val::Known(Node {
                value: Value::Str(t),
                ..
            })) if t == "string" => SetKind::String,
            Some(Val::Known(Node {
                value: Value::Str(t),
                ..
            })) if t == "literal" => SetKind::Literal,
            _ => SetKind::Typed,
        };
        rel.layers.push(Layer::SetNow {
            kind: set_kind,
            text,
            origin: value_origin,
        });
    }
}

fn template_elements(t: &Template) -> Vec<Element> {
    t.iter().cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> (Release, Sources) {
        let mut sources = Sources::default();
        sources.files.push(crate::source::SourceFile::new(
            "<stdin>".into(),
            text.into(),
        ));
        let mut read = |name: &str, _: usize| -> Result<Vec<u8>, InputError> {
            Err(InputError::new(
                InputErrorKind::Unreadable,
                name,
                "no files in this test",
            ))
        };
        let mut ctx = Ctx::new(&mut read, Default::default());
        let (mut rels, _) = super::read(0, &mut sources, &mut ctx).unwrap();
        (rels.remove(0), sources)
    }

    #[test]
    fn sets_blocks_lists_and_dynamic_blocks_become_assignments_at_their_values() {
        let text = r#"locals {
  annotations = {
    "nginx.ingress.kubernetes.io/proxy-read-timeout" = "600"
  }
}
resource "helm_release" "airbyte" {
  name       = "airbyte"
  chart      = "airbyte"
  repository = "https://airbytehq.github.io/charts"
  version    = "2.2.0"
  namespace  = "airbyte"
  set {
    name  = "global.airbyteUrl"
    value = "https://${var.domain}"
  }
  set_list = [{ name = "ingress.hosts", value = ["a"] }]
  dynamic "set" {
    for_each = local.annotations
    content {
      name  = "ingress.annotations.${replace(set.key, ".", "\\.")}"
      value = set.value
      type  = "string"
    }
  }
}
"#;
        let (rel, _) = one(text);
        assert_eq!(rel.name.as_ref().unwrap().value, "airbyte");
        assert_eq!(rel.version.as_ref().unwrap().value, "2.2.0");
        let sets: Vec<(SetKind, String, Origin)> = rel
            .layers
            .iter()
            .filter_map(|l| match l {
                Layer::SetNow { kind, text, origin } => Some((*kind, text.clone(), *origin)),
                _ => None,
            })
            .collect();
        let token = super::super::unknown::token("var.domain");
        assert_eq!(sets[0].1, format!("global.airbyteUrl=https://{token}"));
        assert_eq!(
            sets[0].2,
            Origin::File {
                file: 0,
                line: 14,
                column: 13
            }
        );
        assert_eq!(sets[1].0, SetKind::String);
        assert_eq!(
            sets[1].1,
            "ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/proxy-read-timeout=600"
        );
        assert_eq!(sets[2].1, "ingress.hosts={a}");
        assert!(
            rel.unknowns.list[0].hint.contains("--tf-var domain="),
            "{:?}",
            rel.unknowns
        );
    }

    #[test]
    fn heredocs_and_yamlencode_keep_their_lines() {
        let text = "resource \"helm_release\" \"a\" {\n  name  = \"airbyte\"\n  chart = \"airbyte\"\n  values = [\n    <<-EOT\n      global:\n        airbyteUrl: https://a.example.com\n    EOT\n    , yamlencode({ ingress = { enabled = true } })\n  ]\n}\n";
        let (rel, _) = one(text);
        let Layer::Tree { root, .. } = &rel.layers[0] else {
            panic!()
        };
        let url = root
            .at(&crate::source::Path::parse("global.airbyteUrl"))
            .unwrap();
        assert_eq!(
            url.origin,
            Origin::File {
                file: 0,
                line: 7,
                column: 21
            }
        );
        let Layer::Tree { root, .. } = &rel.layers[1] else {
            panic!()
        };
        let enabled = root
            .at(&crate::source::Path::parse("ingress.enabled"))
            .unwrap();
        assert_eq!(enabled.value, Value::Bool(true));
        assert_eq!(
            enabled.origin,
            Origin::File {
                file: 0,
                line: 9,
                column: 42
            }
        );
    }
}
