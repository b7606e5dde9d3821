#!/bin/sh
# The generate command of the airbyte-ingress Argo CD plugin (installed in the sidecar as
# /usr/local/bin/airbyte-ingress-cmp-generate). Argo CD runs it in the Application's source folder
# (a chart, usually an umbrella chart depending on Airbyte's) with:
#   ARGOCD_APP_NAME, ARGOCD_APP_NAMESPACE   the Application's name and destination namespace
#   PARAM_TARGET                            the target (default `chart`: check and pass through)
#   PARAM_VALUES_FILES_0, _1, ...           values files, in order
#   PARAM_RELEASE_NAME                      the release name (default the Application's name)
#   KUBE_VERSION                            the cluster's version, for `helm template`
# It prints the render with the chart's Ingress replaced by the target's objects; on findings that
# are errors it prints nothing, the findings go to stderr and it exits 1, so the sync fails.
set -eu
release="${PARAM_RELEASE_NAME:-${ARGOCD_APP_NAME:?ARGOCD_APP_NAME is not set: Argo CD sets it}}"
namespace="${ARGOCD_APP_NAMESPACE:?ARGOCD_APP_NAMESPACE is not set: Argo CD sets it}"
target="${PARAM_TARGET:-chart}"
set -- template "$release" . --namespace "$namespace"
i=0
while :; do
  eval "file=\${PARAM_VALUES_FILES_$i:-}"
  [ -n "$file" ] || break
  set -- "$@" --values "$file"
  i=$((i + 1))
done
if [ -n "${KUBE_VERSION:-}" ]; then
  set -- "$@" --kube-version "$KUBE_VERSION"
fi
rendered=$(mktemp)
trap 'rm -f "$rendered"' EXIT
helm "$@" > "$rendered"
airbyte-ingress post-render --target "$target" --namespace "$namespace" --no-color < "$rendered"
