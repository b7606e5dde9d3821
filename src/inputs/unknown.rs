//! Values this tool cannot resolve: a Terraform variable nobody passed, a data source, an Argo CD
//! ApplicationSet's generator parameter, a file in another repository. Each becomes a token (a
//! lowercase word no real value uses) in the tree, so the rest of the value stays known
//! (`https://${var.domain}` keeps its scheme) and two uses of one expression stay equal (the same
//! variable is the same host). The rules run on the tokens; a finding that touches one is turned
//! into "cannot assess" by the crate root, never reported as a fault.

use crate::source::Origin;

/// The prefix of every token: a DNS label start, so a token is a valid host label, Secret name
/// and URL host, and nothing the rules say about syntax fires on it.
const PREFIX: &str = "zunknown";

/// One expression the tool cannot resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unknown {
    /// What stands in the tree for it.
    pub token: String,
    /// The expression as written (`var.domain`, `{{ .cluster.name }}`, `$values/values.yaml`).
    pub expr: String,
    /// Where it was first written.
    pub origin: Origin,
    /// How the user can resolve it (`pass --tf-var domain=VALUE`), or why nobody can here.
    pub hint: String,
}

/// The token for `expr`: the prefix and twelve hex digits of its hash. The same expression always
/// gives the same token, wherever it is written, so equal expressions compare equal.
pub fn token(expr: &str) -> String {
    let hash = fnv(expr.trim());
    format!("{PREFIX}{:012x}", hash & 0xffff_ffff_ffff)
}

/// FNV-1a: stable across runs and builds (the standard hasher is seeded per process).
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The unknowns of one release, by token.
#[derive(Clone, Debug, Default)]
pub struct Unknowns {
    pub list: Vec<Unknown>,
}

impl Unknowns {
    /// Registers `expr` (first use wins its origin) and gives its token.
    pub fn add(&mut self, expr: &str, origin: Origin, hint: impl Into<String>) -> String {
        let expr = expr.trim();
        if let Some(u) = self.list.iter().find(|u| u.expr == expr) {
            return u.token.clone();
        }
        let t = token(expr);
        self.list.push(Unknown {
            token: t.clone(),
            expr: expr.to_string(),
            origin,
            hint: hint.into(),
        });
        t
    }

    /// The unknowns whose token `text` holds.
    pub fn in_text<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a Unknown> + 'a {
        self.list.iter().filter(move |u| text.contains(&u.token))
    }

    pub fn extend(&mut self, other: Unknowns) {
        for u in other.list {
            if !self.list.iter().any(|k| k.token == u.token) {
                self.list.push(u);
            }
        }
    }

    /// `text` with every token shown as its expression, `${...}`-style: for messages.
    pub fn show(&self, text: &str) -> String {
        let mut out = text.to_string();
        for u in &self.list {
            if out.contains(&u.token) {
                out = out.replace(&u.token, &format!("<{}>", u.expr));
            }
        }
        out
    }
}

/// Fills every `{{ ... }}` in `text`: with what `known` gives for the action (written with its
/// braces), else with the action's token; `hint` says who resolves what stays unknown.
pub fn fill_actions(
    text: &mut String,
    unknowns: &mut Unknowns,
    origin: Origin,
    hint: &str,
    known: &dyn Fn(&str) -> Option<String>,
) {
    let mut from = 0;
    while let Some(start) = text[from..].find("{{").map(|i| i + from) {
        let Some(len) = text[start..].find("}}") else {
            break;
        };
        let action = text[start..start + len + 2].to_string();
        let with = known(&action).unwrap_or_else(|| unknowns.add(&action, origin, hint));
        text.replace_range(start..start + len + 2, &with);
        from = start + with.len();
    }
}

/// [`fill_actions`] over the string values of a tree (strings of several lines too when
/// `multiline`; keys are left as they are).
pub fn fill_tree(
    n: &mut crate::source::Node,
    unknowns: &mut Unknowns,
    hint: &str,
    multiline: bool,
    known: &dyn Fn(&str) -> Option<String>,
) {
    use crate::source::Value;
    let origin = n.origin;
    match &mut n.value {
        Value::Str(s) if multiline || !s.contains('\n') => {
            fill_actions(s, unknowns, origin, hint, known)
        }
        Value::Seq(items) => items
            .iter_mut()
            .for_each(|i| fill_tree(i, unknowns, hint, multiline, known)),
        Value::Map(m) => m
            .values_mut()
            .for_each(|v| fill_tree(v, unknowns, hint, multiline, known)),
        _ => {}
    }
}

/// How many `{{` the string values of a tree hold: set against the text's count, whether every
/// template action of a file sits inside a value (so the file's shape is known) or some shape
/// the YAML (a `{{ range }}` around list items, a templated key).
pub fn actions_in_values(n: &crate::source::Node) -> usize {
    use crate::source::Value;
    match &n.value {
        Value::Str(s) => s.matches("{{").count(),
        Value::Seq(items) => items.iter().map(actions_in_values).sum(),
        Value::Map(m) => m.values().map(actions_in_values).sum(),
        _ => 0,
    }
}

/// Whether `text` holds a token of any expression (for tests and output checks).
pub fn has_token(text: &str) -> bool {
    text.contains(PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_stable_dns_labels() {
        let a = token("var.domain");
        assert_eq!(a, token(" var.domain "));
        assert_ne!(a, token("var.other"));
        assert!(crate::names::dns_label_ok(&a), "{a}");
        let mut u = Unknowns::default();
        let t1 = u.add("var.domain", Origin::Default, "");
        let t2 = u.add("var.domain", Origin::Command, "");
        assert_eq!(t1, t2);
        assert_eq!(u.list.len(), 1);
        assert_eq!(u.show(&format!("https://{t1}")), "https://<var.domain>");
    }
}
