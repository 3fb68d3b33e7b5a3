#!/usr/bin/env bash
# `npm test`: every test, unit and integration (real engine, real registry). Sets up what the integration
# tests need first, idempotently, so it also works as the first command on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/ensure-node-deps.sh
ensure_node_deps
# Static checks first: swc strips types without checking them, so a type error in a spec, a bench or a tool
# would otherwise land unseen. Any finding fails the run before a single test starts.
echo "[janus] typecheck, lint, format:check"
npm run -s checks
bash tools/bootstrap/bootstrap.sh
# Specs that drive the real nx CLI run the compiled plugin; build it once here if its sources changed.
npm run -s build:plugin
mkdir -p tmp
status=0
npx jest --ci --json --outputFile=tmp/jest-results.json "$@" || status=$?
# A closing line any CI can read, whatever the runner.
node -e '
  const r = require("./tmp/jest-results.json");
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests} skipped`);
  if (r.numTotalTests === 0) { console.error("no tests ran"); process.exit(1); }
' || status=1
exit $status
