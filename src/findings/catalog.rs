//! The rule catalog: every rule's id, severity, scope, summary, fix and examples, in one table.
//! A finding names its [`Rule`]; everything else about the rule comes from here.

use super::Severity;

/// Where a rule looks, and so when it can fire. `explain` prints it; the runners consult it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Reading the input: files, documents, flags.
    Input,
    /// Every values file, whether or not the chart's Ingress is on and whatever the target.
    Values,
    /// The ingress block the values configure (hosts, paths, TLS), when the chart's Ingress is on
    /// or the values list hosts for a bring-your-own target.
    Ingress,
    /// Only when the chart's own Ingress will serve Airbyte: `ingress.enabled: true` and no
    /// bring-your-own `--target`.
    ChartIngress,
    /// The class and annotations that will be served: the chart Ingress's when it is on, the
    /// target's own with `--target`.
    Served,
    /// Only when rendering or validating for a target (`--target`), as that target will render.
    Target,
    /// `migrate`, converting V1 values.
    Migrate,
    /// Existing manifests (`validate -m`).
    Manifests,
    /// Between the files of a repository (`scan`).
    Scan,
    /// What `abctl local install` deploys (`abctl`).
    Abctl,
    /// A running Airbyte, through its proxy (`probe`).
    Probe,
}

impl Scope {
    /// One sentence for `explain`.
    pub fn describe(self) -> &'static str {
        match self {
            Scope::Input => "checked while reading the files and flags, for every command",
            Scope::Values => {
                "checked on every values file, whether or not the chart's Ingress is on and whatever the target"
            }
            Scope::Ingress => {
                "checked when the values configure ingress hosts: the chart's Ingress is on, or hosts are listed for a bring-your-own target"
            }
            Scope::ChartIngress => {
                "checked only when the chart's own Ingress serves Airbyte (`ingress.enabled: true` and no bring-your-own `--target`)"
            }
            Scope::Served => {
                "checked on the class and annotations that will be served: the chart's Ingress's when it is on, the target's own with `--target`"
            }
            Scope::Target => {
                "checked when rendering or validating for a target (`render --target T`, `validate --target T`)"
            }
            Scope::Migrate => "checked by `migrate`, converting V1 values",
            Scope::Manifests => {
                "checked on existing manifests (`validate -m`): hand-written, Helm-rendered or read from the cluster"
            }
            Scope::Abctl => {
                "checked by `abctl`, on what `abctl local install` with those flags deploys"
            }
            Scope::Scan => {
                "checked by `scan`, between the files of a repository: a release and the routes to it"
            }
            Scope::Probe => {
                "checked by `probe`, against a running Airbyte through the proxy in front of it"
            }
        }
    }
}

/// A rule as `rules` lists it and `explain` prints it.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// How to fix it, in general (a finding may say more).
    pub help: &'static str,
    /// Input that triggers it (`fixtures/rules/ID/bad.yaml`); a first line `# airbyte-ingress ...`
    /// names the command and flags it is checked with.
    pub bad: &'static str,
    /// The same input, fixed (`fixtures/rules/ID/good.yaml`).
    pub good: &'static str,
}

macro_rules! catalog {
    ($( $variant:ident $id:literal $severity:ident $scope:ident $summary:literal $help:literal; )*) => {
        /// Every rule. Variants are in id order, so sorting by rule sorts by id.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, strum::VariantArray)]
        pub enum Rule {
            $( $variant, )*
        }

        impl Rule {
            /// Everything the catalog says about this rule.
            pub fn info(self) -> &'static RuleInfo {
                match self {
                    $( Rule::$variant => &RuleInfo {
                        id: $id,
                        severity: Severity::$severity,
                        scope: Scope::$scope,
                        summary: $summary,
                        help: $help,
                        bad: include_str!(concat!("../../fixtures/rules/", $id, "/bad.yaml")),
                        good: include_str!(concat!("../../fixtures/rules/", $id, "/good.yaml")),
                    }, )*
                }
            }
        }
    };
}

impl Rule {
    /// Whether the rule says something about the target that holds whatever the values say (a
    /// controller-wide timeout, a Gateway the run attaches to): values nobody could read cannot
    /// change it, so it stays what it is rather than becoming `cannot-assess`.
    pub fn holds_whatever_the_values(self) -> bool {
        use Rule::*;
        matches!(
            self,
            TraefikEntrypointTimeout
                | HaproxyClientTimeout
                | IstioGatewayTimeouts
                | IstioAttachExisting
                | GatewayAttachExisting
                | GatewayBodyLimit
                | AksKeyvaultIdentity
        )
    }

