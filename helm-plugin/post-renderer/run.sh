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
  echo "error: the airbyte-ingress binary was not found: install it (cargo install airbyte-ingress), or set AIRBYTE_INGRESS to its path" >&2
  exit 2
fi
exec "$bin" "$@"
