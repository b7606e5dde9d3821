//! What rendering for a target means for these values: the `chart` target with its Ingress off; for
//! a bring-your-own target, the hosts it will serve, what it leaves out, and what it cannot set
//! itself (controller-wide timeouts, certificates it must find), said the same way by `validate
//! --target T` and `render --target T`.

use super::Ctx;
use crate::controllers::{AKS_GATEWAY_CLASS, ALB_CERTIFICATE, Controller, Equivalent};
use crate::findings::{Finding, Rule};
use crate::names::host_problem;
use crate::plan::{Byo, Output};
use crate::values::{Origin, Path};

pub fn check(ctx: &mut Ctx) {
    let plan = ctx.plan;
    match (&plan.output, &plan.byo) {
        (Output::Chart, _) if !plan.enabled => {
            let f = Finding::new(
                Rule::ChartIngressOff,
                Path::parse("ingress.enabled"),
                plan.enabled_origin,
                "nothing to render: `ingress.enabled` is not true, so the chart renders no Ingress",
            );
            ctx.push(f);
        }
        (Output::Byo(controller), Some(byo)) => bring_your_own(ctx, *controller, byo),
        _ => {}
    }
}

/// Where the target's TLS Secrets must be, when not in the release namespace.
fn secret_namespace(controller: Controller, byo: &Byo) -> Option<&str> {
    match controller {
        Controller::Istio => crate::controllers::istio::rendered_gateway_namespace(&byo.settings),
        Controller::IngressNginx
        | Controller::Alb
        | Controller::AksAppRouting
        | Controller::Agc
        | Controller::Haproxy
        | Controller::Traefik
        | Controller::GatewayApi
        | Controller::HaproxyCfg => None,
    }
}

fn istio_notes(ctx: &mut Ctx, byo: &Byo) {
    let plan = ctx.plan;
    let s = &byo.settings;
    if let Some(gw) = &s.istio_gateway {
        let hosts = byo
            .hosts
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ");
        ctx.push(note(
            Rule::IstioAttachExisting,
            format!(
                "the Istio Gateway `{gw}` must serve {hosts} to VirtualServices of namespace `{}` (`servers[].hosts` `*/HOST` or `{}/HOST`) and terminate TLS for them; no redirect to HTTPS is rendered in this mode",
                plan.namespace, plan.namespace
            ),
        ));
    } else if let Some(gw_ns) = crate::controllers::istio::rendered_gateway_namespace(s) {
        let mut secrets: Vec<&str> = byo
            .tls
            .iter()
            .filter_map(|t| t.secret_name.as_deref())
            .collect();
        secrets.sort_unstable();
        secrets.dedup();
        if !secrets.is_empty() {
            let names = secrets
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let f = note(
                Rule::IstioCredentialNamespace,
                format!(
                    "the Gateway's HTTPS servers read the TLS {} {names} from namespace `{gw_ns}`, where the ingress gateway runs, not from `{}`",
                    if secrets.len() == 1 {
                        "Secret"
                    } else {
                        "Secrets"
                    },
                    plan.namespace
                ),
            );
            ctx.push(f.help(format!(
                "create {} in `{gw_ns}` (with a cert-manager Certificate there, or a Key Vault sync into that namespace)",
                if secrets.len() == 1 { "it" } else { "them" }
            )));
        }
    }
    let t = plan.intent.request_timeout();
    let f = note(
        Rule::IstioGatewayTimeouts,
        format!(
            "each route sets `timeout: {t}` (Istio sets none) and retries only requests that never reached Airbyte; the gateway's Envoy closes client connections idle for 1 hour, and on AKS the Azure load balancer in front of the gateway drops TCP connections idle for 4 minutes by default, which a long check or discover can outlast"
        ),
    );
    ctx.push(f.help(
        "if long calls fail after 4 minutes, raise the load balancer's idle timeout for the gateway's Service (`service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout`, in minutes) where your gateway installation allows it",
    ));
}

