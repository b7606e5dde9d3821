//! Who may reach Airbyte: the annotations that limit it (an IP allow or deny list, authentication
//! at the proxy), the allow lists a target can carry as its own, and each target's way to do the
//! same when it cannot.

use std::collections::BTreeMap;

use super::{
    ALB_INBOUND_CIDRS, ALB_SECURITY_GROUPS, Controller, Family, GatewayImpl, Settings, family_of,
    gateway_impl,
};

/// What an annotation does to who can reach the routes it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Only some client addresses: an IP allow list.
    AllowList,
    /// All but some client addresses: an IP deny list (never restored by an allow list, nor the
    /// other way round).
    DenyList,
    /// Clients must authenticate at the proxy: an external authenticator, basic auth, OIDC.
    Authentication,
}

impl Access {
    pub fn describe(self) -> &'static str {
        match self {
            Access::AllowList => "an IP allow list",
            Access::DenyList => "an IP deny list",
            Access::Authentication => "authentication at the proxy",
        }
    }
}

/// Whether the annotation `key: value` limits who can reach the routes, and how: ingress-nginx's
/// source ranges (`whitelist-`, `allowlist-`, `denylist-source-range`) and authentication
/// (`auth-url`, `auth-type`, client certificates with `auth-tls-secret`), the ALB's
/// `inbound-cidrs` and `auth-type` (other than `none`), the HAProxy controllers' `allow-list`
/// (haproxytech) and `allowlist-source-range` (haproxy-ingress). An allow list of every address
/// (`0.0.0.0/0`, `::/0`) limits nothing.
pub fn access_control(key: &str, value: &str) -> Option<Access> {
    let name = key.rsplit('/').next().unwrap_or(key);
    let value = value.trim();
    let access = match (family_of(key)?, name) {
        (Family::IngressNginx, "whitelist-source-range" | "allowlist-source-range")
        | (Family::Alb, "inbound-cidrs")
        | (Family::Haproxy, "allow-list" | "allowlist-source-range") => Access::AllowList,
        (Family::IngressNginx, "denylist-source-range") => Access::DenyList,
        // an external authenticator, basic or digest auth, client certificates
        (Family::IngressNginx, "auth-url" | "auth-type" | "auth-tls-secret") => {
            Access::Authentication
        }
        (Family::Alb, "auth-type") if !value.eq_ignore_ascii_case("none") => Access::Authentication,
        _ => return None,
    };
    let everyone = access == Access::AllowList
        && value
            .split(',')
            .all(|range| matches!(range.trim(), "0.0.0.0/0" | "::/0"));
    (!value.is_empty() && !everyone).then_some(access)
}

/// The client ranges the values' allow lists admit, when a target can carry them: every allow
/// list among the annotations (a deny list is not one) names the same ranges, and each is an IP
/// address or a CIDR range. `None` when there is no allow list, or the lists disagree, or one
/// holds something else (that list is then reported as dropped, not guessed at).
pub fn allow_list(annotations: &BTreeMap<String, Option<String>>) -> Option<Vec<String>> {
    read_allow_lists(annotations).ok().flatten()
}

/// Why the values' allow lists cannot be carried exactly, if they cannot.
fn allow_list_problem(annotations: &BTreeMap<String, Option<String>>) -> Option<String> {
    read_allow_lists(annotations).err()
}

/// How a target carries another controller's allow list as its own (when [`allow_list`] reads
/// one), as the finding that says so words it; `None` when it cannot. Ingress targets carry it as
/// their own annotation, the others as an object or a check they render: Traefik's Middleware,
/// haproxy.cfg's `src` check, Envoy Gateway's SecurityPolicy and Istio's AuthorizationPolicy on
/// a Gateway the target renders (Istio's not for a wildcard host, which it cannot match with
/// every port). Exhaustive, so that a new controller decides.
pub fn allow_list_carrier(
    controller: Controller,
    settings: &Settings,
    hosts: &[String],
) -> Option<&'static str> {
    let exact_hosts = hosts.iter().all(|h| !h.starts_with('*'));
    const ISTIO: &str = "the AuthorizationPolicy this target renders, which denies Airbyte's hosts to every client outside those ranges";
    match controller {
        Controller::IngressNginx | Controller::AksAppRouting => {
            Some("`nginx.ingress.kubernetes.io/whitelist-source-range`")
        }
        Controller::Alb => Some("`alb.ingress.kubernetes.io/inbound-cidrs`"),
        Controller::Traefik => {
            Some("the `ipAllowList` Middleware this target renders on every route to Airbyte")
        }
        Controller::HaproxyCfg => Some(
            "the config's `http-request deny deny_status 403 unless` the client's `src` is in the list",
        ),
        Controller::GatewayApi if settings.gateway_name.is_some() => None,
        Controller::GatewayApi => {
            let class = settings.gateway_class.as_deref().unwrap_or_default();
            match gateway_impl(class) {
                GatewayImpl::EnvoyGateway => Some(
                    "the SecurityPolicy this target renders, which lets only those ranges reach the routes to Airbyte",
                ),
                // upstream Istio's Gateway API; not the managed `approuting-istio`
                GatewayImpl::Istio if class == "istio" && exact_hosts => Some(ISTIO),
                GatewayImpl::Istio | GatewayImpl::NginxGatewayFabric | GatewayImpl::Other => None,
            }
        }
        Controller::Istio if super::istio::existing(settings).is_none() && exact_hosts => {
            Some(ISTIO)
        }
        Controller::Istio | Controller::Agc | Controller::Haproxy => None,
    }
}

