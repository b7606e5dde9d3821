#!/usr/bin/env bash
# Rewrites the README's generated tables from their sources: the rule table from the rule catalog
# (`airbyte-ingress rules --markdown`) and the target-flag table from the table of target flags
# (`airbyte-ingress targets --markdown`). Run after adding a rule or a flag: tests check both.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet
target/debug/airbyte-ingress rules --markdown > target/rules-table.md
target/debug/airbyte-ingress targets --markdown > target/flags-table.md
python3 - <<'PY'
readme = open("README.md").read()
for header, path in [("| rule | severity | what it catches |", "target/rules-table.md"),
                     ("| flag | targets | what it sets |", "target/flags-table.md")]:
    table = open(path).read()
    start = readme.index(header)
    end = readme.index("\n\n", start)
    readme = readme[:start] + table.rstrip("\n") + readme[end:]
open("README.md", "w").write(readme)
PY
