#!/usr/bin/env bash
# `npm run demo`: set everything up (idempotently), then the main job end to end on the checked-in demo.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/ensure-node-deps.sh
. tools/this-machine.sh
ensure_node_deps
# The demo's Nx targets run the compiled plugin (node_modules/janus -> dist/libs/janus): build it if its sources changed.
npm run -s build:plugin
bash tools/bootstrap/bootstrap.sh
node -r @swc-node/register tools/demo/demo.ts "$@"