/// Why a target does not carry the values' allow list, where there is more to say than that it
/// cannot: lists it could carry but that are not exact (a range that is no address, two lists
/// that disagree), a Gateway it does not render (whose pods or routes its policy cannot name), or
/// a wildcard host (which Istio's DENY rule cannot match with every port).
pub fn allow_list_not_carried(
    controller: Controller,
    settings: &Settings,
    hosts: &[String],
    annotations: &BTreeMap<String, Option<String>>,
) -> Option<String> {
    if allow_list_carrier(controller, settings, hosts).is_some() {
        return allow_list_problem(annotations).map(|problem| {
            format!("an allow list is carried only when every range is an address or CIDR range and every list names the same ones: {problem}")
        });
    }
    let wildcard = hosts.iter().any(|h| h.starts_with('*'));
    let class = settings.gateway_class.as_deref().unwrap_or_default();
    let why = match controller {
        Controller::Istio if super::istio::existing(settings).is_some() => {
            "it attaches to a Gateway it does not render, whose gateway pods it cannot select"
        }
        Controller::GatewayApi if settings.gateway_name.is_some() => {
            "it attaches to a Gateway it does not render, whose implementation it cannot tell"
        }
        Controller::Istio | Controller::GatewayApi
            if wildcard && (controller == Controller::Istio || class == "istio") =>
        {
            "Istio's DENY rule cannot match a wildcard host with every port, so a client could pass it by naming a port"
        }
        _ => return None,
    };
    Some(why.to_string())
}

/// [`allow_list`], with the reason when the lists cannot be carried.
fn read_allow_lists(
    annotations: &BTreeMap<String, Option<String>>,
) -> Result<Option<Vec<String>>, String> {
    let mut found: Option<(&str, Vec<String>)> = None;
    for (key, value) in annotations {
        let Some(value) = value else { continue };
        if access_control(key, value) != Some(Access::AllowList) {
            continue;
        }
        // in the order written, each once
        let mut ranges: Vec<String> = Vec::new();
        for r in value.split(',').map(str::trim) {
            if !is_ip_range(r) {
                return Err(format!(
                    "`{}` in `{key}` is no IP address or CIDR range",
                    r.escape_debug()
                ));
            }
            if !ranges.iter().any(|seen| seen == r) {
                ranges.push(r.to_string());
            }
        }
        let set = |v: &[String]| {
            let mut v = v.to_vec();
            v.sort();
            v
        };
        match &found {
            Some((first, seen)) if set(seen) != set(&ranges) => {
                return Err(format!("`{first}` and `{key}` name different ranges"));
            }
            Some(_) => {}
            None => found = Some((key, ranges)),
        }
    }
    Ok(found.map(|(_, ranges)| ranges))
}

/// A range as CIDR notation: an address alone is its own /32 or /128 (the ALB takes CIDRs only).
pub fn as_cidr(range: &str) -> String {
    match range.parse::<std::net::IpAddr>() {
        Ok(std::net::IpAddr::V4(_)) => format!("{range}/32"),
        Ok(std::net::IpAddr::V6(_)) => format!("{range}/128"),
        Err(_) => range.to_string(),
    }
}

/// Whether the output's own annotations limit access this way (the ALB's `inbound-cidrs` does
/// not when `security-groups` replaces the rules it would make).
pub fn restricts(annotations: &BTreeMap<String, String>, access: Access) -> bool {
    annotations.iter().any(|(k, v)| {
        access_control(k, v) == Some(access)
            && !(k == ALB_INBOUND_CIDRS && annotations.contains_key(ALB_SECURITY_GROUPS))
    })
}

