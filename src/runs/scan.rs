//! `scan`: a whole repository at once. Every wrapper that defines an Airbyte release (Argo CD,
//! Flux, Kustomize, helmfile, Terraform) is checked as `validate -f` checks it; every object that
//! routes to an Airbyte Service is paired with its release (by the release name in the Service's
//! name, else by the host of the release's `airbyteUrl`) and checked with that release's values as
//! `validate -f VALUES -m ROUTES` checks them; and what lies between the files is checked here: the
//! namespace of a route and of its release, the Gateway listener an HTTPRoute names, the TLS
//! secrets no cert-manager Certificate writes, route files in a chart folder Helm never renders.
//!
//! One file that cannot be read or parsed is a counted warning, never the end of the scan; only a
//! folder that cannot be read at all stops it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path as FsPath, PathBuf};

use super::{Checked, Failure, ManifestOptions, RunOptions, check_all, check_manifests};
use crate::airbyte::{ChartVersion, read_service_name};
use crate::findings::{self, Finding, InputEntry, Rule};
use crate::inputs::manifests::{Object, str_of};
use crate::inputs::walk::{WalkOptions, Walked, walk_dir};
use crate::inputs::wrapper::{self, FileKind};
use crate::inputs::{ReadFn, unknown};
use crate::source::{InputError, InputErrorKind, Limits, Node, Origin, Sources, Value};
use crate::values::{Path, ValueInputs};

/// What `scan` is asked to do.
#[derive(Clone, Debug)]
pub struct ScanOptions {
    /// Folders (walked) and files, in order.
    pub paths: Vec<PathBuf>,
    pub limits: Limits,
    /// Most files to read.
    pub max_files: usize,
    /// Respect `.gitignore`, `.ignore` and hidden folders, as ripgrep does (`--no-ignore` reads
    /// everything).
    pub ignore_files: bool,
    /// `--chart-version`: checks every release against it instead of its wrapper's version.
    pub chart: Option<ChartVersion>,
    /// `--repo-root`, `--tf-var`, `--tf-vars`.
    pub wrappers: super::WrapperOptions,
}

/// A route to Airbyte the scan found (for `-v` and the JSON report's `routes`).
#[derive(Clone, Debug, serde::Serialize)]
pub struct RouteEntry {
    pub file: String,
    /// `Ingress airbyte/airbyte`.
    pub object: String,
    pub hosts: Vec<String>,
    /// The release it was paired with (`namespace/name`), if any.
    pub release: Option<String>,
    /// How it was paired: `service` (its backend names the release's Service) or `host`.
    pub paired_by: Option<&'static str>,
}

/// A file the scan could not read, and why.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SkippedFile {
    pub file: String,
    pub why: String,
    /// Where in the file reading stopped, when it was a syntax error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// What a scan found.
#[derive(Debug, Default)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub sources: Sources,
    pub releases: Vec<InputEntry>,
    pub routes: Vec<RouteEntry>,
    pub skipped: Vec<SkippedFile>,
    /// Files read (walked and taken).
    pub files: usize,
    /// Files that held Helm template actions and were passed over (`templates/` of a chart).
    pub templates: Vec<String>,
}

/// The kinds whose names mark a file worth parsing for routes and what they depend on.
const ROUTE_WORDS: &[&str] = &[
    "Ingress",
    "HTTPRoute",
    "VirtualService",
    "Gateway",
    "Certificate",
];

/// What pairing needs of one object, kept after its file's tree is dropped.
#[derive(Clone, Debug)]
struct Obj {
    kind: String,
    label: String,
    namespace: Option<String>,
    origin: Origin,
    /// The releases its backends name (`<release>-airbyte-server-svc`), with the backend
    /// namespace when it names one.
    releases: Vec<(String, Option<String>)>,
    /// A backend looks like Airbyte's without naming a release (a Service of the user's own).
    names_airbyte: bool,
    hosts: Vec<String>,
    /// TLS secrets it serves (Ingress `spec.tls[].secretName`, IngressRoute `spec.tls.secretName`,
    /// Gateway `certificateRefs`), with where each is written.
    secrets: Vec<(String, Origin)>,
    /// cert-manager's annotation that has it make the certificate itself.
    issuer: bool,
    /// HTTPRoute parents: (gateway name, namespace, sectionName, where written).
    parents: Vec<(String, Option<String>, Option<String>, Origin)>,
    /// Gateway listeners' names.
    listeners: Vec<String>,
    /// cert-manager Certificate `spec.secretName`.
    certificate_secret: Option<String>,
}

impl Obj {
    fn routes(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "Ingress" | "IngressRoute" | "HTTPRoute" | "VirtualService"
        )
    }
}

/// One file of routes (or of what routes depend on).
#[derive(Debug)]
struct RouteFile {
    name: String,
    objects: Vec<Obj>,
    /// The chart folder it sits in outside `templates/`, if any.
    outside_templates: Option<String>,
    sources: Sources,
}