fn bring_your_own(ctx: &mut Ctx, controller: Controller, byo: &Byo) {
    let plan = ctx.plan;
    let url = Path::parse("global.airbyteUrl");
    let ann = Path::parse("ingress.annotations");
    for d in &byo.effective.dropped {
        let value = plan.annotations.get(&d.key).and_then(Option::as_deref);
        let access = crate::controllers::access_control(&d.key, value.unwrap_or_default());
        // carried by the output's own objects, or restricted the target's own way already (its
        // annotation is in the output): the rest of the loop words the drop
        let carried = matches!(d.equivalent, Some(Equivalent::Carried(_)));
        if let Some(access) = access
            .filter(|a| !carried && !crate::controllers::restricts(&byo.effective.annotations, *a))
        {
            // an allow list the target does not carry says why, where there is more to say
            let why = (access == crate::controllers::Access::AllowList)
                .then(|| {
                    crate::controllers::allow_list_not_carried(
                        controller,
                        &byo.settings,
                        &byo.hosts,
                        &plan.annotations,
                    )
                })
                .flatten()
                .map(|why| format!(" ({why})"))
                .unwrap_or_default();
            let f = ctx.key(
                Rule::AccessControlDropped,
                ann.key(&d.key),
                format!(
                    "annotation `{}` limits who can reach Airbyte ({}); the `{}` output leaves it out{why}, so Airbyte would answer every client that reaches the proxy",
                    d.key,
                    access.describe(),
                    byo.effective.controller.output_name()
                ),
            );
            ctx.push(f.help(format!(
                "restrict access the target's way first: {}; then remove the annotation from the input",
                crate::controllers::access_advice(controller, access, &byo.settings)
            )));
            continue;
        }
        let eq = d
            .equivalent
            .as_ref()
            .map(|e| format!("; this target's equivalent is {e}"))
            .unwrap_or_default();
        let class = byo.effective.controller.output_name();
        if let Some(Equivalent::NotNeeded(none)) = &d.equivalent {
            let f = ctx.key(
                Rule::AnnotationNotNeeded,
                ann.key(&d.key),
                format!(
                    "annotation `{}` is not needed for the `{class}` output: {none}",
                    d.key
                ),
            );
            ctx.push(f);
            continue;
        }
        let f = ctx.key(
            Rule::AnnotationDropped,
            ann.key(&d.key),
            match d.family {
                Some(f) => format!("annotation `{}` is for {}; the `{class}` output leaves it out", d.key, f.controller()),
                None => format!("annotation `{}` applies to Ingress objects; the `{class}` output has none, so it is left out", d.key),
            },
        );
        ctx.push(f.help(format!(
            "move the setting to this controller's annotations or drop it{eq}"
        )));
    }
    if plan.enabled {
        let f = ctx.value(
            Rule::ChartIngressAlsoEnabled,
            Path::parse("ingress.enabled"),
            "`ingress.enabled` is true: the chart renders its own Ingress too, and two ingresses claim the same host",
        );
        ctx.push(f);
    }
    if byo.hosts.is_empty() {
        let why = if plan.airbyte_url.is_some() {
            "`global.airbyteUrl` is not an absolute URL to take the host from"
        } else {
            "`global.airbyteUrl` is empty"
        };
        ctx.push(Finding::new(
            Rule::HostsMissing,
            url,
            Origin::Command,
            format!("nothing to serve: the values list no `ingress.hosts` and {why}"),
        ));
        return;
    }
    if byo.from_url {
        let host = &byo.hosts[0];
        if let Some(problem) = host_problem(host) {
            let f = ctx.value(
                Rule::HostInvalid,
                url.clone(),
                format!("the host `{host}` of `global.airbyteUrl` {problem}, so it cannot be an ingress host"),
            );
            ctx.push(f.help("use a DNS name for Airbyte, such as `https://airbyte.example.com`"));
        }
        let tls = match byo.tls.first() {
            None => "over HTTP only (the URL is `http`)".to_string(),
            Some(t) => match &t.secret_name {
                _ if controller == Controller::Alb => match &byo.settings.alb_certificate_arn {
                    Some(_) => "with TLS from `--alb-certificate-arn`".to_string(),
                    None => "with TLS from the ACM certificate the controller discovers for it"
                        .to_string(),
                },
                _ if byo.settings.traefik_cert_resolver.is_some() => {
                    "with TLS from the certificate resolver".to_string()
                }
                _ if byo.settings.aks_keyvault_cert_uri.is_some() => {
                    "with TLS from the Key Vault certificate".to_string()
                }
                _ if controller == Controller::HaproxyCfg => {
                    "with TLS from `--haproxy-cert`".to_string()
                }
                Some(secret) if byo.settings.tls_secret.is_some() => {
                    format!("with TLS from the Secret `{secret}`")
                }
                Some(secret) => format!(
                    "with TLS from the Secret `{secret}`, which must exist in namespace `{}` (create it, e.g. with cert-manager, or name another with `--tls-secret NAME`)",
                    secret_namespace(controller, byo).unwrap_or(&plan.namespace)
                ),
                None => "with TLS".to_string(),
            },
        };
        let f = ctx.value(
            Rule::HostFromUrl,
            url.clone(),
            format!("the values list no `ingress.hosts`: serving `{host}`, the host of `global.airbyteUrl`, {tls}"),
        );
        ctx.push(f);
    }
    // a Gateway that this target renders terminates TLS itself: it needs the Secret's name
    let secret_needed = match controller {
        Controller::GatewayApi => {
            byo.settings.gateway_name.is_none() && byo.settings.aks_keyvault_cert_uri.is_none()
        }
        Controller::Istio => byo.settings.istio_gateway.is_none(),
        Controller::IngressNginx
        | Controller::Alb
        | Controller::AksAppRouting
        | Controller::Agc
        | Controller::Haproxy
        | Controller::Traefik
        | Controller::HaproxyCfg => false,
    };
    if secret_needed {
        for t in byo.tls.iter().filter(|t| t.secret_name.is_none()) {
            let origin = ctx.origin(&t.at);
            ctx.push(Finding::new(
                Rule::TlsSecretRequired,
                t.at.key("secretName"),
                origin,
                format!(
                    "the TLS entry for {} has no `secretName`: a Gateway {} terminating TLS needs a certificate Secret",
                    t.hosts.iter().map(|h| format!("`{h}`")).collect::<Vec<_>>().join(", "),
                    if controller == Controller::Istio { "server" } else { "listener" },
                ),
            ));
        }
    }
    notes(ctx, controller, byo);
}

