//! `validate -m`: existing objects checked against Airbyte's rules, with the release they belong
//! to inferred from the stream.

use super::{Checked, Failure, check_release, notice_finding};
use crate::findings::Finding;
use crate::plan::{self, ChartVersion};
use crate::values::{self, Notice, Origin, ReadFn};
use crate::{manifests, rules};

/// What `validate -m` needs besides the objects: what the flags say of the release.
#[derive(Clone, Debug, Default)]
pub struct ManifestOptions {
    /// Manifest files in order (directories already listed); `-` reads standard input.
    pub files: Vec<String>,
    /// `--release`, when given: otherwise read from the stream.
    pub release: Option<String>,
    /// `--chart-version`, when given: otherwise read from the stream's `helm.sh/chart` labels.
    pub chart: Option<ChartVersion>,
    pub limits: values::Limits,
}

/// The findings about a stream of objects, and what was inferred about its release (for `-v`).
#[derive(Debug, Default)]
pub struct ManifestReport {
    pub findings: Vec<Finding>,
    pub inferred: Vec<String>,
    /// How many objects were read.
    pub objects: usize,
}

/// Reads manifests (into `sources`, after any values files) and checks every object that routes
/// to Airbyte. `values`, when given, supplies the URL and the Service ports.
pub fn check_manifests(
    opts: &ManifestOptions,
    values: Option<&Checked>,
    sources: &mut values::Sources,
    read: ReadFn<'_>,
) -> Result<ManifestReport, Failure> {
    if let Some(r) = &opts.release {
        check_release(r)?;
    }
    let (objects, duplicates) =
        manifests::read(&opts.files, sources, &opts.limits, read).map_err(Failure::Input)?;
    let inventory = manifests::inventory::inventory(&objects);
    let routing = manifests::routes::routing(&objects);
    let mut inferred = Vec::new();
    let mut say = |what: String, origin: Origin| {
        inferred.push(format!("{what} ({})", sources.describe(origin)));
    };
    let release = match (&opts.release, inventory.release()) {
        (Some(r), _) => Some(r.clone()),
        (None, Some(seen)) => {
            say(
                format!("release `{}` from {}", seen.value, seen.from),
                seen.origin,
            );
            Some(seen.value.clone())
        }
        (None, None) => None,
    };
    let chart = match (opts.chart, &inventory.chart) {
        (Some(c), _) => c,
        (None, Some(seen)) => {
            say(
                format!("chart {} from {}", seen.value, seen.from),
                seen.origin,
            );
            seen.value
        }
        (None, None) => plan::NEWEST_CHART,
    };
    let plan = values.and_then(|c| c.plan.as_ref());
    let url = match plan.and_then(|p| p.airbyte_url.clone()) {
        Some(u) => {
            let origin = values.map_or(Origin::Default, |c| {
                c.loaded
                    .root
                    .nearest(&values::Path::parse("global.airbyteUrl"))
                    .origin
            });
            Some((u, origin))
        }
        None => inventory
            .urls
            .iter()
            .find(|u| release.as_deref().is_none_or(|r| u.value.0 == r))
            .filter(|u| !u.value.1.is_empty())
            .map(|seen| {
                say(
                    format!("global.airbyteUrl `{}` from {}", seen.value.1, seen.from),
                    seen.origin,
                );
                (seen.value.1.clone(), seen.origin)
            }),
    };
    let ctx = rules::manifests::Context {
        release,
        chart,
        url,
        ports: plan.map(|p| p.ports).unwrap_or_default(),
        must_route: true,
        nginx_config: manifests::nginx_config(&objects),
    };
    let mut findings = rules::manifests::check(&objects, &inventory, &routing, &ctx);
    findings.extend(duplicate_findings(&objects, duplicates, sources));
    Ok(ManifestReport {
        findings,
        inferred,
        objects: objects.len(),
    })
}

/// The keys given twice in a stream that matter: those in the objects the manifest checks read;
/// elsewhere (a Deployment's env, say) they are not this tool's business.
pub(crate) fn duplicate_findings(
    objects: &[manifests::Object],
    duplicates: Vec<values::Duplicate>,
    sources: &values::Sources,
) -> Vec<Finding> {
    duplicates
        .into_iter()
        .filter(|d| in_checked_object(objects, d.again))
        .map(|d| {
            notice_finding(
                &Notice::DuplicateKey {
                    path: d.path,
                    first: d.first,
                    again: d.again,
                },
                sources,
            )
        })
        .collect()
}

/// Whether `origin` lies in an object whose kind the manifest checks read.
fn in_checked_object(objects: &[manifests::Object], origin: Origin) -> bool {
    let key = |o: Origin| match o {
        Origin::File { file, line, column } => Some((file, line, column)),
        _ => None,
    };
    let Some(at) = key(origin) else { return false };
    objects
        .iter()
        .rfind(|o| key(o.origin()).is_some_and(|start| start <= at && start.0 == at.0))
        .is_some_and(|o| manifests::routes::CHECKED_KINDS.contains(&o.kind.as_str()))
}
