//! The targets: one enum (also the CLI's `--target` values) and the one match that dispatches.

mod chart;

use crate::plan::Plan;
use crate::render::Rendered;

/// What `render --target` can produce.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// The Ingress exactly as the Airbyte Helm chart renders it from these values.
    Chart,
}

/// Options some targets need, from the command line.
#[derive(Clone, Debug, Default)]
pub struct TargetOptions {}

impl Target {
    pub const ALL: &'static [Target] = &[Target::Chart];

    /// The one spelling used on the command line, in template folders, snapshots and docs.
    pub fn name(self) -> &'static str {
        match self {
            Target::Chart => "chart",
        }
    }

    pub fn from_name(s: &str) -> Option<Target> {
        Target::ALL.iter().copied().find(|t| t.name() == s)
    }

    /// The templates of this target, as (name, source), embedded at build time.
    pub fn templates(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Target::Chart => chart::TEMPLATES,
        }
    }

    /// Renders the plan for this target.
    pub fn render(self, plan: &Plan, opts: &TargetOptions) -> Result<Rendered, String> {
        match self {
            Target::Chart => chart::render(plan, opts),
        }
    }
}
