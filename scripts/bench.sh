#!/usr/bin/env bash
# Whole-process timings: builds in release mode, generates inputs, and times airbyte-ingress with
# hyperfine (Debian's `hyperfine`) and peak memory with GNU time. With HELM and AIRBYTE_CHART set
# (a helm binary and the Airbyte chart directory), times `helm template --show-only
# templates/ingress.yaml` on the same inputs, interleaved, for the comparison; AIRBYTE_CHART_VERSION
# (default 2.2.0) is the version a chart built from source is told it is, for `post-render`.
#   usage: scripts/bench.sh [OUT.md]
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/bench/report.md}
mkdir -p target/bench
cargo build --release --locked --quiet
bin=target/release/airbyte-ingress

python3 - <<'PY'
def gen(n, path):
    lines = ["global:", "  airbyteUrl: https://h0.example.com", "ingress:", "  enabled: true", "  className: nginx",
             "  annotations:", "    nginx.ingress.kubernetes.io/proxy-body-size: 16m",
             '    nginx.ingress.kubernetes.io/proxy-read-timeout: "600"', '    nginx.ingress.kubernetes.io/proxy-send-timeout: "600"', "  hosts:"]
    for i in range(n):
        lines += [f"    - host: h{i}.example.com", "      paths:", "        - path: /", "          pathType: Prefix", "          backend: server"]
    lines += ["  tls:", "    - secretName: airbyte-tls", "      hosts:"] + [f"        - h{i}.example.com" for i in range(n)]
    open(path, "w").write("\n".join(lines) + "\n")
for n in (1, 100, 1000, 5000):
    gen(n, f"target/bench/hosts-{n}.yaml")
PY
# a `kubectl get svc,cm,ingress -o yaml` List of 2000 objects, as the API server returns it
python3 - <<'PY'
kinds = []
for i in range(2000):
    name = f"r{i // 3}"
    meta = (f"  metadata:\n    creationTimestamp: '2026-11-30T10:00:00Z'\n    name: NAME\n"
            f"    namespace: data\n    resourceVersion: '{1000 + i}'\n    uid: 6f1c0d2e-0000-4000-8000-{i:012d}\n")
    if i % 3 == 0:
        kinds.append("- apiVersion: v1\n  kind: Service\n" + meta.replace("NAME", f"{name}-airbyte-server-svc") +
                     "  spec:\n    clusterIP: 10.96.0.12\n    ports:\n    - name: http\n      port: 8001\n      protocol: TCP\n"
                     "      targetPort: http\n    selector:\n      airbyte: server\n    type: ClusterIP\n  status:\n    loadBalancer: {}\n")
    elif i % 3 == 1:
        kinds.append("- apiVersion: v1\n  kind: ConfigMap\n" + meta.replace("NAME", f"{name}-airbyte-env") +
                     f"  data:\n    AIRBYTE_URL: https://{name}.example.com\n    AIRBYTE_VERSION: dev\n")
    else:
        kinds.append("- apiVersion: networking.k8s.io/v1\n  kind: Ingress\n" + meta.replace("NAME", name).replace(
                     "  metadata:\n", "  metadata:\n    annotations:\n      nginx.ingress.kubernetes.io/proxy-body-size: 16m\n"
                     "      nginx.ingress.kubernetes.io/proxy-read-timeout: '600'\n      nginx.ingress.kubernetes.io/proxy-send-timeout: '600'\n") +
                     f"  spec:\n    ingressClassName: nginx\n    rules:\n    - host: {name}.example.com\n      http:\n        paths:\n"
                     f"        - backend:\n            service:\n              name: {name}-airbyte-server-svc\n              port:\n"
                     "                number: 8001\n          path: /\n          pathType: Prefix\n"
                     f"    tls:\n    - hosts:\n      - {name}.example.com\n      secretName: {name}-tls\n  status:\n    loadBalancer: {{}}\n")
open("target/bench/list-2000.yaml", "w").write("apiVersion: v1\nitems:\n" + "".join(kinds) + "kind: List\nmetadata:\n  resourceVersion: ''\n")
PY
cp examples/values.yaml target/bench/typical.yaml
cp fixtures/valid/full-values.yaml target/bench/full-values.yaml