/// A release the scan checked.
struct Rel {
    checked: Checked,
    name: String,
    namespace: String,
    host: Option<String>,
    chart_ingress: bool,
    chart: ChartVersion,
    file: String,
}

/// Scans the paths.
pub fn scan(opts: &ScanOptions, read: ReadFn<'_>) -> Result<ScanReport, Failure> {
    let mut report = ScanReport::default();
    let walked = walk(opts)?;
    if walked.truncated {
        report.findings.push(
            Finding::new(
                Rule::ScanFileSkipped,
                Path::default(),
                Origin::Command,
                format!(
                    "the scan stopped after {} files (--max-files): the rest was not read",
                    opts.max_files
                ),
            )
            .help("scan fewer folders, or raise `--max-files`"),
        );
    }
    for s in &walked.skipped {
        skip(&mut report, &s.path, &s.why);
    }
    let mut wrappers: Vec<String> = Vec::new();
    let mut route_files: Vec<RouteFile> = Vec::new();
    // ingress-nginx's controller settings (its ConfigMap, or its release's `controller.config`):
    // they count for every nginx Ingress the releases are checked with
    let mut nginx_files: Vec<String> = Vec::new();
    // NGINX Gateway Fabric's policies, which carry what an HTTPRoute on its Gateways cannot: read
    // with every route check, where they match their Gateway or route by name
    let mut policy_files: Vec<String> = Vec::new();
    for name in &walked.files {
        report.files += 1;
        let bytes = match read(name, opts.limits.max_file_bytes) {
            Ok(b) => b,
            Err(e) => {
                skip(&mut report, name, &e.message);
                continue;
            }
        };
        if bytes.contains(&0) {
            skip(&mut report, name, "a binary file (it holds NUL bytes)");
            continue;
        }
        let Ok(text) = std::str::from_utf8(&bytes) else {
            skip(&mut report, name, "not UTF-8 text");
            continue;
        };
        let is_tf = name.ends_with(".tf");
        if is_tf {
            if text.contains("helm_release") && mentions_airbyte(text) {
                wrappers.push(name.clone());
            }
            continue;
        }
        let kind = wrapper::detect(name, text);
        // a helmfile's actions inside its values are unknowns its reader names (one that shapes
        // the YAML is skipped, with the reason, when it is read)
        if let Ok(FileKind::Helmfile) = kind
            && mentions_airbyte(text)
        {
            wrappers.push(name.clone());
            continue;
        }
        // an ApplicationSet's own `{{ }}` are Argo CD's generator parameters, which its reader
        // fills (list generators) or names as unknowns; Helm's (`.Values`, `include`) or a place
        // under a chart's `templates/` make it a chart's template
        if let Ok(FileKind::Argocd) = kind
            && text.contains("ApplicationSet")
            && !helm_actions(text)
            && !in_chart_templates(FsPath::new(name))
        {
            if mentions_airbyte(text) {
                wrappers.push(name.clone());
            }
            continue; // another chart's ApplicationSet: neither a template nor a route
        }
        if wrapper::has_template_action(text) {
            // a chart's own templates: Helm renders them, the scan cannot
            report.templates.push(name.clone());
            continue;
        }
        if let Ok(k) = kind
            && k != FileKind::Values
            && mentions_airbyte(text)
        {
            wrappers.push(name.clone());
        }
        if text.contains("gateway.nginx.org")
            && (text.contains("ProxySettingsPolicy") || text.contains("ClientSettingsPolicy"))
        {
            policy_files.push(name.clone());
        }
        // a file worth parsing is parsed once, for both uses
        let nginx = [
            "proxy-body-size",
            "proxy-read-timeout",
            "proxy-send-timeout",
        ]
        .iter()
        .any(|k| text.contains(k))
            && text.contains("nginx");
        let routes = ROUTE_WORDS.iter().any(|w| text.contains(w));
        if !nginx && !routes {
            continue;
        }
        match read_objects(name, &bytes, opts) {
            Ok((objects, sources)) => {
                if nginx && crate::manifests::nginx_config(&objects).is_some() {
                    nginx_files.push(name.clone());
                }
                if routes && let Some(f) = route_file(name, &objects, sources) {
                    route_files.push(f);
                }
            }
            // unreadable files are counted where routes were looked for
            Err(e) if routes => skip_error(&mut report, name, &e),
            Err(_) => {}
        }
    }

    let mut rels: Vec<Rel> = Vec::new();
    for file in &wrappers {
        match releases_of(file, opts, read) {
            Ok(found) => rels.extend(found),
            Err(f) => skip(&mut report, file, &f.to_string()),
        }
    }

    // pair every route with its release
    let mut paired: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    let mut unpaired: BTreeSet<usize> = BTreeSet::new();
    for (fi, f) in route_files.iter().enumerate() {
        for (oi, o) in f.objects.iter().enumerate().filter(|(_, o)| o.routes()) {
            let by_service = rels
                .iter()
                .enumerate()
                .filter(|(_, r)| o.releases.iter().any(|(n, _)| *n == r.name))
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            // a release of that name in the route's namespace, when there is one
            let by_service: Vec<usize> = match by_service
                .iter()
                .copied()
                .filter(|i| {
                    o.namespace
                        .as_deref()
                        .is_none_or(|ns| ns == rels[*i].namespace)
                })
                .collect::<Vec<_>>()
            {
                v if v.is_empty() => by_service,
                v => v,
            };
            let (found, how) = if by_service.is_empty() {
                let by_host: Vec<usize> = rels
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.host.as_ref().is_some_and(|h| o.hosts.contains(h)))
                    .map(|(i, _)| i)
                    .collect();
                (by_host, "host")
            } else {
                (by_service, "service")
            };
            // a route to a Service of the user's own that looks like Airbyte's is checked alone,
            // as `validate -m` checks it
            if o.releases.is_empty() && found.is_empty() && !o.names_airbyte {
                continue;
            }
            // of several candidates (one release name in several clusters' folders), those nearest
            // the route in the tree
            let found = nearest(&f.name, found, &rels);
            report.routes.push(RouteEntry {
                file: f.name.clone(),
                object: o.label.clone(),
                hosts: o.hosts.clone(),
                release: found
                    .first()
                    .map(|i| format!("{}/{}", rels[*i].namespace, rels[*i].name)),
                paired_by: (!found.is_empty()).then_some(how),
            });
            if found.is_empty() {
                unpaired.insert(fi);
            }
            for r in found {
                paired.entry(r).or_default().push((fi, oi));
            }
        }
    }

    let mut global = Sources::default();
    let certificates: HashSet<String> = route_files
        .iter()
        .flat_map(|f| f.objects.iter())
        .filter_map(|o| o.certificate_secret.clone())
        .collect();

    // a file that defines several releases (an ApplicationSet's elements, a helmfile) has its
    // findings name the releases they hold for, as `validate -f` of that file does; a release in
    // a file of its own is named by the file
    let mut per_file: Vec<(&str, Vec<findings::ReleaseFindings>)> = Vec::new();
    for (ri, rel) in rels.iter().enumerate() {
        let mut found = rel.checked.findings.clone();
        let mut sources = rel.checked.loaded.sources.clone();
        let routes = paired.get(&ri).cloned().unwrap_or_default();
        if routes.is_empty() {
            if !rel.chart_ingress {
                found.push(
                    Finding::new(
                        Rule::ReleaseNotRouted,
                        Path::default(),
                        release_origin(&rel.checked),
                        format!(
                            "release `{}` in namespace `{}` ({}): no Ingress, IngressRoute, HTTPRoute or VirtualService in the scanned files routes to its Services, and the chart's own Ingress is off",
                            rel.name, rel.namespace, rel.file
                        ),
                    )
                    .help("if its route lives in another repository, check it there with `validate -f VALUES -m ROUTE`; if none exists yet, render one with `render --target T`"),
                );
            }
        } else {
            let mut files: Vec<usize> = routes.iter().map(|(fi, _)| *fi).collect();
            // the Gateways its HTTPRoutes attach to, when the repository holds them
            for (fi, oi) in &routes {
                for (gw, gw_ns, _, _) in &route_files[*fi].objects[*oi].parents {
                    let route_ns = route_files[*fi].objects[*oi].namespace.clone();
                    for (gi, g) in route_files.iter().enumerate() {
                        if g.objects.iter().any(|x| {
                            x.kind == "Gateway"
                                && x.label.ends_with(&format!("/{gw}"))
                                && gw_ns
                                    .clone()
                                    .or(route_ns.clone())
                                    .is_none_or(|ns| x.namespace.as_deref().is_none_or(|n| n == ns))
                        }) {
                            files.push(gi);
                        }
                    }
                }
            }
            files.sort_unstable();
            files.dedup();
            let mut names: Vec<String> =
                files.iter().map(|i| route_files[*i].name.clone()).collect();
            for n in nginx_files.iter().chain(&policy_files) {
                if !names.contains(n) {
                    names.push(n.clone());
                }
            }
            let mopts = ManifestOptions {
                files: names,
                release: Some(rel.name.clone()),
                chart: Some(rel.chart),
                limits: opts.limits,
            };
            match check_manifests(&mopts, Some(&rel.checked), &mut sources, read) {
                Ok(r) => found.extend(r.findings),
                Err(f) => skip(&mut report, &mopts.files.join(", "), &f.to_string()),
            }
            for (fi, oi) in &routes {
                let f = &route_files[*fi];
                let o = &f.objects[*oi];
                found.extend(
                    between(rel, f, o, &route_files, &certificates)
                        .into_iter()
                        .map(|x| rebase(x, &f.sources, &mut sources)),
                );
            }
        }
        report.releases.push(rel.checked.input.clone());
        let found = found
            .into_iter()
            .map(|x| rebase(x, &sources, &mut global))
            .collect();
        let release = ((rel.name.clone(), rel.namespace.clone()), found);
        let file = rel.checked.input.file.as_str();
        match per_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, releases)) => releases.push(release),
            None => per_file.push((file, vec![release])),
        }
    }
    for (_, releases) in per_file {
        report.findings.extend(findings::by_release(releases));
    }

    for fi in &unpaired {
        let f = &route_files[*fi];
        let mut sources = Sources::default();
        let mut files = vec![f.name.clone()];
        files.extend(policy_files.iter().filter(|p| **p != f.name).cloned());
        let mopts = ManifestOptions {
            files,
            release: None,
            chart: opts.chart,
            limits: opts.limits,
        };
        let checked = match check_manifests(&mopts, None, &mut sources, read) {
            Ok(r) => r.findings,
            Err(e) => {
                skip(&mut report, &f.name, &e.to_string());
                continue;
            }
        };
        report.findings.extend(
            checked
                .into_iter()
                .map(|x| rebase(x, &sources, &mut global)),
        );
        let mut found = Vec::new();
        for o in f
            .objects
            .iter()
            .filter(|o| o.routes() && !o.releases.is_empty())
        {
            let names: BTreeSet<&str> = o.releases.iter().map(|(n, _)| n.as_str()).collect();
            found.push(
                Finding::new(
                    Rule::RouteWithoutRelease,
                    Path::default(),
                    o.origin,
                    format!(
                        "{} routes to the Services of release {} but no wrapper in the scanned files defines that release: its values (airbyteUrl, chart version) could not be compared",
                        o.label,
                        names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
                    ),
                )
                .help("if the release is defined in another repository, check both there with `validate -f VALUES -m ROUTE`"),
            );
            if let Some(dir) = &f.outside_templates {
                found.push(not_rendered(o, dir));
            }
        }
        report.findings.extend(
            found
                .into_iter()
                .map(|x| rebase(x, &f.sources, &mut global)),
        );
    }

    for s in &report.skipped {
        if s.why.starts_with("the same file") {
            continue;
        }
        let id = file_id(&mut global, &s.file);
        report.findings.push(Finding::new(
            Rule::ScanFileSkipped,
            Path::default(),
            Origin::File {
                file: id,
                line: s.line.unwrap_or(1),
                column: s.column.unwrap_or(1),
            },
            format!("not read: {}", s.why),
        ));
    }
    findings::sort(&mut report.findings);
    report.sources = global;
    Ok(report)
}

