#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 600), seeded from the fixtures.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP lets the stable toolchain build
# with the sanitizer flags cargo-fuzz passes. Crashes land in fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-600}
targets=${TARGETS:-"values_load block_yaml set_parse validate_render manifests_read post_render wrappers_read scan_read move_read probe_parse"}
export RUSTC_BOOTSTRAP=1
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  case $t in
    set_parse) printf '%s' 'ingress.hosts[0].host=a.example,ingress.annotations.a\.b/c=1' > "fuzz/corpus/$t/seed-1"
               printf '%s' 'l={a,b},m[2][0]=x' > "fuzz/corpus/$t/seed-2" ;;
    scan_read) cp fixtures/repos/*/*/*.yaml fixtures/rules/*/bad.yaml "fuzz/corpus/$t/" 2>/dev/null || true ;;
    manifests_read) cp fixtures/manifests/*/* ../shared/conformance/manifests/*.yaml "fuzz/corpus/$t/" 2>/dev/null || true ;;
    # the first byte picks the target
    post_render) for f in fixtures/post-render/*.yaml; do
                   for pick in A B G H; do { printf '%s' "$pick"; cat "$f"; } > "fuzz/corpus/$t/$(basename "$f")-$pick"; done
                 done ;;
    # the first byte picks the target
    move_read) for f in fixtures/manifests/moving/*.yaml fixtures/manifests/access/*.yaml fixtures/manifests/valid/*; do
                 for pick in A B G H; do { printf '%s' "$pick"; cat "$f"; } > "fuzz/corpus/$t/$(basename "$f")-$pick"; done
               done ;;
    probe_parse) printf '%s' '{"available":true}' > "fuzz/corpus/$t/health"
                 printf '%s' '{"airbyteUrl":"https://a.example.com","edition":"enterprise","version":"2.0.1","auth":{"mode":"oidc","authorizationServerUrl":"https://a.example.com/auth/realms/airbyte"}}' > "fuzz/corpus/$t/instance"
                 printf '%s' 'server:nginx/1.22.1' > "fuzz/corpus/$t/server"
                 printf '%s' 'https://[::1]:8443/airbyte/?x' > "fuzz/corpus/$t/url" ;;
    # the first byte picks the kind (its value modulo 6): every fixture under every kind
    wrappers_read) n=0
                   for f in fixtures/wrappers/argocd/*.yaml fixtures/wrappers/flux/*.yaml fixtures/wrappers/kustomize/*.yaml \
                            fixtures/wrappers/helmfile/*.yaml fixtures/wrappers/helmfile-v1/*.gotmpl fixtures/wrappers/terraform/*/*.tf; do
                     for pick in a b c d e f; do { printf '%s' "$pick"; cat "$f"; } > "fuzz/corpus/$t/$n-$pick"; done
                     n=$((n + 1))
                   done ;;
    *) cp fixtures/valid/*.yaml fixtures/invalid/*.yaml fixtures/broken/*.yaml examples/*.yaml "fuzz/corpus/$t/" ;;
  esac
  echo "== $t for ${seconds}s"
  cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048
done