/// An IP address, or an address and a prefix length that fits it (`10.0.0.0/8`, `2001:db8::/32`).
pub fn is_ip_range(s: &str) -> bool {
    let (addr, prefix) = match s.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (s, None),
    };
    let Ok(ip) = addr.parse::<std::net::IpAddr>() else {
        return false;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    match prefix {
        None => true,
        Some(p) => {
            p.bytes().all(|b| b.is_ascii_digit())
                && !p.is_empty()
                && p.parse::<u8>().is_ok_and(|n| n <= max)
        }
    }
}

/// How a target limits access the way a dropped annotation did, for the user to set up: its own
/// annotation where it reads one (the finding then goes away), else its own objects or policy.
pub fn access_advice(controller: Controller, access: Access, settings: &Settings) -> String {
    use Access::{AllowList as Allow, Authentication as Auth, DenyList as Deny};
    let istio = match access {
        Allow | Deny => {
            "an Istio `AuthorizationPolicy` on the ingress gateway with action `DENY` for Airbyte's hosts (each also as `host:*`) from `notRemoteIpBlocks` (an allow list's ranges) or `remoteIpBlocks` (a deny list's); an `ALLOW` policy would shut every other host of a shared gateway out"
        }
        Auth => {
            "an Istio `AuthorizationPolicy` on the ingress gateway with action `CUSTOM` and an external authorizer"
        }
    };
    let text = match (controller, access) {
        (Controller::IngressNginx | Controller::AksAppRouting, Allow) => {
            "`nginx.ingress.kubernetes.io/whitelist-source-range` with the allowed ranges in the annotations"
        }
        (Controller::IngressNginx | Controller::AksAppRouting, Deny) => {
            "`nginx.ingress.kubernetes.io/denylist-source-range` with the denied ranges in the annotations"
        }
        (Controller::IngressNginx | Controller::AksAppRouting, Auth) => {
            "`nginx.ingress.kubernetes.io/auth-url` (an external authenticator such as oauth2-proxy) or `auth-type: basic` with `auth-secret` in the annotations"
        }
        (Controller::Alb, Allow) => {
            "`alb.ingress.kubernetes.io/inbound-cidrs` with the allowed ranges in the annotations"
        }
        (Controller::Alb, Deny) => {
            "the load balancer's security groups or an AWS WAF rule (the ALB has no deny-list annotation)"
        }
        (Controller::Alb, Auth) => {
            "`alb.ingress.kubernetes.io/auth-type: oidc` (or `cognito`) with its `auth-idp-oidc` settings in the annotations"
        }
        (Controller::Haproxy, Allow) => {
            "`haproxy.org/allow-list` with the allowed ranges in the annotations"
        }
        (Controller::Haproxy, Deny) => {
            "the HAProxy controller's deny-list annotation, or rules in front of it"
        }
        (Controller::Haproxy, Auth) => {
            "the HAProxy controller's authentication annotations, or an external authenticator in front of Airbyte"
        }
        (Controller::Agc, _) => {
            "a WAF policy on Application Gateway for Containers, or network security rules in front of it"
        }
        (Controller::Traefik, Allow) => {
            "a `traefik.io/v1alpha1` Middleware with `ipAllowList.sourceRange`, listed in the IngressRoute route's `middlewares`"
        }
        (Controller::Traefik, Deny) => {
            "an `ipAllowList` Middleware of the ranges to admit instead (Traefik has no deny-list Middleware), listed in the IngressRoute route's `middlewares`"
        }
        (Controller::Traefik, Auth) => {
            "a `forwardAuth` or `basicAuth` Middleware, listed in the IngressRoute route's `middlewares`"
        }
        (Controller::Istio, _) => istio,
        (Controller::GatewayApi, _) => {
            let class = settings.gateway_class.as_deref().unwrap_or("gateway");
            // an existing Gateway (`--gateway-name`) may be any implementation's
            let implementation = match settings.gateway_name {
                Some(_) => GatewayImpl::Other,
                None => gateway_impl(class),
            };
            match implementation {
                GatewayImpl::EnvoyGateway => {
                    "an Envoy Gateway `SecurityPolicy` targeting the HTTPRoute (`authorization` rules on `clientCIDRs`; `extAuth`, `basicAuth` or `oidc`)"
                }
                GatewayImpl::Istio => istio,
                GatewayImpl::NginxGatewayFabric | GatewayImpl::Other => {
                    "your Gateway API implementation's own policy (Gateway API has no field for it), or rules that limit who reaches the Gateway's load balancer"
                }
            }
        }
        (Controller::HaproxyCfg, Allow) => {
            "`http-request deny unless { src RANGES }` in the config's frontends"
        }
        (Controller::HaproxyCfg, Deny) => {
            "`http-request deny if { src RANGES }` in the config's frontends"
        }
        (Controller::HaproxyCfg, Auth) => {
            "`http-request auth` with a `userlist` in the config's frontends, or an external authenticator"
        }
    };
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::super::tests::annotations;
    use super::*;

    #[test]
    fn access_controls_are_told_by_key_and_value() {
        use Access::{AllowList as Range, Authentication as Auth, DenyList as Deny};
        for (key, value, want) in [
            (
                "nginx.ingress.kubernetes.io/whitelist-source-range",
                "10.0.0.0/8",
                Some(Range),
            ),
            (
                "nginx.ingress.kubernetes.io/allowlist-source-range",
                "10.0.0.0/8, 192.0.2.1/32",
                Some(Range),
            ),
            // every address: nothing is limited
            (
                "nginx.ingress.kubernetes.io/whitelist-source-range",
                "0.0.0.0/0, ::/0",
                None,
            ),
            // a deny list of every address denies everything: dropping it opens Airbyte
            (
                "nginx.ingress.kubernetes.io/denylist-source-range",
                "0.0.0.0/0",
                Some(Deny),
            ),
            (
                "nginx.ingress.kubernetes.io/auth-url",
                "https://oauth2.example.com/oauth2/auth",
                Some(Auth),
            ),
            ("nginx.ingress.kubernetes.io/auth-type", "basic", Some(Auth)),
            (
                "nginx.ingress.kubernetes.io/auth-tls-secret",
                "airbyte/client-ca",
                Some(Auth),
            ),
            ("nginx.ingress.kubernetes.io/auth-url", " ", None),
            // what goes with an authenticator is not one itself
            (
                "nginx.ingress.kubernetes.io/auth-signin",
                "https://oauth2.example.com/oauth2/start",
                None,
            ),
            (
                "alb.ingress.kubernetes.io/inbound-cidrs",
                "203.0.113.0/24",
                Some(Range),
            ),
            ("alb.ingress.kubernetes.io/inbound-cidrs", "0.0.0.0/0", None),
            ("alb.ingress.kubernetes.io/auth-type", "oidc", Some(Auth)),
            ("alb.ingress.kubernetes.io/auth-type", "none", None),
            ("haproxy.org/allow-list", "10.0.0.0/8", Some(Range)),
            (
                "haproxy-ingress.github.io/allowlist-source-range",
                "10.0.0.0/8",
                Some(Range),
            ),
            // another family's name, or a neutral key
            (
                "traefik.ingress.kubernetes.io/whitelist-source-range",
                "10.0.0.0/8",
                None,
            ),
            ("cert-manager.io/cluster-issuer", "letsencrypt", None),
        ] {
            assert_eq!(access_control(key, value), want, "{key}: {value}");
        }
    }

    #[test]
    fn allow_lists_are_carried_only_when_exact() {
        let ranges = |pairs: &[(&str, &str)]| {
            allow_list(&annotations(
                &pairs
                    .iter()
                    .map(|(k, v)| (*k, Some(*v)))
                    .collect::<Vec<_>>(),
            ))
        };
        const NGINX: &str = "nginx.ingress.kubernetes.io/whitelist-source-range";
        const ALB: &str = "alb.ingress.kubernetes.io/inbound-cidrs";
        assert_eq!(
            ranges(&[(NGINX, "203.0.113.0/24, 10.8.0.0/16,203.0.113.0/24")]),
            Some(vec!["203.0.113.0/24".into(), "10.8.0.0/16".into()])
        );
        // the same set twice is one list; two different sets are not guessed at
        assert!(
            ranges(&[
                (NGINX, "10.0.0.0/8,192.0.2.1"),
                (ALB, "192.0.2.1, 10.0.0.0/8")
            ])
            .is_some()
        );
        assert_eq!(
            ranges(&[(NGINX, "10.0.0.0/8"), (ALB, "192.0.2.0/24")]),
            None
        );
        // something that is no range: the list is not carried
        assert_eq!(ranges(&[(NGINX, "10.0.0.0/8, office")]), None);
        let problem = |pairs: &[(&str, &str)]| {
            allow_list_problem(&annotations(
                &pairs
                    .iter()
                    .map(|(k, v)| (*k, Some(*v)))
                    .collect::<Vec<_>>(),
            ))
        };
        assert_eq!(
            problem(&[(NGINX, "10.0.0.0/8, office")]).as_deref(),
            Some(
                "`office` in `nginx.ingress.kubernetes.io/whitelist-source-range` is no IP address or CIDR range"
            )
        );
        assert_eq!(
            problem(&[(NGINX, "10.0.0.0/8"), (ALB, "192.0.2.0/24")]).as_deref(),
            Some(
                "`alb.ingress.kubernetes.io/inbound-cidrs` and `nginx.ingress.kubernetes.io/whitelist-source-range` name different ranges"
            )
        );
        assert_eq!(problem(&[(NGINX, "10.0.0.0/8")]), None);
        // a deny list is not an allow list; every address limits nothing
        assert_eq!(
            ranges(&[(
                "nginx.ingress.kubernetes.io/denylist-source-range",
                "10.0.0.0/8"
            )]),
            None
        );
        assert_eq!(ranges(&[(NGINX, "0.0.0.0/0")]), None);
        assert_eq!(ranges(&[("cert-manager.io/cluster-issuer", "le")]), None);
    }

    #[test]
    fn ip_ranges() {
        for ok in [
            "10.0.0.0/8",
            "192.0.2.1",
            "0.0.0.0/0",
            "2001:db8::/32",
            "::1",
            "::/0",
            "1.2.3.4/32",
        ] {
            assert!(is_ip_range(ok), "{ok}");
        }
        for bad in [
            "",
            "10.0.0.0/33",
            "2001:db8::/129",
            "10.0.0/8",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "10.0.0.0/8/8",
            "office",
            " 10.0.0.0/8",
        ] {
            assert!(!is_ip_range(bad), "{bad}");
        }
    }

    proptest::proptest! {
        /// An address with a prefix is a range exactly when the prefix fits the address family.
        #[test]
        fn a_prefix_fits_its_address_family(
            v4 in proptest::prelude::any::<std::net::Ipv4Addr>(),
            v6 in proptest::prelude::any::<std::net::Ipv6Addr>(),
            prefix in 0u32..200,
        ) {
            proptest::prop_assert_eq!(is_ip_range(&format!("{v4}/{prefix}")), prefix <= 32);
            proptest::prop_assert_eq!(is_ip_range(&format!("{v6}/{prefix}")), prefix <= 128);
            proptest::prop_assert!(is_ip_range(&v4.to_string()) && is_ip_range(&v6.to_string()));
        }
    }

    #[test]
    fn an_output_restricts_with_its_own_kind_of_list_and_not_through_ignored_cidrs() {
        let out = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        let cidrs = (ALB_INBOUND_CIDRS, "10.0.0.0/8");
        assert!(restricts(&out(&[cidrs]), Access::AllowList));
        assert!(!restricts(&out(&[cidrs]), Access::DenyList));
        // given security groups make the ALB ignore `inbound-cidrs`
        assert!(!restricts(
            &out(&[cidrs, (ALB_SECURITY_GROUPS, "sg-0123")]),
            Access::AllowList
        ));
        let deny = (
            "nginx.ingress.kubernetes.io/denylist-source-range",
            "10.0.0.1",
        );
        assert!(!restricts(&out(&[deny]), Access::AllowList));
        assert!(restricts(&out(&[deny]), Access::DenyList));
    }

    #[test]
    fn access_advice_names_the_target_s_own_way() {
        let settings = Settings::default();
        for (controller, access, want) in [
            (
                Controller::Alb,
                Access::AllowList,
                "alb.ingress.kubernetes.io/inbound-cidrs",
            ),
            (
                Controller::Traefik,
                Access::AllowList,
                "ipAllowList.sourceRange",
            ),
            (Controller::Traefik, Access::Authentication, "forwardAuth"),
            (Controller::Istio, Access::AllowList, "remoteIpBlocks"),
            (
                Controller::HaproxyCfg,
                Access::AllowList,
                "http-request deny unless { src",
            ),
            (
                Controller::GatewayApi,
                Access::AllowList,
                "Gateway API has no field for it",
            ),
        ] {
            let advice = access_advice(controller, access, &settings);
            assert!(advice.contains(want), "{controller:?} {access:?}: {advice}");
        }
        let eg = Settings {
            gateway_class: Some("eg".into()),
            ..Settings::default()
        };
        assert!(
            access_advice(Controller::GatewayApi, Access::AllowList, &eg)
                .contains("SecurityPolicy")
        );
        let existing = Settings {
            gateway_name: Some("shared".into()),
            ..eg
        };
        assert!(
            access_advice(Controller::GatewayApi, Access::AllowList, &existing)
                .contains("implementation's own policy")
        );
    }
}