fn walk(opts: &ScanOptions) -> Result<Walked, Failure> {
    let wopts = WalkOptions {
        ignore_files: opts.ignore_files,
        // `gotmpl`: helmfile v1's `helmfile.yaml.gotmpl`
        extensions: &["yaml", "yml", "json", "tf", "gotmpl"],
        max_files: opts.max_files,
    };
    let mut seen = HashSet::new();
    let mut walked = Walked::default();
    for p in &opts.paths {
        if p.is_dir() {
            walk_dir(p, &wopts, &mut seen, &mut walked).map_err(Failure::Input)?;
        } else if p.is_file() {
            if seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())) {
                walked.files.push(p.display().to_string());
            }
        } else {
            return Err(Failure::Input(InputError::new(
                InputErrorKind::Unreadable,
                p.display().to_string(),
                "no such file or folder",
            )));
        }
    }
    Ok(walked)
}

/// Of the candidate releases, those whose defining file shares the longest folder prefix with the
/// route's file.
fn nearest(route: &str, candidates: Vec<usize>, rels: &[Rel]) -> Vec<usize> {
    if candidates.len() < 2 {
        return candidates;
    }
    let shared = |i: usize| {
        FsPath::new(route).parent().map_or(0, |d| {
            d.components()
                .zip(FsPath::new(&rels[i].file).components())
                .take_while(|(a, b)| a == b)
                .count()
        })
    };
    let best = candidates.iter().map(|i| shared(*i)).max().unwrap_or(0);
    candidates
        .into_iter()
        .filter(|i| shared(*i) == best)
        .collect()
}

