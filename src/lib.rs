//! `airbyte-ingress`: validate the ingress part of Airbyte Helm values and render ingress manifests
//! for the chart and for common ingress controllers.
//!
//! The pipeline flows one way, and every module imports only from the layers below it:
//! readers and names ([`blockyaml`], [`tree`], [`names`], [`airbyte`]; [`inputs`] and, beside it,
//! [`live`], a running Airbyte over the network) -> [`values`] (files and
//! flags merged as Helm merges them, with origins) -> [`model`] (typed values, the source of the
//! JSON schema) -> [`findings`] (the rule catalog and report formats) -> [`controllers`] (what each
//! controller reads) -> [`manifests`] (existing Kubernetes objects, read from files or a stream)
//! -> [`plan`] (the controller-neutral plan) -> [`rules`] (findings, on values and on manifests)
//! and [`render`] -> [`targets`] (manifests) -> [`migrate`], [`output`] -> [`cli`]. The library
//! never prints.
//!
//! The crate root wires the layers into the runs the CLI offers: [`check`] (values),
//! [`check_manifests`] (`validate -m`) and [`post_render`] (a Helm release's render read back into
//! values, checked, and handed back with the target's objects in place of the chart's Ingress).

pub mod airbyte;
pub mod blockyaml;
pub mod cli;
pub mod controllers;
pub mod findings;
pub mod inputs;
pub mod live;
pub mod manifests;
pub mod migrate;
pub mod model;
pub mod names;
pub mod output;
pub mod plan;
pub mod render;
pub mod rules;
pub mod runs;
pub mod source;
pub mod targets;
pub mod tree;
pub mod values;

pub use runs::{
    Checked, Failure, Given, ManifestOptions, ManifestReport, Merged, PostRenderOptions,
    PostRendered, RunOptions, WrapperOptions, chart_defaults, check, check_all, check_loaded,
    check_manifests, check_namespace, check_release, load, merge_single, post_render,
};
#[cfg(test)]
pub(crate) use runs::{check_text, test_corpus};