    /// Whether the rule judges one written value by itself (its syntax, its type, its own
    /// setting), so that a finding stays sure when values nobody could read come earlier in the
    /// merge; a rule about what is missing, or about how values fit together, does not. Exhaustive,
    /// so that every new rule decides.
    pub fn judges_written_value(self) -> bool {
        use Rule::*;
        match self {
            AnnotationHighRisk
            | AnnotationKeyInvalid
            | AnnotationNotString
            | AnnotationNull
            | BackendInvalid
            | BodySizeTooLow
            | ClassAnnotationDeprecated
            | ClassInvalid
            | DuplicateKey
            | EditionUnknown
            | EnabledNotBoolean
            | HostInvalid
            | IngressNginxRetired
            | MisplacedKey
            | MultipleDocuments
            | PathInvalid
            | RewriteTarget
            | SetEmptyValue
            | SnippetCritical
            | TimeoutTooLow
            | TlsSecretInvalid
            | UnknownKey
            | UrlInvalid
            | UrlPath
            | UrlPort
            | UrlTrailingSlash
            | V1WebappIngress
            | ValueInvalid
            | WrongType
            | AksNginxEol
            | AlbHealthcheck
            | AlbListenPorts
            | AnnotationInert
            | AnnotationMultiline
            | ConnectTimeoutCapped
            | HostHeaderRewritten
            | NameInvalid => true,
            AccessControlDropped
            | AksKeyvaultIdentity
            | AlbCertificateDiscovery
            | AlbTargetType
            | AnnotationDropped
            | AnnotationFamilyMismatch
            | ApiVersionRemoved
            | BackendPortWrong
            | BackendServiceUnknown
            | CannotAssess
            | ChartIngressAlsoEnabled
            | ChartIngressOff
            | CookieSecureOverHttp
            | EnterpriseAuthRoute
            | GatewayAttachExisting
            | HaproxyClientTimeout
            | HostFromUrl
            | HostPathDuplicate
            | HostsMissing
            | InputInvalid
            | InputLimit
            | InputSyntax
            | InputTemplated
            | InputUnreadable
            | IstioAttachExisting
            | IstioCredentialNamespace
            | IstioGatewayTimeouts
            | KeycloakAdminExposed
            | KeycloakOff
            | MigrateDropped
            | MigrateMovedKey
            | PathTypeMissing
            | PathsMissing
            | RootRouteMissing
            | SubchartValues
            | TlsHostUnserved
            | TlsSecretMissing
            | TlsSecretRequired
            | TraefikEntrypointTimeout
            | UrlHostMismatch
            | UrlHttpsWithoutTls
            | UrlMissing
            | UsageError
            | ValueIgnored
            | AlbSchemeInternal
            | ClassMissing
            | HttpListenerAttached
            | NoAirbyteRoute
            | RoutesNothing
            | UrlHttpWithTls
            | GatewayListenerMissing
            | ReleaseNotRouted
            | RouteNamespaceMismatch
            | RouteNotRendered
            | RouteWithoutRelease
            | ScanFileSkipped
            | TlsSecretNoCertificate
            | AbctlCookiesOverHttp
            | AbctlUrlLocalhost
            | AbctlV1Chart
            | MoveConflict
            | MoveCorrected
            | MoveNotCarried
            | GatewayBodyLimit
            | AnnotationNotNeeded
            | ProbeAnswer
            | ProbeAnswerInvalid
            | ProbeBodyLimit
            | ProbeHealth
            | ProbeHttpNotRedirected
            | ProbeHttpRedirectElsewhere
            | ProbeKeycloakAdmin
            | ProbeKeycloakUnreachable
            | ProbeTlsExpiring
            | ProbeTlsInvalid
            | ProbeUnreachable
            | ProbeUrlMismatch
            | ProbeValuesDiffer
            | NgfPolicyMissing => false,
        }
    }
}

