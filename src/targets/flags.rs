//! The target flags, each defined once (as ripgrep's `flags/defs.rs` defines its flags): its name,
//! its value, its help, the targets that read it, how its value is checked and how it reaches the
//! [`Settings`]. The command line's options, the refusal of a flag given to a target that does not
//! read it, [`Target::flags`](super::Target::flags), the `targets` command and the README's flag
//! table are all derived from [`FLAGS`].

use super::{SettingsError, Target};
use crate::controllers::{AlbScheme, Settings};
use crate::names::{dns_label_ok, dns_subdomain_ok};

/// How a flag's value is checked before it reaches the settings: a bad value is a usage error
/// (exit 2) naming the flag, never output the cluster rejects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Anything (the target checks what it needs, e.g. addresses).
    Any,
    /// A Kubernetes object name (DNS subdomain).
    Name,
    /// A namespace (DNS label).
    Namespace,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// One target flag.
#[derive(Debug)]
pub struct Flag {
    /// The long name, without `--`.
    pub long: &'static str,
    /// The value's placeholder in `--help`; `None` for a switch.
    pub value: Option<&'static str>,
    /// Given more than once, each value counts (`--upstream`).
    pub repeatable: bool,
    /// One sentence for `--help` and the README (the targets are listed before it).
    pub help: &'static str,
    /// The targets that read it; given to any other, it is refused.
    pub targets: &'static [Target],
    pub check: Check,
    /// How one checked value (for a switch, `true`) reaches the settings.
    pub set: fn(&mut Settings, &str),
}

impl Flag {
    /// `--long`.
    pub fn name(&self) -> String {
        format!("--{}", self.long)
    }

    /// Checks one value as [`Check`] says; the message names the flag.
    pub fn check_value(&self, v: &str) -> Result<(), SettingsError> {
        let ok = match self.check {
            Check::Any => true,
            Check::Name => dns_subdomain_ok(v),
            Check::Namespace => dns_label_ok(v),
            Check::Choice(words) => {
                if !words.contains(&v) {
                    let list: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
                    return Err(format!(
                        "`--{} {v}`: expected one of {}",
                        self.long,
                        list.join(", ")
                    )
                    .into());
                }
                true
            }
        };
        if ok {
            Ok(())
        } else {
            Err(format!(
                "`--{} {v}` is not a valid Kubernetes {}: use lowercase letters, digits, `-`{}, starting and ending with a letter or digit",
                self.long,
                if self.check == Check::Namespace {
                    "namespace"
                } else {
                    "name"
                },
                if self.check == Check::Namespace {
                    ""
                } else {
                    " and `.`"
                }
            ).into())
        }
    }

    /// The help line as `--help` shows it: the targets, then the sentence.
    pub fn help_line(&self) -> String {
        let names: Vec<&str> = self.targets.iter().map(|t| t.name()).collect();
        format!("{}: {}", names.join(", "), self.help)
    }
}

use Target::{Aks, AksAgc, Alb, GatewayApi, Haproxy, HaproxyCfg, Istio, Nginx, Traefik};

/// The flag that names the TLS Secret for the host of an `https` `global.airbyteUrl`.
pub const TLS_SECRET: &str = "--tls-secret";