fn skip(report: &mut ScanReport, file: &str, why: &str) {
    report.skipped.push(SkippedFile {
        file: file.to_string(),
        why: why.to_string(),
        line: None,
        column: None,
    });
}

/// A file whose reading failed: the error's own message and place.
fn skip_error(report: &mut ScanReport, file: &str, e: &InputError) {
    report.skipped.push(SkippedFile {
        file: file.to_string(),
        why: e.message.clone(),
        line: e.line,
        column: e.column,
    });
}

/// Whether a wrapper could be about Airbyte at all: its chart is named in it. A wrapper that
/// takes its chart from a variable defined elsewhere is passed over (say so in the docs).
fn mentions_airbyte(text: &str) -> bool {
    text.contains("airbyte") || text.contains("Airbyte")
}

/// The releases a wrapper file defines, checked.
fn releases_of(file: &str, opts: &ScanOptions, read: ReadFn<'_>) -> Result<Vec<Rel>, Failure> {
    let mut wrappers = opts.wrappers.clone();
    wrappers.other_charts_pass = true;
    let run = RunOptions {
        inputs: ValueInputs {
            files: vec![file.to_string()],
            limits: opts.limits,
            ..Default::default()
        },
        chart: opts.chart.unwrap_or(crate::plan::NEWEST_CHART),
        wrappers,
        given: super::Given {
            chart: opts.chart.is_some(),
            ..Default::default()
        },
        ..Default::default()
    };
    let checked = check_all(&run, read)?;
    Ok(checked
        .into_iter()
        .map(|c| {
            let host = c
                .plan
                .as_ref()
                .and_then(|p| p.airbyte_url.as_deref())
                .and_then(crate::names::parse_url)
                .map(|u| u.host.to_ascii_lowercase());
            let chart_ingress = c.plan.as_ref().is_some_and(|p| p.enabled);
            let chart = c
                .plan
                .as_ref()
                .map_or(crate::plan::NEWEST_CHART, |p| p.chart);
            Rel {
                name: c.input.release.clone(),
                namespace: c.input.namespace.clone(),
                host,
                chart_ingress,
                chart,
                file: c.input.file.clone(),
                checked: c,
            }
        })
        .collect())
}

