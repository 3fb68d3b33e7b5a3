// docker-build of the demo baseline from an empty BuildKit cache: cold, no-change and source-only-change
// rebuilds, per platform, and the bytes the app adds on top of its base image. Everything is measured in this
// one run, side by side. Targets: no-change ≤ 5% of cold, source-only ≤ 25% of cold, arm64 ≤ 3× amd64, app
// layers (above the image's root filesystem) ≤ 30 MB. It empties the engine's whole build cache first (docker builder prune), so it is kept apart
// from bench/docker-build, which compares the per-run overhead against the plain build and @nx/docker.
import { logger } from '@nx/devkit';
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dockerBuildExecutor from '../libs/janus/src/executors/docker-build/executor';
import { dockerClient } from '../libs/janus/src/engine/docker-client';
import { runCommand } from '../libs/janus/src/process/run-command';
import { executorContext } from '../libs/janus-testing/src/executor-context';
import { nativePlatform } from '../libs/janus/src/oci/platform';

const DEMO = join(__dirname, '../apps/demo-agent');
// `--tiny` (what npm test runs): this machine's platform only, and the build cache kept (emptying it would make
// every spec after it build cold), so its "cold" row is not cold: it proves the bench runs, not the figure.
const TINY = process.argv.includes('--tiny');
const PLATFORMS = TINY ? [nativePlatform()] : ['linux/amd64', 'linux/arm64'];

async function timed(fn: () => Promise<{ success: boolean }>): Promise<number> {
  const t0 = process.hrtime.bigint();
  const r = await fn();
  if (!r.success) throw new Error('build failed');
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

async function main() {
  logger.info = () => undefined;
  const ws = mkdtempSync(join(tmpdir(), 'janus-bench-build-'));
  cpSync(DEMO, join(ws, 'apps/demo-agent'), { recursive: true });
  const ctx = executorContext(ws, 'demo-agent', 'apps/demo-agent');
  const tag = (platform: string) => `bench-${platform.split('/')[1]}`;
  const build = (platform: string) => () =>
    dockerBuildExecutor({ platforms: platform, registry: '', image: 'janus-bench/demo-agent', deriveTags: false, tags: [tag(platform)] }, ctx);
  const results: Record<string, { cold: number; noChange: number; sourceOnly: number }> = {};
  try {
    for (const platform of PLATFORMS) {
      // Cold: no BuildKit cache at all; the base image still comes from the registry (mirror), as in CI.
      if (!TINY) await runCommand('/usr/bin/docker', ['builder', 'prune', '-af']).catch(() => runCommand('docker', ['builder', 'prune', '-af']));
      const cold = await timed(build(platform));
      const noChange = await timed(build(platform));
      appendFileSync(join(ws, 'apps/demo-agent/app/main.py'), `\n# bench edit ${Date.now()}\n`);
      const sourceOnly = await timed(build(platform));
      results[platform] = { cold, noChange, sourceOnly };
    }
    // What the app adds above its root filesystem (the interpreter, libraries and installed dependencies, copied
    // from the builder in one layer): the layers a source edit can change. The image is no longer built on top of
    // python:3.11-slim, so subtracting that image's size measures nothing (it printed -180 MB once images got slim).
    const image = dockerClient().getImage(`janus-bench/demo-agent:${tag(nativePlatform())}`);
    const app = await image.inspect();
    const history = (await image.history()) as Array<{ Size: number; CreatedBy: string }>; // newest first
    const rootfs = history.findIndex((h) => /COPY \/rootfs \//.test(h.CreatedBy));
    if (rootfs < 0) throw new Error('the demo baseline has no COPY /rootfs / layer any more: say what its app layers are now');
    const appLayers = history.slice(0, rootfs).reduce((sum, h) => sum + h.Size, 0);

    console.log(
      `docker-build of apps/demo-agent (seconds; ratios against the same platform's cold build)${TINY ? ', tiny: this platform, build cache kept' : ''}`,
    );
    console.log('platform      cold   no-change        source-only');
    for (const [p, r] of Object.entries(results)) {
      console.log(
        `${p.padEnd(12)} ${r.cold.toFixed(1).padStart(5)}   ${r.noChange.toFixed(1).padStart(5)} (${((100 * r.noChange) / r.cold).toFixed(1)}%)   ${r.sourceOnly.toFixed(1).padStart(5)} (${((100 * r.sourceOnly) / r.cold).toFixed(1)}%)   targets ≤ 5%, ≤ 25%`,
      );
    }
    if (!TINY) {
      const amd = results['linux/amd64'].cold;
      const arm = results['linux/arm64'].cold;
      console.log(`arm64 / amd64 cold: ${(arm / amd).toFixed(2)}×  (target ≤ 3×)`);
    }
    console.log(
      `app layers above the root filesystem (${nativePlatform()}): ${(appLayers / 1e6).toFixed(2)} MB  (target ≤ 30 MB; image ${(app.Size / 1e6).toFixed(0)} MB, root filesystem ${(history[rootfs].Size / 1e6).toFixed(0)} MB)`,
    );
  } finally {
    const docker = dockerClient();
    for (const img of await docker.listImages({ filters: { reference: ['janus-bench/demo-agent'] } }))
      await docker
        .getImage(img.Id)
        .remove({ force: true })
        .catch(() => undefined);
    rmSync(ws, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
