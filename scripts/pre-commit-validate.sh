#!/usr/bin/env bash
# pre-commit entry: `airbyte-ingress validate` on each file named, each on its own. Uses the
# airbyte-ingress on PATH (or AIRBYTE_INGRESS); extra flags (e.g. --strict, --chart-version) may
# come first, before the file names pre-commit appends.
set -u
bin=${AIRBYTE_INGRESS:-airbyte-ingress}
command -v "$bin" >/dev/null || { echo "airbyte-ingress not found: cargo install --locked --git <this repository>" >&2; exit 2; }
flags=()
while [ $# -gt 0 ] && [ "${1#-}" != "$1" ]; do flags+=("$1"); shift; done
status=0
for f in "$@"; do
  "$bin" validate "${flags[@]}" -f "$f" || { rc=$?; [ $rc -gt $status ] && status=$rc; }
done
exit $status