/// Where a release is defined, for findings about the release as a whole.
fn release_origin(c: &Checked) -> Origin {
    c.loaded
        .sources
        .files
        .iter()
        .position(|f| f.name == c.input.file)
        .map_or(Origin::Default, |i| {
            let (line, column) = c
                .input
                .at
                .rsplit_once(':')
                .and_then(|(rest, col)| {
                    let (_, line) = rest.rsplit_once(':')?;
                    Some((line.parse().ok()?, col.parse().ok()?))
                })
                .unwrap_or((1, 1));
            Origin::File {
                file: i as u32,
                line,
                column,
            }
        })
}

/// How many objects of one file the scan keeps for pairing (routes, Gateways, Certificates), as
/// the scan reads it: for fuzzing and property tests of the scan's reader.
pub fn route_objects(name: &str, bytes: &[u8], limits: &Limits) -> Result<usize, InputError> {
    let opts = ScanOptions {
        paths: Vec::new(),
        limits: *limits,
        max_files: 0,
        ignore_files: false,
        chart: None,
        wrappers: Default::default(),
    };
    let (objects, sources) = read_objects(name, bytes, &opts)?;
    Ok(route_file(name, &objects, sources).map_or(0, |f| f.objects.len()))
}

/// The objects of one file, and its source for findings.
fn read_objects(
    name: &str,
    bytes: &[u8],
    opts: &ScanOptions,
) -> Result<(Vec<Object>, Sources), InputError> {
    let mut sources = Sources::default();
    let mut objects = Vec::new();
    let mut duplicates = Vec::new();
    crate::inputs::manifests::read_bytes(
        name,
        bytes,
        &mut sources,
        &opts.limits,
        &mut objects,
        &mut duplicates,
    )?;
    Ok((objects, sources))
}

/// What pairing keeps of a file's routes and the objects they depend on; `None` when it holds none.
fn route_file(name: &str, objects: &[Object], sources: Sources) -> Option<RouteFile> {
    let objs: Vec<Obj> = objects.iter().filter_map(summarize).collect();
    if objs.is_empty() {
        return None;
    }
    Some(RouteFile {
        name: name.to_string(),
        objects: objs,
        outside_templates: outside_templates(FsPath::new(name)),
        sources,
    })
}

/// Whether `text` holds what only a Helm template writes: the chart's objects (`.Values`,
/// `.Release`, `.Chart`, `.Capabilities`, `.Files`) or its functions (`include`, `toYaml`).
fn helm_actions(text: &str) -> bool {
    const HELM: [&str; 7] = [
        ".Values",
        ".Release.",
        ".Chart.",
        ".Capabilities.",
        ".Files.",
        "include ",
        "toYaml",
    ];
    wrapper::action_lines(text).any(|l| HELM.iter().any(|h| l.contains(h)))
}

/// The nearest chart folder (one holding `Chart.yaml`) above a file, with the folder the file
/// sits in right below it (`None`: beside `Chart.yaml`).
fn chart_of(file: &FsPath) -> Option<(&FsPath, Option<&std::ffi::OsStr>)> {
    let mut dir = file.parent()?;
    let mut below: Option<&std::ffi::OsStr> = None;
    loop {
        if dir.join("Chart.yaml").is_file() {
            return Some((dir, below));
        }
        below = dir.file_name().or(below);
        let up = dir.parent()?;
        if up.as_os_str().is_empty() {
            return None;
        }
        dir = up;
    }
}

