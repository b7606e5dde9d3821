//! Annotations: the right controller family for the class, no deprecated class annotation, no
//! dangerous snippets, timeouts and body size at Airbyte's needs.

use super::Ctx;
use crate::findings::Severity;
use crate::values::Path;

/// Controller families, by annotation prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    IngressNginx,
    F5Nginx,
    Alb,
    Traefik,
    Haproxy,
    Agic,
    Agc,
    AksAppRouting,
}

impl Family {
    pub fn controller(self) -> &'static str {
        match self {
            Family::IngressNginx => "ingress-nginx",
            Family::F5Nginx => "the F5 NGINX Ingress Controller",
            Family::Alb => "the AWS Load Balancer Controller",
            Family::Traefik => "Traefik",
            Family::Haproxy => "HAProxy",
            Family::Agic => "the Application Gateway Ingress Controller",
            Family::Agc => "Application Gateway for Containers",
            Family::AksAppRouting => "the AKS application routing add-on",
        }
    }
}

const PREFIXES: &[(&str, Family)] = &[
    ("nginx.ingress.kubernetes.io/", Family::IngressNginx),
    ("nginx.org/", Family::F5Nginx),
    ("nginx.com/", Family::F5Nginx),
    ("alb.ingress.kubernetes.io/", Family::Alb),
    ("traefik.ingress.kubernetes.io/", Family::Traefik),
    ("haproxy.org/", Family::Haproxy),
    ("haproxy.com/", Family::Haproxy),
    ("haproxy-ingress.github.io/", Family::Haproxy),
    ("appgw.ingress.kubernetes.io/", Family::Agic),
    ("alb.networking.azure.io/", Family::Agc),
    ("kubernetes.azure.com/", Family::AksAppRouting),
];

/// The family an annotation key belongs to; `None` for controller-neutral keys (cert-manager, ...).
pub fn family_of(key: &str) -> Option<Family> {
    PREFIXES
        .iter()
        .find(|(p, _)| key.starts_with(p))
        .map(|(_, f)| *f)
}

/// The families whose annotations a class's controller reads; `None` when the class is unknown.
pub fn families_for_class(class: &str) -> Option<&'static [Family]> {
    let c = class.to_ascii_lowercase();
    Some(match c.as_str() {
        "alb" => &[Family::Alb],
        "webapprouting.kubernetes.azure.com" => &[Family::IngressNginx, Family::AksAppRouting],
        "azure-application-gateway" | "azure/application-gateway" => &[Family::Agic],
        "azure-alb-external" => &[Family::Agc],
        c if c.contains("traefik") => &[Family::Traefik],
        c if c.contains("haproxy") => &[Family::Haproxy],
        c if c.contains("nginx") => &[Family::IngressNginx, Family::F5Nginx],
        _ => return None,
    })
}

/// This target's way of doing what a dropped annotation did, where one exists.
pub fn equivalent(key: &str, family: Family) -> Option<&'static str> {
    let name = key.rsplit('/').next().unwrap_or(key);
    match (family, name) {
        (
            Family::Alb,
            "proxy-read-timeout" | "proxy-send-timeout" | "timeout-server" | "request-timeout",
        ) => Some(
            "`alb.ingress.kubernetes.io/load-balancer-attributes: idle_timeout.timeout_seconds=240`",
        ),
        (Family::Haproxy, "proxy-read-timeout" | "proxy-send-timeout" | "request-timeout") => {
            Some("`haproxy.org/timeout-server: 600s`")
        }
        (Family::IngressNginx, "timeout-server" | "request-timeout") => Some(
            "`nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"` and `proxy-send-timeout`",
        ),
        (Family::IngressNginx, "ssl-redirect") => {
            Some("`nginx.ingress.kubernetes.io/ssl-redirect`")
        }
        (Family::Alb, "ssl-redirect") => Some("`alb.ingress.kubernetes.io/ssl-redirect: \"443\"`"),
        (Family::Agic, "proxy-read-timeout" | "proxy-send-timeout" | "timeout-server") => {
            Some("`appgw.ingress.kubernetes.io/request-timeout: \"600\"`")
        }
        (
            Family::Agc,
            "proxy-read-timeout"
            | "proxy-send-timeout"
            | "timeout-server"
            | "request-timeout"
            | "load-balancer-attributes",
        ) => Some("the IngressExtension's `requestTimeout: 600s`, which this target renders"),
        (Family::IngressNginx, "load-balancer-attributes") => {
            Some("`nginx.ingress.kubernetes.io/proxy-read-timeout: \"600\"` for the idle timeout")
        }
        (Family::Haproxy, "load-balancer-attributes") => {
            Some("`haproxy.org/timeout-server: 600s` for the idle timeout")
        }
        (
            Family::IngressNginx | Family::Haproxy | Family::Agc,
            "certificate-arn" | "tls-cert-keyvault-uri",
        ) => Some("`ingress.tls` with a `kubernetes.io/tls` Secret (e.g. from cert-manager)"),
        (Family::Alb, "tls-cert-keyvault-uri") => Some("`--alb-certificate-arn`"),
        (Family::Alb, "check-http") | (Family::Haproxy, "healthcheck-path") => {
            Some("the health check this target sets on `/api/v1/health`")
        }
        _ => None,
    }
}

