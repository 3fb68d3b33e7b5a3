#!/bin/sh
# Entrypoint of google-runtime: @google/gemini-cli agent runtime (rendered by `nx g janus:runtime google`).
#   WARM_POOL=true  idle (no busy wait) until work is exec'd into the container; exit 0 on SIGTERM/SIGINT.
#   otherwise       check credentials, then run the arguments: a command found on PATH runs as given, anything
#                   else is a prompt for `gemini --yolo -p`.
# Exit codes: 78 no credential (EX_CONFIG), 64 nothing to run (EX_USAGE); otherwise the command's own.
set -eu

log() { printf '%s\n' "[google-runtime] $*" >&2; }

log "provider=google cli=@google/gemini-cli@0.61.0 user=$(id -un)($(id -u))"

if [ "${WARM_POOL:-false}" = "true" ]; then
  log "warm pool: idle until work arrives; SIGTERM stops it"
  sleeper=""
  trap 'if [ -n "$sleeper" ]; then kill "$sleeper" 2>/dev/null || true; fi; exit 0' TERM INT
  while :; do
    sleep 86400 &
    sleeper=$!
    wait "$sleeper" || true
  done
fi

# Checked before the CLI starts: without a credential some of them wait on the network for ever.
credential=""
for name in GEMINI_API_KEY GOOGLE_API_KEY; do
  eval "value=\${$name:-}"
  if [ -n "$value" ]; then credential=$name; break; fi
done
if [ -z "$credential" ]; then
  log "no credentials: set GEMINI_API_KEY or GOOGLE_API_KEY (pass it at run time, e.g. docker run -e GEMINI_API_KEY …)"
  exit 78
fi
if [ "$credential" != "GEMINI_API_KEY" ]; then
  # gemini reads GEMINI_API_KEY only.
  eval "export GEMINI_API_KEY=\"\${$credential}\""
fi
if [ -n "${GOOGLE_PROJECT_ID:-}" ]; then export GOOGLE_CLOUD_PROJECT="$GOOGLE_PROJECT_ID"; fi
if [ "${DEBUG:-false}" = "true" ]; then set -x; fi

if [ "$#" -eq 0 ]; then
  log "nothing to run: give a prompt (docker run … '<task>') or a command (docker run … gemini --help)"
  exit 64
fi
if command -v "$1" >/dev/null 2>&1; then exec "$@"; fi
exec gemini --yolo -p "$@"