/// Every target flag, in the order `--help` lists them.
pub const FLAGS: &[Flag] = &[
    Flag {
        long: "tls-secret",
        value: Some("NAME"),
        repeatable: false,
        help: "the TLS Secret for the host of an `https` `global.airbyteUrl` when the values have no `ingress.tls` (default `<name>-tls`)",
        targets: &[Nginx, Aks, AksAgc, Haproxy, Traefik, GatewayApi, Istio],
        check: Check::Name,
        set: |s, v| s.tls_secret = Some(v.into()),
    },
    Flag {
        long: "alb-scheme",
        value: Some("SCHEME"),
        repeatable: false,
        help: "`internal` (AWS's default) or `internet-facing`",
        targets: &[Alb],
        check: Check::Choice(&["internal", "internet-facing"]),
        set: |s, v| {
            s.alb_scheme = Some(match v {
                "internet-facing" => AlbScheme::InternetFacing,
                _ => AlbScheme::Internal,
            })
        },
    },
    Flag {
        long: "alb-certificate-arn",
        value: Some("ARN"),
        repeatable: false,
        help: "the ACM certificate ARN(s) for HTTPS, comma-separated",
        targets: &[Alb],
        check: Check::Any,
        set: |s, v| s.alb_certificate_arn = Some(v.into()),
    },
    Flag {
        long: "aks-keyvault-cert-uri",
        value: Some("URI"),
        repeatable: false,
        help: "the versionless Key Vault certificate URI (gateway-api: with `--gateway-class approuting-istio`)",
        targets: &[Aks, GatewayApi],
        check: Check::Any,
        set: |s, v| s.aks_keyvault_cert_uri = Some(v.into()),
    },
    Flag {
        long: "agc-alb-name",
        value: Some("NAME"),
        repeatable: false,
        help: "the name of the Application Gateway for Containers the ALB controller manages",
        targets: &[AksAgc],
        check: Check::Name,
        set: |s, v| s.agc_alb_name = Some(v.into()),
    },
    Flag {
        long: "agc-alb-namespace",
        value: Some("NS"),
        repeatable: false,
        help: "its namespace",
        targets: &[AksAgc],
        check: Check::Namespace,
        set: |s, v| s.agc_alb_namespace = Some(v.into()),
    },
    Flag {
        long: "agc-alb-id",
        value: Some("ID"),
        repeatable: false,
        help: "the ARM id of an Application Gateway for Containers of your own (instead of name and namespace)",
        targets: &[AksAgc],
        check: Check::Any,
        set: |s, v| s.agc_alb_id = Some(v.into()),
    },
    Flag {
        long: "traefik-cert-resolver",
        value: Some("NAME"),
        repeatable: false,
        help: "use this certificate resolver instead of TLS Secrets",
        targets: &[Traefik],
        check: Check::Any,
        set: |s, v| s.traefik_cert_resolver = Some(v.into()),
    },
    Flag {
        long: "gateway-class",
        value: Some("CLASS"),
        repeatable: false,
        help: "render a Gateway of this GatewayClass (`approuting-istio` on AKS)",
        targets: &[GatewayApi],
        check: Check::Name,
        set: |s, v| s.gateway_class = Some(v.into()),
    },
    Flag {
        long: "gateway-name",
        value: Some("NAME"),
        repeatable: false,
        help: "attach the HTTPRoutes to this existing Gateway instead of rendering one",
        targets: &[GatewayApi],
        check: Check::Name,
        set: |s, v| s.gateway_name = Some(v.into()),
    },
    Flag {
        long: "gateway-namespace",
        value: Some("NS"),
        repeatable: false,
        help: "the Gateway's namespace (default: the release namespace)",
        targets: &[GatewayApi],
        check: Check::Namespace,
        set: |s, v| s.gateway_namespace = Some(v.into()),
    },
    Flag {
        long: "gateway-section",
        value: Some("LISTENER"),
        repeatable: false,
        help: "the listener (sectionName) of the existing Gateway to attach to",
        targets: &[GatewayApi],
        check: Check::Name,
        set: |s, v| s.gateway_section = Some(v.into()),
    },
    Flag {
        long: "aks-keyvault-service-account",
        value: Some("NAME"),
        repeatable: false,
        help: "with `approuting-istio`: the service account that reads the Key Vault certificate",
        targets: &[GatewayApi],
        check: Check::Name,
        set: |s, v| s.aks_keyvault_service_account = Some(v.into()),
    },
    Flag {
        long: "haproxy-cert",
        value: Some("PEM"),
        repeatable: false,
        help: "the PEM file (certificate and key) for HTTPS; required when the values configure TLS",
        targets: &[HaproxyCfg],
        check: Check::Any,
        set: |s, v| s.haproxy_cert = Some(v.into()),
    },
    Flag {
        long: "upstream",
        value: Some("HOST:PORT"),
        repeatable: true,
        help: "an Airbyte server (repeatable; default the in-cluster server Service, port 8001)",
        targets: &[HaproxyCfg],
        check: Check::Any,
        set: |s, v| s.upstreams.push(v.into()),
    },
    Flag {
        long: "http-bind",
        value: Some("ADDR:PORT"),
        repeatable: false,
        help: "where the HTTP frontend listens (default `:80`)",
        targets: &[HaproxyCfg],
        check: Check::Any,
        set: |s, v| s.http_bind = Some(v.into()),
    },
    Flag {
        long: "https-bind",
        value: Some("ADDR:PORT"),
        repeatable: false,
        help: "where the HTTPS frontend listens (default `:443`)",
        targets: &[HaproxyCfg],
        check: Check::Any,
        set: |s, v| s.https_bind = Some(v.into()),
    },
    Flag {
        long: "sticky",
        value: None,
        repeatable: false,
        help: "keep each browser on one Airbyte server with a cookie",
        targets: &[HaproxyCfg],
        check: Check::Any,
        set: |s, _| s.sticky = true,
    },
    Flag {
        long: "istio-selector",
        value: Some("KEY=VALUE"),
        repeatable: false,
        help: "the ingress gateway pods' labels, KEY=VALUE[,KEY=VALUE] (default `istio=aks-istio-ingressgateway-external`, the AKS add-on's external gateway; `istio=ingressgateway` for upstream Istio)",
        targets: &[Istio],
        check: Check::Any,
        set: |s, v| s.istio_selector = Some(v.into()),
    },
    Flag {
        long: "istio-gateway-namespace",
        value: Some("NS"),
        repeatable: false,
        help: "the ingress gateway's namespace, where the Gateway and its TLS Secrets go (default `aks-istio-ingress`; `istio-system` with `--istio-selector istio=ingressgateway`)",
        targets: &[Istio],
        check: Check::Namespace,
        set: |s, v| s.istio_gateway_namespace = Some(v.into()),
    },
    Flag {
        long: "istio-gateway",
        value: Some("NS/NAME"),
        repeatable: false,
        help: "bind the VirtualService to this existing Gateway instead of rendering one",
        targets: &[Istio],
        check: Check::Any,
        set: |s, v| s.istio_gateway = Some(v.into()),
    },
];