const CRITICAL_SNIPPETS: &[&str] = &[
    "configuration-snippet",
    "server-snippet",
    "auth-snippet",
    "stream-snippet",
    "modsecurity-snippet",
];
const HIGH_RISK: &[&str] = &[
    "auth-url",
    "auth-signin",
    "auth-tls-match-cn",
    "auth-tls-error-page",
    "mirror-target",
    "mirror-host",
    "server-alias",
    "proxy-ssl-name",
    "upstream-hash-by",
];

/// Airbyte's floor for proxy timeouts, in seconds: checks and discovers take minutes.
pub const TIMEOUT_FLOOR_S: u64 = 300;
/// Airbyte's floor for request bodies: the server accepts 10 MB.
pub const BODY_FLOOR_BYTES: u64 = 10 * 1024 * 1024;
/// The ALB idle timeout floor, in seconds (and it must stay under the server's 300 s keep-alive).
pub const ALB_IDLE_FLOOR_S: u64 = 120;

/// nginx size syntax: `16m`, `1024k`, `1g`, plain bytes; `0` means unlimited.
pub fn nginx_size(s: &str) -> Option<u64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last()? {
        'k' | 'K' => (&s[..s.len() - 1], 1024),
        'm' | 'M' => (&s[..s.len() - 1], 1024 * 1024),
        'g' | 'G' => (&s[..s.len() - 1], 1024 * 1024 * 1024),
        _ => (s, 1),
    };
    num.parse::<u64>().ok().map(|n| n.saturating_mul(mult))
}

/// HAProxy time syntax: a number with `us`, `ms`, `s`, `m`, `h` or `d`; no unit means milliseconds.
/// Returned in milliseconds.
pub fn haproxy_time_ms(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    Some(match unit {
        "" | "ms" => n,
        "us" => n / 1000,
        "s" => n.saturating_mul(1000),
        "m" => n.saturating_mul(60_000),
        "h" => n.saturating_mul(3_600_000),
        "d" => n.saturating_mul(86_400_000),
        _ => return None,
    })
}

/// `idle_timeout.timeout_seconds` out of an ALB `load-balancer-attributes` list.
pub fn alb_idle_timeout(attrs: &str) -> Option<Result<u64, String>> {
    attrs.split(',').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k.trim() == "idle_timeout.timeout_seconds")
            .then(|| v.trim().parse::<u64>().map_err(|_| v.trim().to_string()))
    })
}

