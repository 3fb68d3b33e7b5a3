#!/bin/sh
# Entrypoint of anthropic-runtime: @anthropic-ai/claude-code agent runtime (rendered by `nx g janus:runtime anthropic`).
#   WARM_POOL=true  idle (no busy wait) until work is exec'd into the container; exit 0 on SIGTERM/SIGINT.
#   otherwise       check credentials, then run the arguments: a command found on PATH runs as given, anything
#                   else is a prompt for `claude -p --dangerously-skip-permissions`.
# Exit codes: 78 no credential (EX_CONFIG), 64 nothing to run (EX_USAGE); otherwise the command's own.
set -eu

log() { printf '%s\n' "[anthropic-runtime] $*" >&2; }

log "provider=anthropic cli=@anthropic-ai/claude-code@2.1.197 user=$(id -un)($(id -u))"

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
for name in ANTHROPIC_API_KEY; do
  eval "value=\${$name:-}"
  if [ -n "$value" ]; then credential=$name; break; fi
done
if [ -z "$credential" ]; then
  log "no credentials: set ANTHROPIC_API_KEY (pass it at run time, e.g. docker run -e ANTHROPIC_API_KEY …)"
  exit 78
fi
if [ "$credential" != "ANTHROPIC_API_KEY" ]; then
  # claude reads ANTHROPIC_API_KEY only.
  eval "export ANTHROPIC_API_KEY=\"\${$credential}\""
fi
if [ "${DEBUG:-false}" = "true" ]; then set -x; fi

if [ "$#" -eq 0 ]; then
  log "nothing to run: give a prompt (docker run … '<task>') or a command (docker run … claude --help)"
  exit 64
fi
if command -v "$1" >/dev/null 2>&1; then exec "$@"; fi
exec claude -p --dangerously-skip-permissions "$@"