catalog! {
    AbctlCookiesOverHttp "abctl-cookies-over-http" Warning Abctl
        "abctl serves plain HTTP under a `--host` that is not localhost, and the login cookie is Secure: browsers drop it and login fails"
        "pass `--insecure-cookies`, or put a TLS proxy in front and set `global.airbyteUrl` to its https URL";
    AbctlUrlLocalhost "abctl-url-localhost" Warning Abctl
        "`--host` serves Airbyte under a name, but `global.airbyteUrl` is left at abctl's `http://localhost:PORT`: links, OAuth redirects and cookies name localhost"
        "set `global.airbyteUrl` in the `--values` file to the URL people use";
    AbctlV1Chart "abctl-v1-chart" Info Abctl
        "abctl installs a V1 chart (before 2.0): its V1 values are not checked by this tool, only the Ingress abctl writes"
        "install a V2 chart (`--chart-version 2.2.0`, or leave it out for the newest)";
    AccessControlDropped "access-control-dropped" Error Target
        "rendering for a target leaves out an annotation that limits who can reach Airbyte (an IP allow or deny list, authentication at the proxy): the output would answer every client that reaches the proxy"
        "restrict access the target's way (the message names it), then remove the annotation from the input";
    AksKeyvaultIdentity "aks-keyvault-identity" Info Target
        "application routing's Gateway API reads a Key Vault certificate with workload identity, and no service account was named"
        "pass `--aks-keyvault-service-account NAME` for the listener's `kubernetes.azure.com/tls-cert-service-account` option";
    AksNginxEol "aks-nginx-eol" Info Served
        "the AKS application routing add-on's NGINX support ends in November 2026"
        "move to application routing's Gateway API (`approuting-istio`) or Application Gateway for Containers";
    AlbCertificateDiscovery "alb-certificate-discovery" Info Target
        "no `--alb-certificate-arn`: the AWS Load Balancer Controller looks for an ACM certificate matching the TLS hosts"
        "pass `--alb-certificate-arn ARN` to choose the certificate yourself";
    AlbHealthcheck "alb-healthcheck" Warning Served
        "an ALB health check or protocol Airbyte's server cannot pass (another path than `/api/v1/health`, success codes without 200, HTTPS to a plain-HTTP server): every target unhealthy, 502s"
        "set `alb.ingress.kubernetes.io/healthcheck-path: /api/v1/health` and leave the success codes and protocols at their defaults";
    AlbListenPorts "alb-listen-ports" Warning Served
        "ALB listeners that do not fit the Ingress's settings: an `ssl-redirect` with no HTTP listener to redirect from"
        "set `alb.ingress.kubernetes.io/listen-ports` to an HTTP and an HTTPS listener: `[{\"HTTP\": 80}, {\"HTTPS\": 443}]`";
    AlbSchemeInternal "alb-scheme-internal" Info Served
        "an ALB Ingress without `alb.ingress.kubernetes.io/scheme`: AWS's default `internal` is reachable only from inside the VPC"
        "set `alb.ingress.kubernetes.io/scheme: internet-facing` or `internal`, to say which";
    AlbTargetType "alb-target-type" Error Served
        "an ALB Ingress without `target-type: ip`: the default `instance` needs a NodePort Service, and Airbyte's server Service is ClusterIP"
        "set `alb.ingress.kubernetes.io/target-type: ip`";
    AnnotationDropped "annotation-dropped" Warning Target
        "rendering for a target leaves out an annotation of another controller (it would be ignored); the message names this target's equivalent"
        "move the setting to this controller's annotation, or drop it from the values";
    AnnotationFamilyMismatch "annotation-family-mismatch" Warning Served
        "an annotation for another controller than the class's: that controller ignores it (and the setting it was meant to make is missing)"
        "remove it, or use this controller's equivalent";
    AnnotationHighRisk "annotation-high-risk" Warning Ingress
        "an ingress-nginx annotation rated High risk (configuration injection)"
        "keep it only if needed, on ingress-nginx v1.11.5/v1.12.1 or later";
    AnnotationInert "annotation-inert" Warning Served
        "an annotation the controller does not read: another controller's prefix, a key of its ConfigMap, or a name it has no annotation for"
        "write the controller's own annotation (the message names it), or set the ConfigMap key in the controller's ConfigMap";
    AnnotationKeyInvalid "annotation-key-invalid" Error Ingress
        "an annotation key that is not a valid Kubernetes key: the API server rejects the Ingress"
        "write `prefix.example.com/name`";
    AnnotationMultiline "annotation-multiline" Warning Served
        "an annotation value with a line break: controllers copy values into their configuration, where a line break starts a directive of its own"
        "write the value on one line";
    AnnotationNotNeeded "annotation-not-needed" Info Target
        "an annotation of another controller whose setting the target needs no counterpart for (its implementation sets no such limit), so leaving it out changes nothing"
        "nothing to do; drop it from the values when the old controller is gone";
    AnnotationNotString "annotation-not-string" Error Values
        "an annotation value is a number or boolean; the API server accepts only strings"
        "quote the value in YAML, or pass it with `--set-string` instead of `--set`";
    AnnotationNull "annotation-null" Warning Values
        "an annotation is `null` (often a later values file trying to remove it); Helm keeps the key and the API server stores an empty string"
        "delete the key from the values file that sets it, or give it a string value; this tool leaves null annotations out";
    ApiVersionRemoved "api-version-removed" Error Manifests
        "an object in an API version that is gone (`extensions/v1beta1` Ingress, `traefik.containo.us`): the cluster refuses it"
        "write it in the current API version the message names";
    BackendInvalid "backend-invalid" Error Values
        "a path's backend is not one the chart version accepts; Helm fails with \"Invalid backend service\""
        "use `backend: server`; `connector-builder-server` exists only on chart 2.0.18 - 2.0.19";
    BackendPortWrong "backend-port-wrong" Error Manifests
        "a route sends Airbyte's traffic to a port its Service does not have: the proxy answers 503"
        "use the port the message names (the server listens on 8001, port name `http`; Keycloak on 8180)";
    BackendServiceUnknown "backend-service-unknown" Error Manifests
        "a route sends Airbyte's traffic to a Service the chart does not render (the webapp, the connector builder on chart 2.1+, another release's): the proxy answers 503"
        "route `/` to `<release>-airbyte-server-svc`, and Keycloak's public paths to `<release>-airbyte-keycloak-svc`";
    BodySizeTooLow "body-size-too-low" Warning Served
        "the proxy's request body limit is under Airbyte's 10 MB (ingress-nginx defaults to 1m): large catalogs get 413"
        "set `nginx.ingress.kubernetes.io/proxy-body-size: 16m`";
    CannotAssess "cannot-assess" Info Input
        "a value this tool cannot resolve (a Terraform variable nobody passed, an ApplicationSet generator parameter, a file in another repository): the rules that read it are not assessed"
        "the message says what would resolve it (`--tf-var NAME=VALUE`, `--tf-vars FILE`, `--repo-root NAME=DIR`, another file with `-f`); otherwise check the rendered output with `validate -m` or `post-render`";
    ChartIngressAlsoEnabled "chart-ingress-also-enabled" Warning Target
        "rendering a bring-your-own ingress while the chart's own Ingress is enabled: two ingresses claim the same host"
        "set `ingress.enabled: false` in the values the chart is installed with";
    ChartIngressOff "chart-ingress-off" Info Target
        "the `chart` target renders nothing: `ingress.enabled` is not true, so the chart renders no Ingress"
        "set `ingress.enabled: true` to use the chart's Ingress, or render a bring-your-own target";
    ClassAnnotationDeprecated "class-annotation-deprecated" Warning Ingress
        "the class is set with the deprecated `kubernetes.io/ingress.class` annotation"
        "use `ingress.className` and delete the annotation";
    ClassInvalid "class-invalid" Error Ingress
        "`className` is not a valid IngressClass name: the API server rejects the Ingress"
        "use the name of an IngressClass in the cluster";
    ClassMissing "class-missing" Warning ChartIngress
        "an Ingress with no class (`ingressClassName` or the legacy annotation): only the cluster's default IngressClass picks it up, and that controller's defaults (60 s, 1m on ingress-nginx) break Airbyte"
        "set the class (`ingress.className`, `spec.ingressClassName`) and that controller's timeouts and body size";
    ConnectTimeoutCapped "connect-timeout-capped" Info Served
        "`proxy-connect-timeout` above NGINX's cap of about 75 seconds: the longer timeout is not applied"
        "set it to at most 75 (15 is plenty inside a cluster); long requests need the read and send timeouts";
    CookieSecureOverHttp "cookie-secure-over-http" Warning Values
        "`global.airbyteUrl` is `http` while login cookies require HTTPS: login fails with \"the server failed to set a cookie\""
        "serve Airbyte over HTTPS, or set `global.auth.security.cookieSecureSetting: false`";
    DuplicateKey "duplicate-key" Warning Input
        "a key given twice in one mapping, where this tool does not read it: Helm keeps the last, and the first is lost without a word"
        "delete the copy you do not mean";
    EditionUnknown "edition-unknown" Warning Values
        "`global.edition` is not `community` or `enterprise` as the chart compares them (exactly): the release runs as neither"
        "write `global.edition: community` or `global.edition: enterprise`, in lowercase";
    EnabledNotBoolean "enabled-not-boolean" Error Values
        "`ingress.enabled` is a string; Helm treats any non-empty string, even \"false\", as true"
        "write `enabled: true` or `enabled: false` without quotes";
    EnterpriseAuthRoute "enterprise-auth-route" Warning ChartIngress
        "Enterprise with Keycloak needs `/auth/realms` and `/auth/resources` routed to Keycloak, which the chart's Ingress cannot do"
        "render a bring-your-own ingress, which routes them (`--target nginx|alb|aks|aks-agc|haproxy|traefik|gateway-api|haproxy-cfg`)";
    GatewayAttachExisting "gateway-attach-existing" Info Target
        "the routes attach to an existing Gateway, which this tool cannot see: it must admit routes from the release namespace and serve TLS for the hosts"
        "check the Gateway's `allowedRoutes` and its HTTPS listeners, or render a Gateway of your own with `--gateway-class`";
    GatewayBodyLimit "gateway-body-limit" Info Target
        "the Gateway's implementation (by its class) is one whose body limit this tool does not know: Gateway API has no field for it"
        "allow bodies of at least 16m in the implementation's policy; `--gateway-class nginx` (NGINX Gateway Fabric) renders one";
    GatewayListenerMissing "gateway-listener-missing" Error Scan
        "an HTTPRoute names a `sectionName` its Gateway (in the repository) has no listener of: the route is not accepted"
        "name one of the Gateway's listeners";
    HaproxyClientTimeout "haproxy-client-timeout" Info Target
        "the HAProxy Kubernetes Ingress Controller sets its client timeout for the whole controller (default 50 s), not per Ingress"
        "set `timeout-client: 600s` (and `timeout-http-request: 10s`) in the controller's ConfigMap";
    HostFromUrl "host-from-url" Info Target
        "the values list no ingress hosts, so a bring-your-own target serves the host of `global.airbyteUrl` (and TLS when it is `https`)"
        "nothing to do if that is the host people use; list `ingress.hosts` to serve others";
    HostHeaderRewritten "host-header-rewritten" Warning Manifests
        "a route rewrites the `Host` header to another host: Airbyte then sees a host other than the one the browser asked for"
        "remove the filter: Airbyte needs the request's own host";
    HostInvalid "host-invalid" Error Ingress
        "a host that is not a valid DNS name for an Ingress (scheme, port, path, uppercase, `_`, misplaced `*`)"
        "write a DNS name such as `airbyte.example.com`; a wildcard only as `*.example.com`";
    HostPathDuplicate "host-path-duplicate" Error Ingress
        "the same host and path twice: ingress-nginx's webhook rejects it, other controllers pick one"
        "remove one of them";
    HostsMissing "hosts-missing" Error Ingress
        "nothing names the host to serve: the chart's Ingress is enabled with no hosts, or a bring-your-own target has neither `ingress.hosts` nor `global.airbyteUrl`"
        "set `global.airbyteUrl: https://airbyte.example.com` (a bring-your-own target serves its host), or add a host with `/` to `backend: server`";
    HttpListenerAttached "http-listener-attached" Warning Manifests
        "an HTTPRoute to Airbyte attached (no `sectionName`) to every listener of a Gateway that has a plain-HTTP one: Airbyte is served over HTTP too, with no redirect"
        "attach the route to the HTTPS listener (`sectionName`), and give the HTTP listener a route that redirects to HTTPS";
    IngressNginxRetired "ingress-nginx-retired" Info Served
        "ingress-nginx was retired in March 2026: no more releases or security fixes"
        "plan the move to Gateway API, Traefik or your cloud's controller";
    InputInvalid "input-invalid" Error Input
        "an input this tool cannot use: not Helm values or a wrapper it reads (a Kubernetes manifest, a list), empty, or a key given twice where the tool reads it"
        "pass values and wrappers with `-f`, Kubernetes objects with `-m`; the message says what the file is";
    InputLimit "input-limit" Error Input
        "an input over an explicit limit (size, nesting, aliases, hosts): reading stopped there"
        "raise the limit with the flag the message names if the file is real";
    InputSyntax "input-syntax" Error Input
        "an input that is not valid YAML, JSON or HCL, or not UTF-8 text"
        "fix the file at the line and column the message names";
    InputTemplated "input-templated" Error Input
        "a template whose shape is not known until it is rendered (a helmfile whose `{{ }}` shape the YAML, a `.gotmpl` values file, a Pulumi program)"
        "render it first (`helmfile template`, `helm template`, `pulumi preview`) and check the output with `validate -m -` or `post-render`";
    InputUnreadable "input-unreadable" Error Input
        "an input that cannot be read: missing, a directory, no permission, standard input empty"
        "check the path (paths a wrapper names are relative to the wrapper)";
    IstioAttachExisting "istio-attach-existing" Info Target
        "the VirtualService binds to an existing Istio Gateway, which this tool cannot see: it must serve the hosts to the release namespace and terminate TLS for them"
        "check the Gateway's `servers[].hosts` (`*/HOST` or `NAMESPACE/HOST`) and its HTTPS servers, or let this target render a Gateway (leave out `--istio-gateway`)";
    IstioCredentialNamespace "istio-credential-namespace" Info Target
        "an Istio Gateway reads its `credentialName` Secrets from the ingress gateway's namespace, not from the release namespace"
        "create the TLS Secrets (or cert-manager Certificates) in the ingress gateway's namespace (`aks-istio-ingress` on AKS, `istio-system` for upstream Istio)";
    IstioGatewayTimeouts "istio-gateway-timeouts" Info Target
        "the routes carry Airbyte's timeout; the ingress gateway and the load balancer in front of it keep idle timeouts of their own"
        "on AKS, raise the Azure load balancer's 4-minute TCP idle timeout on the gateway's Service if long calls fail; Envoy's connection idle timeout is 1 hour (`ISTIO_META_IDLE_TIMEOUT`)";
    KeycloakAdminExposed "keycloak-admin-exposed" Error Manifests
        "a route sends more of `/auth` to Keycloak than its public paths: the Keycloak admin console is reachable from outside"
        "route only `/auth/realms` and `/auth/resources` to Keycloak (Airbyte's own proxy hid the rest)";
    KeycloakOff "keycloak-off" Info Values
        "Enterprise without `keycloak.enabled: true`: the chart renders no Keycloak Service, so no ingress routes `/auth`"
        "set `keycloak.enabled: true` if Airbyte's Keycloak should serve the login pages";
    MigrateDropped "migrate-dropped" Warning Migrate
        "`migrate` found a V1 ingress setting with no V2 equivalent and left it out"
        "set it again in the V2 block if it still matters";
    MigrateMovedKey "migrate-moved-key" Warning Migrate
        "`migrate` found a key at a place the V2 chart does not read (`security`, `webapp.url`) or a missing `global.airbyteUrl`"
        "move the key where the message says";
    MisplacedKey "misplaced-key" Warning Values
        "a key at a level the chart does not read (a top-level `security:` or `auth:`, `webapp.url`): Helm ignores it and the setting does not apply"
        "move it where the message says (`global.auth.security`, `global.airbyteUrl`)";
    MoveConflict "move-conflict" Warning Target
        "two routes to the release moved (`render -m`) set one annotation to different values: the output takes the one that serves Airbyte"
        "make the input's routes agree, or check the output's value";
    MoveCorrected "move-corrected" Warning Target
        "something in the input moved (`render -m`) that breaks Airbyte, set right in the output: a route to a Service the chart version does not render (to the server), a timeout or body size below Airbyte's floor (raised), a path rewrite (left out), an ALB Ingress without IP targets, a TLS entry with no Secret for a Gateway listener (one named)"
        "check the output's setting; the input had it wrong for Airbyte";
    MoveNotCarried "move-not-carried" Warning Target
        "a route or annotation of the input (`render -m`) that the output does not carry: another release's route, raw proxy configuration (snippets)"
        "move each release on its own (`--release NAME`); redo what a snippet did with the target's own settings";
    MultipleDocuments "multiple-documents" Info Input
        "a values file holds several YAML documents (`---`): Helm merges each over the ones before it, which is rarely meant"
        "keep one document per values file, or pass the parts as separate `-f` files";
    NameInvalid "name-invalid" Error Values
        "`fullnameOverride` or `nameOverride` is not a name the API server takes for the chart's objects"
        "use lowercase letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters";
    NgfPolicyMissing "ngf-policy-missing" Warning Manifests
        "an HTTPRoute to Airbyte on a Gateway of NGINX Gateway Fabric with no ProxySettingsPolicy (NGF ignores HTTPRoute `timeouts`: NGINX's 60 s gives 504s) or no ClientSettingsPolicy (NGINX's 1m body limit gives 413s)"
        "add both policies for the Gateway; `render --target gateway-api --gateway-class nginx` writes them";
    NoAirbyteRoute "no-airbyte-route" Error Manifests
        "none of the routes in the manifests goes to an Airbyte Service or serves `global.airbyteUrl`'s host: nothing reaches Airbyte through them"
        "route `/` to `<release>-airbyte-server-svc` (port 8001), or pass the manifests that do";
    PathInvalid "path-invalid" Error Ingress
        "a Prefix or Exact path that does not start with `/` or uses characters ingress-nginx rejects"
        "use a plain path such as `/`; regular expressions need ImplementationSpecific";
    PathTypeMissing "path-type-missing" Error Ingress
        "a path without `pathType`: networking.k8s.io/v1 requires it"
        "add `pathType: Prefix`";
    PathsMissing "paths-missing" Error Ingress
        "a host without paths: the API server rejects a rule without paths"
        "add `paths: [{path: /, pathType: Prefix, backend: server}]`";
    ProbeAnswer "probe-answer" Info Probe
        "what answered a probe: the proxy (from its headers), the TLS protocol and certificate, Airbyte's edition, version and auth mode"
        "nothing to do; an NGINX that is ingress-nginx is retired: `render -m` moves its Ingress";
    ProbeAnswerInvalid "probe-answer-invalid" Error Probe
        "an endpoint that Airbyte answers with JSON answered something else (HTML, a login page, too much): not Airbyte's server behind the path"
        "route `/` to `<release>-airbyte-server-svc` port 8001";
    ProbeBodyLimit "probe-body-limit" Error Probe
        "a 10 MiB request body (Airbyte's own limit) gets 413 from the proxy, or is cut off: large catalog saves fail"
        "raise the proxy's body limit to 16m (the message names the setting of the proxy that answered)";
    ProbeHealth "probe-health" Error Probe
        "`GET /api/v1/health` through the proxy is not 200 `{\"available\": true}`: 502, 503, 504, 404 and no answer each say what usually causes them"
        "check the route's backend (`<release>-airbyte-server-svc`, port 8001) and the server pods";
    ProbeHttpNotRedirected "probe-http-not-redirected" Warning Probe
        "plain HTTP on the host serves Airbyte, or redirects but not to HTTPS on the same host: passwords and cookies cross the network in clear"
        "redirect HTTP to `https://` on the same host";
    ProbeHttpRedirectElsewhere "probe-http-redirect-elsewhere" Error Probe
        "plain HTTP redirects to another host: people who type the address are sent elsewhere"
        "make the redirect keep the host";
    ProbeKeycloakAdmin "probe-keycloak-admin" Error Probe
        "Keycloak's admin console answers under `/auth/admin/` through the proxy: its admin login is open to whoever reaches the URL"
        "route only `/auth/realms/` and `/auth/resources/` to Keycloak";
    ProbeKeycloakUnreachable "probe-keycloak-unreachable" Error Probe
        "Airbyte uses Keycloak, and the realm's OpenID configuration under `<airbyteUrl>/auth/realms/<realm>` does not answer: browsers cannot log in"
        "route `/auth/realms/` and `/auth/resources/` to `<release>-airbyte-keycloak-svc` port 8180";
    ProbeTlsExpiring "probe-tls-expiring" Warning Probe
        "the certificate served ends within 14 days"
        "renew it, and check that its renewal works";
    ProbeTlsInvalid "probe-tls-invalid" Error Probe
        "the certificate served is not valid for the host, not trusted (system roots or `--cacert`), or expired"
        "serve a certificate for the host from a trusted authority";
    ProbeUnreachable "probe-unreachable" Error Probe
        "the URL cannot be reached: the name does not resolve, nothing accepts connections, no answer within the timeout, or no TLS handshake"
        "check DNS, the load balancer's listeners and the firewall; `--resolve HOST:PORT:ADDR` points at an address";
    ProbeUrlMismatch "probe-url-mismatch" Error Probe
        "the `airbyteUrl` Airbyte reports differs from the URL it is reached at (scheme, host, port or path), or is `airbyte-url-not-configured`: login cookies, links and OAuth redirects break"
        "set `global.airbyteUrl` to the URL people use";
    ProbeValuesDiffer "probe-values-differ" Warning Probe
        "the values' `global.airbyteUrl` or `global.edition` differs from what the running Airbyte reports: these values are not the ones deployed"
        "upgrade the release with the values, or check which values the cluster runs";
    ReleaseNotRouted "release-not-routed" Info Scan
        "an Airbyte release with its chart Ingress off, and nothing in the repository routes to it (its route may live elsewhere)"
        "check the route where it lives with `validate -f VALUES -m ROUTE`, or render one with `render --target T`";
    RewriteTarget "rewrite-target" Warning Ingress
        "`rewrite-target` on Airbyte's routes: the UI and API break when their paths are rewritten"
        "remove it";
    RootRouteMissing "root-route-missing" Error Ingress
        "no route for `/` to the server (in any form the class's controller reads as a catch-all): Airbyte cannot be served under a sub-path"
        "add `{path: /, pathType: Prefix, backend: server}`";
    RouteNamespaceMismatch "route-namespace-mismatch" Error Scan
        "a route in another namespace than its release: an Ingress reaches only Services of its own namespace"
        "put the route in the release's namespace";
    RouteNotRendered "route-not-rendered" Warning Scan
        "a route file in a chart's folder but outside its `templates/`: Helm never renders it"
        "move it into the chart's `templates/`";
    RouteWithoutRelease "route-without-release" Info Scan
        "a route to Airbyte's Services, and no wrapper in the repository defines that release (it may live elsewhere)"
        "check both where the release is defined, with `validate -f VALUES -m ROUTE`";
    RoutesNothing "routes-nothing" Warning Manifests
        "an Ingress, IngressRoute, HTTPRoute or VirtualService with no rule, path or default backend: it routes nothing"
        "add the rules (`/` to `<release>-airbyte-server-svc`), or delete the object";
    ScanFileSkipped "scan-file-skipped" Warning Scan
        "a file the scan could not read (too large, binary, not UTF-8, not valid YAML, a wrapper it cannot resolve): what it holds was not checked"
        "fix the file, or leave it out with `.gitignore` or `.ignore`";
    SetEmptyValue "set-empty-value" Warning Input
        "a `--set` flag gives an empty value, which is usually a shell variable that was not set"
        "check the variable; to set an empty string on purpose, write `--set-string KEY=`";
    SnippetCritical "snippet-critical" Error Ingress
        "an ingress-nginx snippet annotation (raw NGINX configuration): rated Critical, rejected by default since v1.12"
        "remove it and use the dedicated annotation for what it did";
    SubchartValues "subchart-values" Error Values
        "the values hold no Airbyte keys at the top level but nest them under one key, as an umbrella chart's values do"
        "pass `--subchart NAME` to read the values Helm gives that dependency";
    TimeoutTooLow "timeout-too-low" Warning Served
        "a proxy timeout under Airbyte's floor (300 s; ALB idle 120 s) or left at the controller's default (60 s nginx and ALB, 50 s HAProxy, 30 s AGIC): source checks and discovers get 504s"
        "set the controller's timeout annotation to 600 seconds (ALB idle timeout 240)";
    TlsHostUnserved "tls-host-unserved" Warning Ingress
        "a TLS host that no rule serves"
        "list the same names in `ingress.hosts[].host` and `ingress.tls[].hosts`";
    TlsSecretInvalid "tls-secret-invalid" Error Ingress
        "a TLS entry whose `secretName` is not a valid Secret name: the API server rejects the Ingress"
        "name the `kubernetes.io/tls` Secret that holds the certificate";
    TlsSecretMissing "tls-secret-missing" Warning Ingress
        "a TLS entry without `secretName`: the controller serves its default certificate for its hosts"
        "name the `kubernetes.io/tls` Secret that holds the certificate";
    TlsSecretNoCertificate "tls-secret-no-certificate" Warning Scan
        "a route serves TLS from a Secret that no cert-manager Certificate in the repository writes, in a repository that uses cert-manager"
        "add the Certificate, or cert-manager's issuer annotation on the route";
    TlsSecretRequired "tls-secret-required" Error Target
        "the target needs a Secret for every TLS host (a Gateway listener cannot terminate TLS without one), and a TLS entry names none"
        "add `secretName` to the TLS entry";
    TraefikEntrypointTimeout "traefik-entrypoint-timeout" Info Target
        "Traefik's entrypoints end a request after `readTimeout` (60 s by default since v3.0), whatever the ServersTransport allows"
        "raise `readTimeout` to 600s for the `web` and `websecure` entrypoints in Traefik's static configuration";
    UnknownKey "unknown-key" Error Values
        "a key the chart does not read (a typo or a key from another chart version) is silently ignored by Helm"
        "fix the spelling (the message suggests the nearest key) or remove the key";
    UrlHostMismatch "url-host-mismatch" Error Ingress
        "`global.airbyteUrl`'s host is not an ingress host: links, redirects and login cookies point elsewhere"
        "make `global.airbyteUrl` and `ingress.hosts[].host` name the same host";
    UrlHttpWithTls "url-http-with-tls" Warning Ingress
        "`global.airbyteUrl` is `http` while TLS is configured for its host: links and login redirects go to HTTP, and cookies break"
        "write `global.airbyteUrl: https://HOST`";
    UrlHttpsWithoutTls "url-https-without-tls" Warning Ingress
        "`global.airbyteUrl` is `https` but nothing serves a certificate for its host"
        "add an `ingress.tls` entry for the host, or a controller certificate annotation (ALB certificate-arn, AKS Key Vault)";
    UrlInvalid "url-invalid" Error Values
        "`global.airbyteUrl` is not an absolute `http` or `https` URL"
        "write `https://HOST`";
    UrlMissing "url-missing" Error Values
        "`global.airbyteUrl` is empty while the ingress is enabled or auth is on: the chart falls back to `http://localhost:8080` for links, redirects and login"
        "set `global.airbyteUrl` to the URL people use, e.g. `https://airbyte.example.com`";
    UrlPath "url-path" Error Values
        "`global.airbyteUrl` has a path: Airbyte cannot be served under a sub-path"
        "serve Airbyte at the root of its own host";
    UrlPort "url-port" Warning Values
        "`global.airbyteUrl` names a port: links and cookies carry it, and controllers listen on 80 and 443"
        "drop the port unless clients really use it";
    UrlTrailingSlash "url-trailing-slash" Error Values
        "`global.airbyteUrl` ends with `/`: the chart appends `/api/public` and `/auth`"
        "remove the trailing slash";
    UsageError "usage-error" Error Input
        "the command cannot run as given: a bad argument, a flag of another target, a name the API server would refuse"
        "the message names the argument; `--help` lists the choices";
    V1WebappIngress "v1-webapp-ingress" Error Values
        "`webapp.ingress` is the V1 chart's ingress; the V2 chart ignores its hosts and routes to a webapp Service that no longer exists"
        "`airbyte-ingress migrate -f FILE` prints the V2 `ingress` block; replace `webapp.ingress` with it";
    ValueIgnored "value-ignored" Warning Input
        "a value the wrapping tool ignores (Argo CD's `values` beside `valuesObject`, kustomize's `valuesFile` with `valuesMerge: replace`): it looks set but does nothing"
        "remove it, or move it to the field the wrapping tool reads";
    ValueInvalid "value-invalid" Error Values
        "a value is not one of the allowed choices or out of range"
        "use one of the values the message lists";
    WrongType "wrong-type" Error Values
        "a value has the wrong type (a map where a list belongs, a number where a string belongs, ...)"
        "write the value with the type the message names";
}

