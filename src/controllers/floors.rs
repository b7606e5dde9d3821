//! Airbyte's floors in each controller's terms: the annotations that set a proxy timeout, body
//! limit or target type, their syntax, the controller's default when they are missing, and a
//! verdict when they fall short. The caller places each verdict (a values path, a manifest line).

use std::collections::BTreeMap;

use super::Family;
use crate::airbyte::Intent;
use crate::findings::Rule;

/// Annotations as a values file gives them (a `None` is a YAML `null`) or as an object has them.
#[derive(Clone, Copy, Debug)]
pub enum Annotations<'a> {
    Values(&'a BTreeMap<String, Option<String>>),
    Plain(&'a BTreeMap<String, String>),
}

impl<'a> Annotations<'a> {
    pub fn get(&self, key: &str) -> Option<&'a str> {
        match self {
            Annotations::Values(m) => m.get(key).and_then(|v| v.as_deref()),
            Annotations::Plain(m) => m.get(key).map(String::as_str),
        }
    }

    pub fn keys(&self) -> Box<dyn Iterator<Item = &'a str> + 'a> {
        match *self {
            Annotations::Values(m) => Box::new(m.keys().map(String::as_str)),
            Annotations::Plain(m) => Box::new(m.keys().map(String::as_str)),
        }
    }
}

/// A setting that falls short of Airbyte's needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub rule: Rule,
    /// The annotation concerned.
    pub key: String,
    /// Whether the annotation is set (blame it) or missing, so that the controller's default
    /// applies (blame what chose the controller: the class).
    pub set: bool,
    /// The key is at fault, not its value (a name the controller does not read).
    pub on_key: bool,
    pub message: String,
    pub help: String,
}

/// NGINX size syntax: `16m`, `1024k`, `1g`, plain bytes; `0` means unlimited.
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

/// HAProxy time syntax: a number with `us`, `ms`, `s`, `m`, `h` or `d`; no unit means
/// milliseconds. Returned in milliseconds.
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

/// A Go duration (`600s`, `10m`, `1h30m`, `1.5s`, `500ms`) in seconds, as Gateway API, Istio and
/// Traefik write timeouts; a bare number is seconds (Traefik's int form).
pub fn duration_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    if s.is_empty() {
        return None;
    }
    let mut total = 0.0;
    let mut rest = s;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let n: f64 = rest[..num_end].parse().ok()?;
        rest = &rest[num_end..];
        let unit = ["ns", "us", "µs", "ms", "s", "m", "h"]
            .into_iter()
            .find(|u| rest.starts_with(u))?;
        rest = &rest[unit.len()..];
        total += n * match unit {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            _ => 3600.0,
        };
    }
    Some(total)
}

/// NGINX's timeouts are seconds, with or without an `s`.
pub fn nginx_seconds(s: &str) -> Option<u64> {
    s.trim().trim_end_matches('s').parse().ok()
}

/// Judges the annotations a controller of `family` reads against Airbyte's floors, including the
/// controller's defaults for what is not set.
pub fn judge(family: Family, ann: Annotations<'_>, intent: &Intent) -> Vec<Verdict> {
    let mut out = Vec::new();
    match family {
        Family::IngressNginx | Family::F5Nginx => nginx(ann, intent, &mut out),
        Family::Alb => alb(ann, intent, &mut out),
        Family::Haproxy => haproxy(ann, intent, &mut out),
        Family::Agic => agic(ann, intent, &mut out),
        Family::Traefik | Family::Agc | Family::AksAppRouting => {}
    }
    out
}

fn verdict(rule: Rule, key: &str, set: bool, message: String, help: String) -> Verdict {
    Verdict {
        rule,
        key: key.to_string(),
        set,
        on_key: false,
        message,
        help,
    }
}