/// Whether a file sits under its chart's `templates/`.
fn in_chart_templates(file: &FsPath) -> bool {
    chart_of(file).is_some_and(|(_, below)| below.is_some_and(|b| b == "templates"))
}

/// The chart folder a file sits in, when it is not under that chart's `templates/` (Helm renders
/// only `templates/`): `None` outside charts and inside `templates/`.
fn outside_templates(file: &FsPath) -> Option<String> {
    match chart_of(file)? {
        (_, Some(first)) if first == "templates" || first == "charts" || first == "crds" => None,
        // a file beside Chart.yaml is values or metadata, not a template
        (_, None) => None,
        (dir, Some(_)) => Some(dir.display().to_string()),
    }
}

fn strings_at(n: Option<&Node>) -> impl Iterator<Item = &Node> {
    n.into_iter().flat_map(|n| match &n.value {
        Value::Seq(s) => s.iter().collect::<Vec<_>>(),
        _ => Vec::new(),
    })
}

fn summarize(o: &Object) -> Option<Obj> {
    let kind = o.kind.as_str();
    let wanted = matches!(
        kind,
        "Ingress" | "IngressRoute" | "HTTPRoute" | "VirtualService" | "Gateway" | "Certificate"
    );
    if !wanted {
        return None;
    }
    let mut obj = Obj {
        kind: o.kind.clone(),
        label: o.label(),
        namespace: o.namespace.clone(),
        origin: o.origin(),
        releases: Vec::new(),
        names_airbyte: false,
        hosts: Vec::new(),
        secrets: Vec::new(),
        issuer: false,
        parents: Vec::new(),
        listeners: Vec::new(),
        certificate_secret: None,
    };
    let ann = o.annotations();
    obj.issuer = ann.contains_key("cert-manager.io/cluster-issuer")
        || ann.contains_key("cert-manager.io/issuer");
    let mut service = |name: &str, ns: Option<String>| {
        if unknown::has_token(name) {
            return;
        }
        if let Some((release, _)) = read_service_name(name) {
            obj.releases.push((release.to_string(), ns));
        }
    };
    let mut backends: Vec<(String, Option<String>)> = Vec::new();
    collect_backends(&o.node, &mut backends);
    for (name, ns) in backends {
        obj.names_airbyte |= !unknown::has_token(&name) && crate::airbyte::names_airbyte(&name);
        service(&name, ns);
    }
    match kind {
        "Ingress" => {
            for rule in strings_at(o.at("spec.rules")) {
                if let Some(h) = rule.at(&Path::parse("host")).and_then(str_of) {
                    obj.hosts.push(h.to_ascii_lowercase());
                }
            }
            for t in strings_at(o.at("spec.tls")) {
                if let Some(n) = t.at(&Path::parse("secretName"))
                    && let Some(s) = str_of(n)
                {
                    obj.secrets.push((s.to_string(), n.origin));
                }
            }
        }
        "IngressRoute" => {
            for r in strings_at(o.at("spec.routes")) {
                if let Some(m) = r.at(&Path::parse("match")).and_then(str_of) {
                    obj.hosts.extend(traefik_hosts(m));
                }
            }
            if let Some(n) = o.at("spec.tls.secretName")
                && let Some(s) = str_of(n)
            {
                obj.secrets.push((s.to_string(), n.origin));
            }
        }
        "HTTPRoute" | "VirtualService" => {
            for h in strings_at(o.at("spec.hostnames"))
                .chain(strings_at(o.at("spec.hosts")))
                .filter_map(str_of)
            {
                obj.hosts.push(h.to_ascii_lowercase());
            }
            for p in strings_at(o.at("spec.parentRefs")) {
                let kind_ok = p
                    .at(&Path::parse("kind"))
                    .and_then(str_of)
                    .is_none_or(|k| k == "Gateway");
                if let (true, Some(name)) = (kind_ok, p.at(&Path::parse("name")).and_then(str_of)) {
                    obj.parents.push((
                        name.to_string(),
                        p.at(&Path::parse("namespace"))
                            .and_then(str_of)
                            .map(str::to_string),
                        p.at(&Path::parse("sectionName"))
                            .and_then(str_of)
                            .map(str::to_string),
                        p.origin,
                    ));
                }
            }
        }
        "Gateway" => {
            for l in strings_at(o.at("spec.listeners")) {
                if let Some(n) = l.at(&Path::parse("name")).and_then(str_of) {
                    obj.listeners.push(n.to_string());
                }
                for c in strings_at(l.at(&Path::parse("tls.certificateRefs"))) {
                    if let Some(n) = c.at(&Path::parse("name"))
                        && let Some(s) = str_of(n)
                    {
                        obj.secrets.push((s.to_string(), n.origin));
                    }
                }
            }
        }
        "Certificate" if o.group() == "cert-manager.io" => {
            obj.certificate_secret = o.str_at("spec.secretName").map(str::to_string);
        }
        _ => {}
    }
    obj.hosts.sort();
    obj.hosts.dedup();
    Some(obj)
}