/// Rules that also run on existing manifests (`validate -m`), with the same meaning there.
const ON_MANIFESTS: &[Rule] = &[
    Rule::AksNginxEol,
    Rule::AlbTargetType,
    Rule::AnnotationFamilyMismatch,
    Rule::AnnotationHighRisk,
    Rule::BodySizeTooLow,
    Rule::ClassAnnotationDeprecated,
    Rule::DuplicateKey,
    Rule::HostPathDuplicate,
    Rule::IngressNginxRetired,
    Rule::PathTypeMissing,
    Rule::RewriteTarget,
    Rule::RootRouteMissing,
    Rule::SnippetCritical,
    Rule::TimeoutTooLow,
    Rule::TraefikEntrypointTimeout,
    Rule::UrlHostMismatch,
    Rule::UrlHttpsWithoutTls,
];

impl Rule {
    /// Whether the rule runs on existing manifests (`validate -m`), its own scope aside.
    pub fn on_manifests(self) -> bool {
        self.info().scope == Scope::Manifests || ON_MANIFESTS.contains(&self)
    }

    /// Every rule, in id order.
    pub fn all() -> &'static [Rule] {
        <Rule as strum::VariantArray>::VARIANTS
    }

    /// The stable kebab-case id.
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    /// Looks a rule up by id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::all().iter().copied().find(|r| r.id() == id)
    }
}