/// The class the controller will see: `className`, else the deprecated annotation.
pub fn effective_class(ctx: &Ctx) -> Option<String> {
    ctx.plan.class.clone().or_else(|| {
        ctx.plan
            .annotations
            .get("kubernetes.io/ingress.class")
            .cloned()
            .flatten()
            .filter(|c| !c.is_empty())
    })
}

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    if !plan.enabled && plan.hosts.is_empty() {
        return;
    }
    let ann_path = Path::parse("ingress.annotations");
    let class = effective_class(ctx);
    let class_path = if plan.class.is_some() {
        Path::parse("ingress.className")
    } else {
        ann_path.key("kubernetes.io/ingress.class")
    };
    let fits = class.as_deref().and_then(families_for_class);

    if let Some(Some(legacy)) = plan.annotations.get("kubernetes.io/ingress.class") {
        let p = ann_path.key("kubernetes.io/ingress.class");
        let origin = ctx.origin(&p);
        let (msg, help) = match &plan.class {
            Some(c) => (
                format!(
                    "both `className: {c}` and the deprecated annotation `kubernetes.io/ingress.class: {legacy}` are set; controllers disagree about which wins"
                ),
                "delete the annotation; `className` is the field".to_string(),
            ),
            None => (
                format!(
                    "the class is set with the deprecated annotation `kubernetes.io/ingress.class: {legacy}`"
                ),
                format!("use `ingress.className: {legacy}` and delete the annotation"),
            ),
        };
        ctx.push_at(
            "class-annotation-deprecated",
            Severity::Warning,
            p,
            origin,
            msg,
            help,
        );
    }

    for (key, value) in &plan.annotations {
        let p = ann_path.key(key);
        let Some(fam) = family_of(key) else { continue };
        if let (Some(fits), Some(class)) = (fits, class.as_deref())
            && !fits.contains(&fam)
        {
            let origin = ctx.key_origin(&p);
            let target_family = fits[0];
            let eq = equivalent(key, target_family)
                .map(|e| format!("; the equivalent for this class is {e}"))
                .unwrap_or_default();
            ctx.push_at(
                "annotation-family-mismatch",
                Severity::Warning,
                p.clone(),
                origin,
                format!("annotation `{key}` is for {}, but the class `{class}` belongs to {}, which ignores it", fam.controller(), target_family.controller()),
                format!("remove it{eq}"),
            );
        }
        if fam == Family::IngressNginx {
            let name = &key["nginx.ingress.kubernetes.io/".len()..];
            if CRITICAL_SNIPPETS.contains(&name) {
                ctx.push_key(
                    "snippet-critical",
                    Severity::Error,
                    p.clone(),
                    format!("annotation `{key}` injects raw NGINX configuration: ingress-nginx rates it Critical, rejects it by default since v1.12, and snippets were the path of the IngressNightmare CVEs"),
                    "remove it and use the dedicated annotation for what it did (timeouts, body size, headers)".into(),
                );
            } else if HIGH_RISK.contains(&name) {
                ctx.push_key(
                    "annotation-high-risk",
                    Severity::Warning,
                    p.clone(),
                    format!("annotation `{key}` is rated High risk by ingress-nginx (configuration injection, CVE-2025-1097/1098/24514 class)"),
                    "keep it only if you need it and run ingress-nginx v1.11.5/v1.12.1 or later".into(),
                );
            } else if name == "rewrite-target" {
                ctx.push_key(
                    "rewrite-target",
                    Severity::Warning,
                    p.clone(),
                    format!("annotation `{key}` rewrites request paths: Airbyte's UI and API expect their own paths and break when they are rewritten"),
                    "remove it; route `/` to the server unchanged".into(),
                );
            }
        }
        let _ = value;
    }
    let Some(families) = fits else { return };
    let primary = families[0];
    match primary {
        Family::IngressNginx | Family::F5Nginx => nginx_floors(ctx, &ann_path, &class_path),
        Family::Alb => alb_floor(ctx, &ann_path, &class_path),
        Family::Haproxy => haproxy_floor(ctx, &ann_path, &class_path),
        Family::Agic => agic_floor(ctx, &ann_path, &class_path),
        _ => {}
    }
}

/// Where a floor finding points: the annotation when the values set it, else the class that chose
/// the controller whose default applies.
fn blame(ctx: &Ctx, annotation: &Path, set: bool, class_path: &Path) -> crate::values::Origin {
    if set {
        ctx.origin(annotation)
    } else {
        ctx.origin(class_path)
    }
}

fn get<'a>(ctx: &'a Ctx, key: &str) -> Option<&'a str> {
    ctx.plan.annotations.get(key).and_then(|v| v.as_deref())
}

