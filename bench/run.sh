#!/usr/bin/env bash
# Runs every benchmark (or those named: `npm run bench -- generator`). Everything from the first `--option` on
# goes to the named benchmarks: `npm run bench -- multiarch --only demo-agent`. Benchmarks print side-by-side ratios;
# they assert nothing, because wall times on a shared 2-core machine are noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
# Benchmarks that build reach npm as this machine must (tools/this-machine.env).
. tools/this-machine.sh
names=()
while [ $# -gt 0 ] && [[ "$1" != -* ]]; do names+=("$1"); shift; done
[ ${#names[@]} -gt 0 ] || names=($(ls bench/*.bench.ts | xargs -n1 basename | sed 's/\.bench\.ts$//'))
# Benchmarks time the plugin as users run it: compiled, built here first if its sources changed.
npm run -s build:plugin
for n in "${names[@]}"; do
  echo "== bench/$n"
  node -r @swc-node/register "bench/$n.bench.ts" "$@"
done
