// Prints how much of a test run went into image builds: the lines JANUS_BUILD_TIMES_FILE collected (every
// platform build through janus's build engines, in the run's own processes and their children), summed per
// platform, beside the jest run's wall time. Builds outside janus's engines (bootstrap's base images, a spec's
// own docker CLI call) are not in the file. Parallel jest workers overlap, so the sum may exceed the wall.
//   node -r @swc-node/register tools/build-times/build-times.ts tmp/build-times.jsonl [tmp/jest-results.json]
import { existsSync, readFileSync } from 'node:fs';
import type { BuildTimeEntry } from '../../libs/janus/src/engine/build-engines/build-times-log';

/** The jest --json fields this needs: the run's start, and each file's end. */
interface JestResults {
  startTime: number;
  testResults: Array<{ endTime?: number }>;
}

export function summarizeBuildTimes(jsonLines: string, jest?: JestResults): string {
  const entries = jsonLines
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as BuildTimeEntry);
  const total = entries.reduce((s, e) => s + e.seconds, 0);
  const byPlatform = new Map<string, { n: number; seconds: number }>();
  for (const e of entries) {
    const key = e.builder ? `${e.platform} on ${e.builder}` : e.platform;
    const p = byPlatform.get(key) ?? { n: 0, seconds: 0 };
    byPlatform.set(key, { n: p.n + 1, seconds: p.seconds + e.seconds });
  }
  const failed = entries.filter((e) => !e.ok).length;
  const parts = [...byPlatform].sort((a, b) => b[1].seconds - a[1].seconds).map(([k, p]) => `${k} ${p.seconds.toFixed(0)} s in ${p.n}`);
  const ends = (jest?.testResults ?? []).map((r) => r.endTime ?? 0).filter((t) => t > 0);
  const wall = jest && ends.length ? (Math.max(...ends) - jest.startTime) / 1000 : undefined;
  return (
    `image builds: ${entries.length} platform build(s)${failed ? ` (${failed} failed)` : ''}, ${total.toFixed(0)} s summed` +
    (wall !== undefined ? ` over a ${wall.toFixed(0)} s jest run (${((100 * total) / wall).toFixed(0)}%)` : '') +
    (parts.length ? `: ${parts.join(', ')}` : '')
  );
}

if (require.main === module) {
  const [timesFile, jestFile] = process.argv.slice(2);
  if (!timesFile) {
    console.error('usage: build-times.ts <build-times.jsonl> [jest-results.json]');
    process.exit(2);
  }
  const lines = existsSync(timesFile) ? readFileSync(timesFile, 'utf8') : '';
  const jest = jestFile && existsSync(jestFile) ? (JSON.parse(readFileSync(jestFile, 'utf8')) as JestResults) : undefined;
  console.log(summarizeBuildTimes(lines, jest));
}