{
  echo "# airbyte-ingress whole-process benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%d)"
  echo "- machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -m)"
  echo "- binary: $($bin --version)"
  echo
} > "$out"

if ! command -v hyperfine >/dev/null; then
  echo "hyperfine not found (apt-get install hyperfine): skipping timings" | tee -a "$out"
  exit 0
fi

hyperfine -N --warmup 5 --min-runs 50 --export-json target/bench/floor.json "$bin --version" >/dev/null 2>&1 || true
floor=$(python3 -c "import json;r=json.load(open('target/bench/floor.json'))['results'][0];print(f\"{r['median']*1000:.1f} ms\")")
echo "- process floor (\`airbyte-ingress --version\`, median): $floor" >> "$out"
echo >> "$out"

inputs="typical full-values hosts-1 hosts-100 hosts-1000 hosts-5000"
echo "| input | command | median | mean ± σ | min | peak RSS |" >> "$out"
echo "| --- | --- | --- | --- | --- | --- |" >> "$out"
for input in $inputs; do
  f=target/bench/$input.yaml
  for cmd in "render --target chart" "validate"; do
    json=target/bench/$input-${cmd%% *}.json
    hyperfine -N --warmup 5 --min-runs 20 --export-json "$json" "$bin $cmd -f $f" >/dev/null 2>&1 || true
    mean=$(python3 -c "import json;r=json.load(open('$json'))['results'][0];print(f\"{r['median']*1000:.1f} ms | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms | {r['min']*1000:.1f} ms\")")
    /usr/bin/time -f "%M" -o target/bench/rss $bin $cmd -f "$f" >/dev/null 2>/dev/null || true
    rss=$(tail -1 target/bench/rss)
    echo "| $input | \`$cmd\` | $mean | $((rss / 1024)) MiB |" >> "$out"
  done
done

# existing manifests: a 2000-object kubectl List
f=target/bench/list-2000.yaml
json=target/bench/list-2000-validate-m.json
hyperfine -N --warmup 3 --min-runs 20 --export-json "$json" "$bin validate -m $f" >/dev/null 2>&1 || true
mean=$(python3 -c "import json;r=json.load(open('$json'))['results'][0];print(f\"{r['median']*1000:.1f} ms | {r['mean']*1000:.1f} ± {r['stddev']*1000:.1f} ms | {r['min']*1000:.1f} ms\")")
/usr/bin/time -f "%M" -o target/bench/rss $bin validate -m "$f" >/dev/null 2>/dev/null || true
echo "| list-2000 (kubectl List) | \`validate -m\` | $mean | $(( $(tail -1 target/bench/rss) / 1024 )) MiB |" >> "$out"

# the issue's growth goal: 5000 hosts cost at most about 6x 1000 hosts
echo >> "$out"
for cmd in render validate; do
  python3 - "$cmd" >> "$out" <<'PY'
import json, sys
cmd = sys.argv[1]
med = lambda n: json.load(open(f"target/bench/hosts-{n}-{cmd}.json"))["results"][0]["median"]
ratio = med(5000) / med(1000)
print(f"- growth 1000 -> 5000 hosts, `{cmd}`: {ratio:.1f}x ({'within' if ratio <= 6 else 'OVER'} the 6x goal)")
PY
done

if [ -n "${HELM:-}" ] && [ -n "${AIRBYTE_CHART:-}" ]; then
  echo >> "$out"
  echo "## Against helm template (interleaved)" >> "$out"
  for input in typical hosts-1000 hosts-5000; do
    f=target/bench/$input.yaml
    hyperfine -N --warmup 3 --min-runs 10 --export-markdown target/bench/vs-helm-$input.md \
      "$bin render --target chart -f $f" \
      "$HELM template airbyte $AIRBYTE_CHART -f $f --show-only templates/ingress.yaml" >/dev/null 2>&1 || true
    echo >> "$out"; echo "### $input" >> "$out"; cat target/bench/vs-helm-$input.md >> "$out"
  done
else
  echo >> "$out"
  echo "helm comparison skipped: set HELM=/path/to/helm and AIRBYTE_CHART=/path/to/charts/v2/airbyte" >> "$out"
fi