fn nginx(ann: Annotations<'_>, intent: &Intent, out: &mut Vec<Verdict>) {
    // the F5 controller's keys when only those are used
    let f5 = ann
        .keys()
        .any(|k| super::family_of(k) == Some(Family::F5Nginx))
        && !ann
            .keys()
            .any(|k| super::family_of(k) == Some(Family::IngressNginx));
    let prefix = if f5 {
        "nginx.org/"
    } else {
        "nginx.ingress.kubernetes.io/"
    };
    let floor = intent.timeout_floor_s;
    let want = intent.request_timeout_s;
    for name in ["proxy-read-timeout", "proxy-send-timeout"] {
        let key = format!("{prefix}{name}");
        match ann.get(&key) {
            None => out.push(verdict(
                Rule::TimeoutTooLow,
                &key,
                false,
                format!("`{key}` is not set: NGINX's default of 60 s cuts off Airbyte's source checks and schema discovery with 504s"),
                format!("set `{key}: \"{want}\"` (seconds, at least {floor})"),
            )),
            Some(v) => {
                let secs = nginx_seconds(v);
                if secs.is_none_or(|s| s < floor) {
                    out.push(verdict(
                        Rule::TimeoutTooLow,
                        &key,
                        true,
                        match secs {
                            Some(_) => format!("`{key}` is `{v}` seconds: Airbyte's checks and discovers take minutes and get 504s under {floor}"),
                            None => format!("`{key}` is `{v}`, which is not a number of seconds; NGINX falls back to 60 s"),
                        },
                        format!("set `{key}: \"{want}\"`"),
                    ));
                }
            }
        }
    }
    let key = if f5 {
        "nginx.org/client-max-body-size".to_string()
    } else {
        format!("{prefix}proxy-body-size")
    };
    let body = intent.body_size();
    match ann.get(&key) {
        None => out.push(verdict(
            Rule::BodySizeTooLow,
            &key,
            false,
            format!("`{key}` is not set: NGINX's default of 1m answers 413 when Airbyte saves large catalogs and connections"),
            format!("set `{key}: {body}` (at least 10m)"),
        )),
        Some(v) => {
            let size = nginx_size(v);
            if size.is_none_or(|s| s != 0 && s < intent.body_floor_bytes) {
                out.push(verdict(
                    Rule::BodySizeTooLow,
                    &key,
                    true,
                    match size {
                        Some(_) => format!("`{key}` is `{v}`: Airbyte accepts request bodies up to 10 MB and larger catalogs get 413s"),
                        None => format!("`{key}` is `{v}`, which is not an NGINX size such as `{body}`"),
                    },
                    format!("set `{key}: {body}`"),
                ));
            }
        }
    }
}

fn alb(ann: Annotations<'_>, intent: &Intent, out: &mut Vec<Verdict>) {
    let key = "alb.ingress.kubernetes.io/load-balancer-attributes";
    let (floor, ceiling, want) = (
        intent.alb_idle_floor_s,
        intent.alb_idle_ceiling_s,
        intent.alb_idle_s,
    );
    match ann.get(key).and_then(alb_idle_timeout) {
        None => out.push(verdict(
            Rule::TimeoutTooLow,
            key,
            false,
            "the ALB idle timeout is not set: AWS's default of 60 s cuts off Airbyte's long requests with 504s".into(),
            format!("set `{key}: idle_timeout.timeout_seconds={want}` ({floor}-{ceiling} s: long enough for Airbyte, under the server's 300 s keep-alive)"),
        )),
        Some(Ok(secs)) if secs < floor => out.push(verdict(
            Rule::TimeoutTooLow,
            key,
            true,
            format!("the ALB idle timeout is {secs} s: Airbyte's checks and discovers take minutes and get 504s"),
            format!("set `idle_timeout.timeout_seconds={want}` in `{key}`"),
        )),
        Some(Err(v)) => out.push(verdict(
            Rule::TimeoutTooLow,
            key,
            true,
            format!("`idle_timeout.timeout_seconds={v}` is not a number of seconds"),
            format!("write `idle_timeout.timeout_seconds={want}`"),
        )),
        Some(Ok(_)) => {}
    }
    let key = "alb.ingress.kubernetes.io/target-type";
    let given = ann.get(key);
    if given != Some("ip") {
        out.push(verdict(
            Rule::AlbTargetType,
            key,
            given.is_some(),
            match given {
                Some(v) => format!("`{key}` is `{v}`: `instance` targets need a NodePort Service, but Airbyte's server Service is ClusterIP, so the ALB registers no targets"),
                None => format!("`{key}` is not set: the default `instance` needs a NodePort Service, but Airbyte's server Service is ClusterIP, so the ALB registers no targets"),
            },
            format!("set `{key}: ip`"),
        ));
    }
}

fn haproxy(ann: Annotations<'_>, intent: &Intent, out: &mut Vec<Verdict>) {
    let key = [
        "haproxy.org/timeout-server",
        "haproxy.com/timeout-server",
        "haproxy-ingress.github.io/timeout-server",
    ]
    .into_iter()
    .find(|k| ann.get(k).is_some())
    .unwrap_or("haproxy.org/timeout-server");
    let v = ann.get(key);
    let ms = v.and_then(haproxy_time_ms);
    if ms.is_none_or(|ms| ms < intent.timeout_floor_s * 1000) {
        out.push(verdict(
            Rule::TimeoutTooLow,
            key,
            v.is_some(),
            match (v, ms) {
                (None, _) => format!("`{key}` is not set: HAProxy's default of 50 s cuts off Airbyte's long requests"),
                (Some(v), None) => format!("`{key}` is `{v}`, which is not an HAProxy time such as `{}`", intent.request_timeout()),
                (Some(v), Some(_)) => format!("`{key}` is `{v}`: Airbyte's checks and discovers take minutes"),
            },
            format!(
                "set `{key}: {}`; the client timeout is controller-wide (ConfigMap `timeout-client: {}`)",
                intent.request_timeout(),
                intent.request_timeout()
            ),
        ));
    }
}