/// The closest candidate within a small edit distance, or one that contains / is contained in
/// `key`: for "did you mean" in every message that names a choice.
pub fn did_you_mean<'a>(
    key: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = key.to_lowercase();
    candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_lowercase();
            let d = strsim::levenshtein(&lower, &cl);
            let related = cl.starts_with(&lower) || lower.starts_with(&cl);
            (if related { d.min(1) } else { d }, c)
        })
        .filter(|(d, c)| *d <= (c.len() / 3).max(2))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_are_in_id_order_and_ids_are_unique_kebab_case() {
        let ids: Vec<&str> = Rule::all().iter().map(|r| r.id()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(ids, sorted, "variants out of id order, or an id twice");
        for id in ids {
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{id}"
            );
            assert_eq!(Rule::from_id(id).map(Rule::id), Some(id));
        }
        assert_eq!(Rule::from_id("no-such-rule"), None);
    }

    #[test]
    fn every_rule_has_both_examples_and_they_differ() {
        for r in Rule::all() {
            let info = r.info();
            assert!(
                !info.bad.trim().is_empty() && !info.good.trim().is_empty(),
                "{}",
                info.id
            );
            assert_ne!(info.bad, info.good, "{}", info.id);
        }
    }

    #[test]
    fn did_you_mean_finds_near_keys() {
        let keys = ["enabled", "className", "annotations", "hosts", "tls"];
        assert_eq!(did_you_mean("host", keys), Some("hosts"));
        assert_eq!(did_you_mean("classname", keys), Some("className"));
        assert_eq!(did_you_mean("annotation", keys), Some("annotations"));
        assert_eq!(did_you_mean("enable", keys), Some("enabled"));
        assert_eq!(did_you_mean("zzzzzz", keys), None);
    }
}