# the issue goals as ratios, each pair timed interleaved in one hyperfine run
echo >> "$out"
echo "## Goals as ratios (each pair interleaved in one hyperfine run)" >> "$out"
ratio() { # name, json: the difference (ms) and ratio of the first command's median to the second's
  python3 - "$1" "$2" >> "$out" <<'PY'
import json, sys
name, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))["results"]
a, b = r[0]["median"] * 1000, r[1]["median"] * 1000
print(f"- {name}: `{r[0]['command']}` {a:.1f} ms, `{r[1]['command']}` {b:.1f} ms: "
      f"difference {a - b:+.1f} ms, ratio {max(a, b) / min(a, b):.1f}x")
PY
}
hyperfine -N --warmup 5 --min-runs 30 --export-json target/bench/g-typical.json \
  "$bin render --target chart -f target/bench/typical.yaml" "$bin --version" >/dev/null 2>&1 || true
ratio "typical render vs the process floor (goal: within 1.5 ms)" target/bench/g-typical.json
if python3 -c 'import yaml, sys; sys.exit(0 if yaml.__with_libyaml__ else 1)' 2>/dev/null; then
  hyperfine -N --warmup 2 --min-runs 10 --export-json target/bench/g-list.json \
    "$bin validate -m target/bench/list-2000.yaml" \
    "python3 -c 'import yaml;yaml.load(open(\"target/bench/list-2000.yaml\"),Loader=yaml.CSafeLoader)'" >/dev/null 2>&1 || true
  ratio "\`validate -m\` of the 2,000-object List vs libyaml (PyYAML's CSafeLoader) loading it (goal: 8x faster)" target/bench/g-list.json
else
  echo "- validate -m vs libyaml skipped: python3-yaml with libyaml is not installed" >> "$out"
fi
# post-render of a whole chart render: Helm's own output when a chart is given, else the fixture
stream=fixtures/post-render/community-tls.yaml
post="$bin post-render --target nginx"
if [ -n "${HELM:-}" ] && [ -n "${AIRBYTE_CHART:-}" ]; then
  # a chart built from source carries a placeholder version: post-render is told the real one
  "$HELM" template airbyte "$AIRBYTE_CHART" -n airbyte -f fixtures/valid/nginx-tls.yaml > target/bench/chart-render.yaml 2>/dev/null \
    && stream=target/bench/chart-render.yaml \
    && post="$post --chart-version ${AIRBYTE_CHART_VERSION:-2.2.0}"
fi
# a failing command is a failed benchmark, said so, not a missing figure
$post < "$stream" >/dev/null 2>&1 || { echo "post-render of $stream failed: $($post < "$stream" 2>&1 >/dev/null | tail -1)" >&2; exit 1; }
hyperfine -N --warmup 5 --min-runs 30 --input "$stream" --export-json target/bench/g-post.json \
  "$post" "cat" >/dev/null 2>&1 \
  || hyperfine --warmup 5 --min-runs 30 --export-json target/bench/g-post.json \
    "$post < $stream" "cat < $stream" >/dev/null 2>&1 || true
ratio "\`post-render\` of $stream ($(grep -c '^kind:' "$stream") objects) vs \`cat\` (goal: within 5 ms)" target/bench/g-post.json
# `scan` of a 10,000-file deployment repository against `grep -r` over the same tree
rm -rf target/bench/repo-10000
python3 scripts/gen-scan-repo.py target/bench/repo-10000 10000
hyperfine -N -i --warmup 2 --min-runs 10 --export-json target/bench/g-scan.json \
  "$bin scan target/bench/repo-10000" "grep -r airbyte target/bench/repo-10000" >/dev/null 2>&1 || true
ratio "\`scan\` of a 10,000-file repository vs \`grep -r airbyte\` over it (goal: at most 10x, well under a second)" target/bench/g-scan.json
if [ -n "${HELM:-}" ] && [ -n "${AIRBYTE_CHART:-}" ]; then
  hyperfine -N --warmup 2 --min-runs 10 --export-json target/bench/g-5000.json \
    "$bin render --target chart -f target/bench/hosts-5000.yaml" \
    "$HELM template airbyte $AIRBYTE_CHART -f target/bench/hosts-5000.yaml --show-only templates/ingress.yaml" >/dev/null 2>&1 || true
  ratio "5000 hosts, \`render --target chart\` vs \`helm template\` of the chart's Ingress (goal: 25x)" target/bench/g-5000.json
fi
echo "wrote $out"
