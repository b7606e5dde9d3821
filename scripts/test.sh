#!/usr/bin/env bash
# The project's test command: every test, with the tools that prove output against the real Helm
# and kubectl fetched first if they are missing (tests that need them skip with a message otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x target/tools/helm ] || ./scripts/fetch-helm.sh || echo "note: could not fetch helm; its tests will skip" >&2
command -v kubectl >/dev/null || export PATH="$PWD/target/tools:$PATH"
cargo test --locked "$@"