fn nginx_floors(ctx: &mut Ctx, ann: &Path, class_path: &Path) {
    let f5 = ctx
        .plan
        .annotations
        .keys()
        .any(|k| family_of(k) == Some(Family::F5Nginx))
        && !ctx
            .plan
            .annotations
            .keys()
            .any(|k| family_of(k) == Some(Family::IngressNginx));
    let prefix = if f5 {
        "nginx.org/"
    } else {
        "nginx.ingress.kubernetes.io/"
    };
    for name in ["proxy-read-timeout", "proxy-send-timeout"] {
        let key = format!("{prefix}{name}");
        let p = ann.key(&key);
        match get(ctx, &key) {
            None => {
                let origin = ctx.origin(class_path);
                ctx.push_at(
                    "timeout-too-low",
                    Severity::Warning,
                    p,
                    origin,
                    format!("`{key}` is not set: NGINX's default of 60 s cuts off Airbyte's source checks and schema discovery with 504s"),
                    format!("set `{key}: \"600\"` (seconds, at least {TIMEOUT_FLOOR_S})"),
                );
            }
            Some(v) => {
                let secs = v.trim().trim_end_matches('s').parse::<u64>().ok();
                if secs.is_none_or(|s| s < TIMEOUT_FLOOR_S) {
                    ctx.push(
                        "timeout-too-low",
                        Severity::Warning,
                        p,
                        match secs {
                            Some(_) => format!("`{key}` is `{v}` seconds: Airbyte's checks and discovers take minutes and get 504s under {TIMEOUT_FLOOR_S}"),
                            None => format!("`{key}` is `{v}`, which is not a number of seconds; NGINX falls back to 60 s"),
                        },
                        format!("set `{key}: \"600\"`"),
                    );
                }
            }
        }
    }
    let key = if f5 {
        "nginx.org/client-max-body-size".to_string()
    } else {
        format!("{prefix}proxy-body-size")
    };
    let p = ann.key(&key);
    match get(ctx, &key) {
        None => {
            let origin = ctx.origin(class_path);
            ctx.push_at(
                "body-size-too-low",
                Severity::Warning,
                p,
                origin,
                format!("`{key}` is not set: NGINX's default of 1m answers 413 when Airbyte saves large catalogs and connections"),
                format!("set `{key}: 16m` (at least 10m)"),
            );
        }
        Some(v) => {
            let size = nginx_size(v);
            if size.is_none_or(|s| s != 0 && s < BODY_FLOOR_BYTES) {
                ctx.push(
                    "body-size-too-low",
                    Severity::Warning,
                    p,
                    match size {
                        Some(_) => format!("`{key}` is `{v}`: Airbyte accepts request bodies up to 10 MB and larger catalogs get 413s"),
                        None => format!("`{key}` is `{v}`, which is not an NGINX size such as `16m`"),
                    },
                    format!("set `{key}: 16m`"),
                );
            }
        }
    }
}

fn alb_floor(ctx: &mut Ctx, ann: &Path, class_path: &Path) {
    let key = "alb.ingress.kubernetes.io/load-balancer-attributes";
    let p = ann.key(key);
    match get(ctx, key).and_then(alb_idle_timeout) {
        None => {
            let origin = ctx.origin(class_path);
            ctx.push_at(
                "timeout-too-low",
                Severity::Warning,
                p,
                origin,
                "the ALB idle timeout is not set: AWS's default of 60 s cuts off Airbyte's long requests with 504s".into(),
                format!("set `{key}: idle_timeout.timeout_seconds=240` ({ALB_IDLE_FLOOR_S}-290 s: long enough for Airbyte, under the server's 300 s keep-alive)"),
            );
        }
        Some(Ok(secs)) if secs < ALB_IDLE_FLOOR_S => {
            ctx.push(
                "timeout-too-low",
                Severity::Warning,
                p,
                format!("the ALB idle timeout is {secs} s: Airbyte's checks and discovers take minutes and get 504s"),
                format!("set `idle_timeout.timeout_seconds=240` in `{key}`"),
            );
        }
        Some(Err(v)) => {
            ctx.push(
                "timeout-too-low",
                Severity::Warning,
                p,
                format!("`idle_timeout.timeout_seconds={v}` is not a number of seconds"),
                "write `idle_timeout.timeout_seconds=240`".into(),
            );
        }
        Some(Ok(_)) => {}
    }
    let key = "alb.ingress.kubernetes.io/target-type";
    if get(ctx, key) != Some("ip") {
        let p = ann.key(key);
        let origin = blame(ctx, &p, get(ctx, key).is_some(), class_path);
        ctx.push_at(
            "alb-target-type",
            Severity::Error,
            p,
            origin,
            format!("`{key}` is `{}`: the default `instance` needs a NodePort Service, but Airbyte's server Service is ClusterIP, so the ALB registers no targets", get(ctx, key).unwrap_or("instance")),
            format!("set `{key}: ip`"),
        );
    }
}

