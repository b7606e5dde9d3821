#!/bin/sh
# Runs airbyte-ingress for the Helm plugins: the binary named by $AIRBYTE_INGRESS, else one in the
# plugin's bin/ folder, else the one on PATH (`cargo install airbyte-ingress`).
if [ -n "${AIRBYTE_INGRESS:-}" ]; then
  bin=$AIRBYTE_INGRESS
elif [ -n "${HELM_PLUGIN_DIR:-}" ] && [ -x "$HELM_PLUGIN_DIR/bin/airbyte-ingress" ]; then
  bin=$HELM_PLUGIN_DIR/bin/airbyte-ingress
elif command -v airbyte-ingress >/dev/null 2>&1; then
  bin=airbyte-ingress
else
  why="the airbyte-ingress binary was not found: install it (cargo install airbyte-ingress), or set AIRBYTE_INGRESS to its path"
  echo "error: $why" >&2
  if [ "${1:-}" = post-render ]; then
    # Helm 4 shows a post-renderer's words only in its own error: hand it an object it refuses,
    # named after the message (as `airbyte-ingress post-render --report-to-helm` does)
    cat >/dev/null
    printf 'apiVersion: v1\nkind: [airbyte-ingress post-render stopped the release]\nmetadata:\n  name: airbyte-ingress-post-render-stopped\n  annotations:\n    postrenderer.helm.sh/postrender-filename: "error: %s"\n' "$why"
    exit 0
  fi
  exit 2
fi
exec "$bin" "$@"