/// The hosts of a Traefik rule: every `` Host(`a`, `b`) `` in it.
fn traefik_hosts(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(i) = rest.find("Host(") {
        rest = &rest[i + 5..];
        let end = rest.find(')').unwrap_or(rest.len());
        for part in rest[..end].split(',') {
            let h = part.trim().trim_matches(['`', '"', '\'']);
            if !h.is_empty() {
                out.push(h.to_ascii_lowercase());
            }
        }
        rest = &rest[end..];
    }
    out
}

/// Every Service a route names, wherever its kind puts it: Ingress `service.name`, IngressRoute
/// and HTTPRoute `services`/`backendRefs` `name` (with `namespace`), VirtualService
/// `destination.host` (`svc`, `svc.ns`, `svc.ns.svc.cluster.local`).
fn collect_backends(n: &Node, out: &mut Vec<(String, Option<String>)>) {
    match &n.value {
        Value::Map(m) => {
            if let Some(s) = m.get("service").and_then(|s| s.as_map())
                && let Some(name) = s.get("name").and_then(str_of)
            {
                out.push((name.to_string(), None));
            }
            for key in ["services", "backendRefs"] {
                if let Some(Node {
                    value: Value::Seq(items),
                    ..
                }) = m.get(key)
                {
                    for i in items {
                        if let Some(name) = i.at(&Path::parse("name")).and_then(str_of) {
                            let ns = i
                                .at(&Path::parse("namespace"))
                                .and_then(str_of)
                                .map(str::to_string);
                            out.push((name.to_string(), ns));
                        }
                    }
                }
            }
            if let Some(d) = m.get("destination").and_then(|d| d.as_map())
                && let Some(host) = d.get("host").and_then(str_of)
            {
                let mut parts = host.split('.');
                let name = parts.next().unwrap_or("");
                out.push((name.to_string(), parts.next().map(str::to_string)));
            }
            for v in m.values() {
                collect_backends(v, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| collect_backends(i, out)),
        _ => {}
    }
}

/// The checks between a route and its release that no single file shows.
fn between(
    rel: &Rel,
    file: &RouteFile,
    o: &Obj,
    all: &[RouteFile],
    certificates: &HashSet<String>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    // the namespace the route lives in against the release's
    if let Some(ns) = &o.namespace
        && *ns != rel.namespace
        && !unknown::has_token(&rel.namespace)
        && !o
            .releases
            .iter()
            .any(|(n, bns)| *n == rel.name && bns.as_deref() == Some(rel.namespace.as_str()))
    {
        let why = match o.kind.as_str() {
            "Ingress" => {
                "an Ingress reaches only Services of its own namespace, so it routes to nothing"
            }
            "IngressRoute" => {
                "Traefik reaches another namespace's Service only with `allowCrossNamespace`, and the route names no namespace"
            }
            _ => "the route names the Service without its namespace, so it looks in its own",
        };
        out.push(
            Finding::new(
                Rule::RouteNamespaceMismatch,
                Path::default(),
                o.origin,
                format!(
                    "{} is in namespace `{ns}`, but release `{}` ({}) installs its Services in `{}`: {why}",
                    o.label, rel.name, rel.file, rel.namespace
                ),
            )
            .help(format!(
                "put the route in namespace `{}`, or the release in `{ns}`",
                rel.namespace
            )),
        );
    }
    // the listener an HTTPRoute names, when the repository holds its Gateway
    for (gw, gw_ns, section, at) in &o.parents {
        let Some(section) = section else { continue };
        let ns = gw_ns.clone().or(o.namespace.clone());
        let gateways: Vec<&Obj> = all
            .iter()
            .flat_map(|f| f.objects.iter())
            .filter(|x| {
                x.kind == "Gateway"
                    && x.label.ends_with(&format!("/{gw}"))
                    && ns
                        .as_deref()
                        .is_none_or(|n| x.namespace.as_deref().is_none_or(|xn| xn == n))
            })
            .collect();
        if let Some(g) = gateways.first()
            && !g.listeners.iter().any(|l| l == section)
        {
            out.push(
                Finding::new(
                    Rule::GatewayListenerMissing,
                    Path::parse("spec.parentRefs"),
                    *at,
                    format!(
                        "{} attaches to listener `{section}` of {}, which has no such listener (it has {}): the route is not accepted and serves nothing",
                        o.label,
                        g.label,
                        if g.listeners.is_empty() {
                            "none".to_string()
                        } else {
                            g.listeners.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
                        }
                    ),
                )
                .also(g.origin)
                .help("name one of the Gateway's listeners in `sectionName`"),
            );
        }
    }
    // TLS secrets that no Certificate writes, where the repository uses cert-manager
    if !certificates.is_empty() && !o.issuer {
        for (secret, at) in &o.secrets {
            if !certificates.contains(secret) && !unknown::has_token(secret) {
                out.push(
                    Finding::new(
                        Rule::TlsSecretNoCertificate,
                        Path::default(),
                        *at,
                        format!(
                            "{} serves TLS from secret `{secret}`, but no cert-manager Certificate in the scanned files writes it (and no `cert-manager.io/cluster-issuer` annotation asks for one): unless it is made some other way, the controller serves its default certificate",
                            o.label
                        ),
                    )
                    .help(format!(
                        "add a Certificate with `secretName: {secret}`, or the `cert-manager.io/cluster-issuer` annotation"
                    )),
                );
            }
        }
    }
    if let Some(dir) = &file.outside_templates {
        out.push(not_rendered(o, dir));
    }
    out
}

fn not_rendered(o: &Obj, chart: &str) -> Finding {
    Finding::new(
        Rule::RouteNotRendered,
        Path::default(),
        o.origin,
        format!(
            "{} is in the chart folder `{chart}` but outside its `templates/`: Helm renders only `templates/`, so this route is never applied",
            o.label
        ),
    )
    .help(format!("move the file into `{chart}/templates/`"))
}

/// The index of `name` in `sources`, adding it (with no text) when it is not there.
fn file_id(sources: &mut Sources, name: &str) -> u32 {
    match sources.files.iter().position(|f| f.name == name) {
        Some(i) => i as u32,
        None => {
            sources.files.push(crate::source::SourceFile::new(
                name.to_string(),
                String::new(),
            ));
            (sources.files.len() - 1) as u32
        }
    }
}

/// A finding of one reading moved to the scan's sources: each file index maps to the same file
/// there (its text joins when it is new).
fn rebase(mut f: Finding, from: &Sources, to: &mut Sources) -> Finding {
    for o in &mut f.origins {
        if let Origin::File { file, line, column } = *o
            && let Some(src) = from.files.get(file as usize)
        {
            let id = match to.files.iter().position(|x| x.name == src.name) {
                Some(i) => {
                    if to.files[i].text.is_empty() && !src.text.is_empty() {
                        to.files[i] = src.clone();
                    }
                    i as u32
                }
                None => {
                    to.files.push(src.clone());
                    (to.files.len() - 1) as u32
                }
            };
            *o = Origin::File {
                file: id,
                line,
                column,
            };
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traefik_rules_give_their_hosts() {
        assert_eq!(
            traefik_hosts("Host(`a.example.com`) && PathPrefix(`/`) || Host(`B.example.com`, `c`)"),
            ["a.example.com", "b.example.com", "c"]
        );
        assert!(traefik_hosts("PathPrefix(`/`)").is_empty());
    }

    #[test]
    fn helm_actions_are_told_from_an_applicationsets_parameters() {
        for helm in [
            "project: {{ .Values.project }}",
            "name: {{ include \"x.name\" . }}",
            "ns: {{ .Release.Namespace }}",
            "{{- toYaml .Values.values | nindent 8 }}",
        ] {
            assert!(helm_actions(helm), "{helm}");
        }
        for argo in [
            "name: airbyte-{{ .env }}",
            "name: airbyte-{{env}}",
            "host: {{ .path.basename }}.example.com",
            "# {{ .Values.project }} in a comment",
            "values: .Values outside an action",
        ] {
            assert!(!helm_actions(argo), "{argo}");
        }
    }

    #[test]
    fn files_outside_a_charts_templates_are_found() {
        let dir = std::env::temp_dir().join(format!("ai-scan-chart-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("chart/template")).unwrap();
        std::fs::create_dir_all(dir.join("chart/templates")).unwrap();
        std::fs::write(dir.join("chart/Chart.yaml"), "name: x\n").unwrap();
        assert!(outside_templates(&dir.join("chart/template/ingress.yaml")).is_some());
        assert!(outside_templates(&dir.join("chart/templates/ingress.yaml")).is_none());
        assert!(outside_templates(&dir.join("chart/values.yaml")).is_none());
        assert!(outside_templates(&dir.join("other/ingress.yaml")).is_none());
        // an ApplicationSet there is the chart's template, anywhere else a wrapper
        assert!(in_chart_templates(&dir.join("chart/templates/appset.yaml")));
        assert!(in_chart_templates(
            &dir.join("chart/templates/apps/appset.yaml")
        ));
        assert!(!in_chart_templates(&dir.join("chart/template/appset.yaml")));
        assert!(!in_chart_templates(&dir.join("chart/appset.yaml")));
        assert!(!in_chart_templates(
            &dir.join("other/templates/appset.yaml")
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