fn haproxy_floor(ctx: &mut Ctx, ann: &Path, class_path: &Path) {
    let key = [
        "haproxy.org/timeout-server",
        "haproxy.com/timeout-server",
        "haproxy-ingress.github.io/timeout-server",
    ]
    .into_iter()
    .find(|k| get(ctx, k).is_some())
    .unwrap_or("haproxy.org/timeout-server");
    let p = ann.key(key);
    let v = get(ctx, key);
    let ms = v.and_then(haproxy_time_ms);
    if ms.is_none_or(|ms| ms < TIMEOUT_FLOOR_S * 1000) {
        let origin = blame(ctx, &p, v.is_some(), class_path);
        ctx.push_at(
            "timeout-too-low",
            Severity::Warning,
            p,
            origin,
            match (v, ms) {
                (None, _) => format!("`{key}` is not set: HAProxy's default of 50 s cuts off Airbyte's long requests"),
                (Some(v), None) => format!("`{key}` is `{v}`, which is not an HAProxy time such as `600s`"),
                (Some(v), Some(_)) => format!("`{key}` is `{v}`: Airbyte's checks and discovers take minutes"),
            },
            format!("set `{key}: 600s`; the client timeout is controller-wide (ConfigMap `timeout-client: 600s`)"),
        );
    }
}

fn agic_floor(ctx: &mut Ctx, ann: &Path, class_path: &Path) {
    let key = "appgw.ingress.kubernetes.io/request-timeout";
    let p = ann.key(key);
    let v = get(ctx, key);
    let secs = v.and_then(|v| v.trim().parse::<u64>().ok());
    if secs.is_none_or(|s| s < TIMEOUT_FLOOR_S) {
        let origin = blame(ctx, &p, v.is_some(), class_path);
        ctx.push_at(
            "timeout-too-low",
            Severity::Warning,
            p,
            origin,
            match v {
                None => format!("`{key}` is not set: Application Gateway's default of 30 s cuts off Airbyte's long requests"),
                Some(v) => format!("`{key}` is `{v}`: Airbyte's checks and discovers take minutes"),
            },
            format!("set `{key}: \"600\"`"),
        );
    }
}

/// Names the API server checks: annotation keys and the IngressClass name.
pub fn check_names(ctx: &mut Ctx) {
    let plan = ctx.plan;
    let ann = Path::parse("ingress.annotations");
    for key in plan.annotations.keys() {
        if !crate::names::qualified_name_ok(key) {
            let p = ann.key(key);
            ctx.push_key(
                "annotation-key-invalid",
                Severity::Error,
                p,
                format!("annotation key `{key}` is not a valid Kubernetes key: the API server rejects the Ingress"),
                "write `prefix.example.com/name`: a DNS prefix, `/`, and a name of letters, digits, `-`, `_` and `.`".into(),
            );
        }
    }
    if let Some(class) = &plan.class
        && !crate::names::dns_subdomain_ok(class)
    {
        let p = Path::parse("ingress.className");
        ctx.push(
            "class-invalid",
            Severity::Error,
            p,
            format!("`className` `{class}` is not a valid IngressClass name (lowercase letters, digits, `-` and `.`)"),
            "use the name of an IngressClass in the cluster, e.g. `nginx`, `alb`, `traefik`".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_times() {
        assert_eq!(nginx_size("16m"), Some(16 * 1024 * 1024));
        assert_eq!(nginx_size("1024K"), Some(1024 * 1024));
        assert_eq!(nginx_size("0"), Some(0));
        assert_eq!(nginx_size("16mb"), None);
        assert_eq!(haproxy_time_ms("10m"), Some(600_000));
        assert_eq!(haproxy_time_ms("600s"), Some(600_000));
        assert_eq!(haproxy_time_ms("50000"), Some(50_000));
        assert_eq!(haproxy_time_ms("5x"), None);
        assert_eq!(
            alb_idle_timeout("deletion_protection.enabled=true,idle_timeout.timeout_seconds=600"),
            Some(Ok(600))
        );
        assert_eq!(alb_idle_timeout("routing.http2.enabled=true"), None);
    }

    #[test]
    fn families() {
        assert_eq!(
            family_of("nginx.ingress.kubernetes.io/proxy-body-size"),
            Some(Family::IngressNginx)
        );
        assert_eq!(family_of("cert-manager.io/cluster-issuer"), None);
        assert_eq!(
            families_for_class("nginx-internal").map(|f| f[0]),
            Some(Family::IngressNginx)
        );
        assert_eq!(families_for_class("alb"), Some(&[Family::Alb][..]));
        assert_eq!(families_for_class("my-own"), None);
    }
}