fn agic(ann: Annotations<'_>, intent: &Intent, out: &mut Vec<Verdict>) {
    let key = "appgw.ingress.kubernetes.io/request-timeout";
    let v = ann.get(key);
    let secs = v.and_then(|v| v.trim().parse::<u64>().ok());
    if secs.is_none_or(|s| s < intent.timeout_floor_s) {
        out.push(verdict(
            Rule::TimeoutTooLow,
            key,
            v.is_some(),
            match v {
                None => format!("`{key}` is not set: Application Gateway's default of 30 s cuts off Airbyte's long requests"),
                Some(v) => format!("`{key}` is `{v}`: Airbyte's checks and discovers take minutes"),
            },
            format!("set `{key}: \"{}\"`", intent.request_timeout_s),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::airbyte::INTENT;

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
        assert_eq!(nginx_seconds("600s"), Some(600));
        assert_eq!(duration_seconds("600s"), Some(600.0));
        assert_eq!(duration_seconds("1h30m"), Some(5400.0));
        assert_eq!(duration_seconds("500ms"), Some(0.5));
        assert_eq!(duration_seconds("90"), Some(90.0));
        assert_eq!(duration_seconds("10x"), None);
        assert_eq!(duration_seconds(""), None);
    }

    fn judged(family: Family, pairs: &[(&str, &str)]) -> Vec<(Rule, String, bool)> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        judge(family, Annotations::Plain(&map), &INTENT)
            .into_iter()
            .map(|v| (v.rule, v.key, v.set))
            .collect()
    }

    #[test]
    fn defaults_count_when_nothing_is_set() {
        let nginx = judged(Family::IngressNginx, &[]);
        assert_eq!(nginx.len(), 3);
        assert!(nginx.iter().all(|(_, _, set)| !set));
        let alb = judged(Family::Alb, &[]);
        assert_eq!(
            alb.iter().map(|(r, _, _)| *r).collect::<Vec<_>>(),
            [Rule::TimeoutTooLow, Rule::AlbTargetType]
        );
        assert_eq!(judged(Family::Haproxy, &[]).len(), 1);
        assert_eq!(judged(Family::Agic, &[]).len(), 1);
        assert!(judged(Family::Traefik, &[]).is_empty());
    }

    #[test]
    fn settings_at_airbyte_s_floors_pass_and_under_them_fail() {
        let good = [
            ("nginx.ingress.kubernetes.io/proxy-read-timeout", "600"),
            ("nginx.ingress.kubernetes.io/proxy-send-timeout", "300"),
            ("nginx.ingress.kubernetes.io/proxy-body-size", "0"),
        ];
        assert!(judged(Family::IngressNginx, &good).is_empty());
        let low = [
            ("nginx.ingress.kubernetes.io/proxy-read-timeout", "299"),
            ("nginx.ingress.kubernetes.io/proxy-send-timeout", "600"),
            ("nginx.ingress.kubernetes.io/proxy-body-size", "9m"),
        ];
        let got = judged(Family::IngressNginx, &low);
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|(_, _, set)| *set));
        let f5 = [
            ("nginx.org/proxy-read-timeout", "600s"),
            ("nginx.org/proxy-send-timeout", "600s"),
            ("nginx.org/client-max-body-size", "16m"),
        ];
        assert!(judged(Family::F5Nginx, &f5).is_empty());
        let alb = [
            (
                "alb.ingress.kubernetes.io/load-balancer-attributes",
                "idle_timeout.timeout_seconds=30",
            ),
            ("alb.ingress.kubernetes.io/target-type", "instance"),
        ];
        assert_eq!(
            judged(Family::Alb, &alb),
            [
                (
                    Rule::TimeoutTooLow,
                    "alb.ingress.kubernetes.io/load-balancer-attributes".to_string(),
                    true
                ),
                (
                    Rule::AlbTargetType,
                    "alb.ingress.kubernetes.io/target-type".to_string(),
                    true
                )
            ]
        );
        assert!(judged(Family::Haproxy, &[("haproxy.com/timeout-server", "10m")]).is_empty());
        assert_eq!(
            judged(Family::Haproxy, &[("haproxy.org/timeout-server", "50s")]).len(),
            1
        );
    }
}
