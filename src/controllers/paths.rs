//! Catch-all paths: the forms in which each controller serves every request path, which is what
//! Airbyte's `/` route needs (the UI and the API both live at the root).

use super::Family;
use crate::model::PathType;

/// Regular expressions that match every path, as people write them for ingress-nginx with
/// `use-regex` (or `rewrite-target`, which turns it on).
const MATCH_ALL_REGEXES: &[&str] = &["/.*", "/(.*)", "/?(.*)", "/(.*)$", "/.*$", "/(/|$)(.*)"];

/// Whether a path of an Ingress served by `family`'s controller (`None`: a controller this tool
/// does not know) reaches the backend for every request path. `regex` says that ingress-nginx
/// reads the Ingress's paths as regular expressions.
pub fn serves_everything(
    family: Option<Family>,
    path: &str,
    path_type: Option<PathType>,
    regex: bool,
) -> bool {
    match path_type {
        Some(PathType::Exact) => false,
        Some(PathType::Prefix) => path == "/",
        // the controller decides; a missing pathType is read the same way by the controllers
        Some(PathType::ImplementationSpecific) | None => match family {
            // ingress-nginx reads ImplementationSpecific as Prefix; with regexes, `^/` prefixes
            Some(Family::IngressNginx | Family::F5Nginx | Family::AksAppRouting) => {
                path == "/" || (regex && MATCH_ALL_REGEXES.contains(&path))
            }
            // the AWS Load Balancer Controller writes the path as an ALB path pattern: `/` is
            // only `/`, `/*` is everything
            Some(Family::Alb) => path == "/*",
            // Traefik (PathPrefix) and both HAProxy controllers (`begin`) read it as a prefix
            Some(Family::Traefik | Family::Haproxy) => path == "/",
            // Application Gateway path rules take `/*`; `/` is the path map's default
            Some(Family::Agic | Family::Agc) => path == "/" || path == "/*",
            // an unknown controller: any common catch-all form, rather than a false alarm
            None => path == "/" || path == "/*" || MATCH_ALL_REGEXES.contains(&path),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const IS: Option<PathType> = Some(PathType::ImplementationSpecific);
    const PREFIX: Option<PathType> = Some(PathType::Prefix);
    const EXACT: Option<PathType> = Some(PathType::Exact);

    #[test]
    fn prefix_slash_serves_everything_everywhere_and_exact_nowhere() {
        for family in [
            Some(Family::IngressNginx),
            Some(Family::F5Nginx),
            Some(Family::AksAppRouting),
            Some(Family::Alb),
            Some(Family::Traefik),
            Some(Family::Haproxy),
            Some(Family::Agic),
            Some(Family::Agc),
            None,
        ] {
            assert!(serves_everything(family, "/", PREFIX, false), "{family:?}");
            assert!(!serves_everything(family, "/", EXACT, false), "{family:?}");
            assert!(
                !serves_everything(family, "/api", PREFIX, false),
                "{family:?}"
            );
            assert!(!serves_everything(family, "/ui", IS, true), "{family:?}");
        }
    }

    #[test]
    fn ingress_nginx_reads_implementation_specific_as_prefix_and_regexes_with_use_regex() {
        let nginx = Some(Family::IngressNginx);
        assert!(serves_everything(nginx, "/", IS, false));
        assert!(serves_everything(nginx, "/", None, false));
        assert!(!serves_everything(nginx, "/(.*)", IS, false));
        for re in MATCH_ALL_REGEXES {
            assert!(serves_everything(nginx, re, IS, true), "{re}");
        }
        assert!(!serves_everything(nginx, "/*", IS, true));
    }

    #[test]
    fn the_alb_takes_slash_star_and_reads_a_bare_slash_literally() {
        let alb = Some(Family::Alb);
        assert!(serves_everything(alb, "/*", IS, false));
        assert!(serves_everything(alb, "/*", None, false));
        assert!(!serves_everything(alb, "/", IS, false));
        assert!(
            !serves_everything(alb, "/*", PREFIX, false),
            "Prefix paths hold no wildcards"
        );
    }

    #[test]
    fn traefik_and_haproxy_read_implementation_specific_as_a_prefix() {
        for family in [Some(Family::Traefik), Some(Family::Haproxy)] {
            assert!(serves_everything(family, "/", IS, false));
            assert!(!serves_everything(family, "/*", IS, false));
        }
    }

    #[test]
    fn application_gateways_take_slash_and_slash_star() {
        for family in [Some(Family::Agic), Some(Family::Agc)] {
            assert!(serves_everything(family, "/", IS, false));
            assert!(serves_everything(family, "/*", IS, false));
        }
    }

    #[test]
    fn an_unknown_controller_gets_the_benefit_of_the_doubt() {
        for p in ["/", "/*", "/.*"] {
            assert!(serves_everything(None, p, IS, false), "{p}");
        }
        assert!(!serves_everything(None, "/app", IS, false));
    }
}
