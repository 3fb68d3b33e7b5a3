#!/usr/bin/env bash
# `npm test`: every test, unit and integration (real engine, real registry). Sets up what the integration
# tests need first, idempotently, so it also works as the first command on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/ensure-node-deps.sh
. tools/this-machine.sh
ensure_node_deps
# Static checks first: swc strips types without checking them, so a type error in a spec, a bench or a tool
# would otherwise land unseen. Any finding fails the run before a single test starts.
echo "[janus] typecheck, lint, format:check"
npm run -s checks
# Podman beside dockerd: the engine-specific integration specs run on both engines.
JANUS_WITH_PODMAN=${JANUS_WITH_PODMAN:-1} bash tools/bootstrap/bootstrap.sh
# Specs that drive the real nx CLI run the compiled plugin; build it once here if its sources changed.
npm run -s build:plugin
mkdir -p tmp
rm -f tmp/jest-results.json tmp/left-behind.txt tmp/build-times.jsonl
status=0
# Every platform build through janus's build engines appends its time here; summed after the run.
export JANUS_BUILD_TIMES_FILE="$PWD/tmp/build-times.jsonl"
JANUS_LEFT_BEHIND_FILE="$PWD/tmp/left-behind.txt" npx jest --ci --json --outputFile=tmp/jest-results.json "$@" || status=$?
# A closing line any CI can read, whatever the runner.
node -e '
  const { existsSync, readFileSync } = require("node:fs");
  if (!existsSync("./tmp/jest-results.json")) { console.log("tests: the run did not complete (see above)"); process.exit(1); }
  const r = require("./tmp/jest-results.json");
  const left = existsSync("./tmp/left-behind.txt") ? ", and it left things behind (see above)" : "";
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped${left}`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
  if (left) process.exit(1);
' || status=1
node -r @swc-node/register tools/build-times/build-times.ts tmp/build-times.jsonl tmp/jest-results.json || true
exit $status