/// What the target cannot set on its objects and the user must know.
fn notes(ctx: &mut Ctx, controller: Controller, byo: &Byo) {
    let plan = ctx.plan;
    let intent = &plan.intent;
    match controller {
        Controller::Haproxy => {
            let t = intent.request_timeout();
            ctx.push(note(
                Rule::HaproxyClientTimeout,
                "HAProxy's client timeout is controller-wide (default 50 s), not an Ingress annotation: the Ingress sets the server timeout only".into(),
            ).help(format!("set `timeout-client: {t}` (and `timeout-http-request: 10s`) in the controller's ConfigMap")));
        }
        Controller::Traefik => {
            let t = intent.request_timeout();
            ctx.push(note(
                Rule::TraefikEntrypointTimeout,
                "Traefik's entrypoints end a request after `readTimeout` (60s by default since v3.0), whatever the ServersTransport allows".into(),
            ).help(format!("raise it to {t} for `web` and `websecure`: `--entryPoints.websecure.transport.respondingTimeouts.readTimeout={t}`, or the Helm chart's `ports.websecure.transport.respondingTimeouts.readTimeout: {t}`")));
        }
        Controller::Alb => {
            if !byo.tls.is_empty() && !byo.effective.annotations.contains_key(ALB_CERTIFICATE) {
                ctx.push(note(
                    Rule::AlbCertificateDiscovery,
                    "no `--alb-certificate-arn`: the controller discovers an ACM certificate from the TLS hosts".into(),
                ))
            }
        }
        Controller::GatewayApi => {
            let s = &byo.settings;
            if let Some(gw) = &s.gateway_name {
                ctx.push(note(
                    Rule::GatewayAttachExisting,
                    format!(
                        "the Gateway `{gw}` must let routes from namespace `{}` attach and must serve TLS for these hosts; no redirect to HTTPS is rendered in this mode",
                        plan.namespace
                    ),
                ));
            }
            if let Some(class) = &s.gateway_class
                && crate::controllers::gateway_impl(class) == crate::controllers::GatewayImpl::Other
            {
                ctx.push(note(
                    Rule::GatewayBodyLimit,
                    format!(
                        "Gateway API has no field for the request body limit, and this tool does not know the policy of the implementation behind `gatewayClassName: {class}`: an NGINX-based one answers 413 above 1m, which Airbyte's large catalog saves exceed"
                    ),
                ).help(format!(
                    "allow request bodies of at least {} in the implementation's own policy (NGINX Gateway Fabric: `--gateway-class nginx` renders its ClientSettingsPolicy; Envoy Gateway and Istio set no limit)",
                    plan.intent.body_size()
                )));
            }
            if s.gateway_class.as_deref() == Some(AKS_GATEWAY_CLASS)
                && s.aks_keyvault_cert_uri.is_some()
                && s.aks_keyvault_service_account.is_none()
            {
                ctx.push(note(
                    Rule::AksKeyvaultIdentity,
                    "application routing reads the Key Vault certificate with workload identity: pass `--aks-keyvault-service-account NAME` for the listener's `kubernetes.azure.com/tls-cert-service-account` option".into(),
                ));
            }
        }
        Controller::Istio => istio_notes(ctx, byo),
        // ingress-nginx, the application routing add-on and AGC take every setting Airbyte needs
        // on their own objects; haproxy.cfg sets its client timeout itself
        Controller::IngressNginx
        | Controller::AksAppRouting
        | Controller::Agc
        | Controller::HaproxyCfg => {}
    }
}

/// A finding about the run itself (what the target cannot set, what the user must do elsewhere).
fn note(rule: Rule, message: String) -> Finding {
    Finding::new(rule, Path::default(), Origin::Command, message)
}
