#!/usr/bin/env bash
# Rewrites the rule table in README.md from `airbyte-ingress rules --format markdown`'s source,
# the catalog: run after adding a rule (a test checks the README lists every rule).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet -- rules --markdown > target/rules-table.md
python3 - <<'PY'
import re
readme = open("README.md").read()
table = open("target/rules-table.md").read()
start = readme.index("| rule | severity | what it catches |")
end = readme.index("\n\n", start)
open("README.md", "w").write(readme[:start] + table.rstrip("\n") + readme[end:])
PY