/// The flag of this long name.
pub fn flag(long: &str) -> Option<&'static Flag> {
    FLAGS
        .iter()
        .find(|f| f.long == long.trim_start_matches("--"))
}

/// The settings from the flags given (each with its values, in the order given), once every flag
/// is one `target` reads and every value passes its check. The message names the flag and, for a
/// flag of other targets, those targets.
pub fn settings(
    target: Option<Target>,
    given: &[(&'static Flag, Vec<String>)],
) -> Result<Settings, SettingsError> {
    let mut s = Settings::default();
    for (f, values) in given {
        if !target.is_some_and(|t| f.targets.contains(&t)) {
            let owners: Vec<String> = f
                .targets
                .iter()
                .map(|t| format!("`{}`", t.name()))
                .collect();
            let owners = owners.join(", ");
            return Err(SettingsError(match target {
                Some(t) => format!(
                    "`--{}` is a setting of {owners}, not of the `{}` target",
                    f.long,
                    t.name()
                ),
                None => format!(
                    "`--{}` is a setting of {owners}: pass `--target` too",
                    f.long
                ),
            }));
        }
        if f.value.is_none() {
            (f.set)(&mut s, "true");
            continue;
        }
        for v in values {
            f.check_value(v)?;
            (f.set)(&mut s, v);
        }
    }
    Ok(s)
}

/// The README's table of target flags: each flag, its value, the targets that read it, its help.
pub fn markdown_table() -> String {
    let mut out = String::from("| flag | targets | what it sets |\n| --- | --- | --- |\n");
    for f in FLAGS {
        let name = match f.value {
            Some(v) => format!("`--{} {v}`", f.long),
            None => format!("`--{}`", f.long),
        };
        let targets: Vec<String> = f
            .targets
            .iter()
            .map(|t| format!("`{}`", t.name()))
            .collect();
        out.push_str(&format!(
            "| {name}{} | {} | {} |\n",
            if f.repeatable { " (repeatable)" } else { "" },
            targets.join(", "),
            f.help.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every flag reaches the settings: set alone, it changes them (a flag whose `set` forgot its
    /// field would be accepted and silently ignored).
    #[test]
    fn every_flag_reaches_the_settings() {
        for f in FLAGS {
            let value = match f.check {
                Check::Choice(words) => words[words.len() - 1],
                _ => "v",
            };
            let s = settings(Some(f.targets[0]), &[(f, vec![value.to_string()])]).unwrap();
            assert_ne!(s, Settings::default(), "--{} changes nothing", f.long);
        }
    }

    #[test]
    fn names_are_unique_and_every_target_s_flags_are_its_own() {
        let mut names: Vec<&str> = FLAGS.iter().map(|f| f.long).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FLAGS.len());
        for f in FLAGS {
            assert!(!f.targets.is_empty(), "--{} has no target", f.long);
            assert!(!f.targets.contains(&Target::Chart), "`chart` takes no flag");
        }
        assert_eq!(flag(TLS_SECRET).map(|f| f.long), Some("tls-secret"));
    }

    #[test]
    fn values_are_checked_and_refusals_name_the_owners() {
        let gc = flag("--gateway-class").unwrap();
        let e = settings(Some(Target::Nginx), &[(gc, vec!["istio".into()])])
            .unwrap_err()
            .0;
        assert_eq!(
            e,
            "`--gateway-class` is a setting of `gateway-api`, not of the `nginx` target"
        );
        let e = settings(None, &[(gc, vec!["istio".into()])]).unwrap_err().0;
        assert!(e.contains("pass `--target` too"), "{e}");
        let e = settings(Some(Target::GatewayApi), &[(gc, vec!["Bad_Class".into()])])
            .unwrap_err()
            .0;
        assert!(e.contains("not a valid Kubernetes name"), "{e}");
        let ns = flag("--gateway-namespace").unwrap();
        let e = settings(Some(Target::GatewayApi), &[(ns, vec!["a.b".into()])])
            .unwrap_err()
            .0;
        assert!(e.contains("not a valid Kubernetes namespace"), "{e}");
        let scheme = flag("--alb-scheme").unwrap();
        let e = settings(Some(Target::Alb), &[(scheme, vec!["public".into()])])
            .unwrap_err()
            .0;
        assert!(
            e.contains("expected one of `internal`, `internet-facing`"),
            "{e}"
        );
        let s = settings(
            Some(Target::Alb),
            &[(scheme, vec!["internet-facing".into()])],
        )
        .unwrap();
        assert_eq!(s.alb_scheme, Some(AlbScheme::InternetFacing));
        let up = flag("--upstream").unwrap();
        let s = settings(
            Some(Target::HaproxyCfg),
            &[(up, vec!["a:1".into(), "b:2".into()])],
        )
        .unwrap();
        assert_eq!(s.upstreams, ["a:1", "b:2"]);
    }
}
