// The main job end to end on the checked-in demo baseline (apps/demo-agent), through the same Nx targets CI
// runs: lint its Dockerfile and build it for linux/amd64 and linux/arm64, check it against the container
// contract, push it with a manifest list; then show what the registry serves, run it and print a real chat
// completion from it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startContainer } from '../../libs/janus/src/engine/container-runner';
import { assertEngineRunning } from '../../libs/janus/src/engine/docker-client';
import type { BuildRecord } from '../../libs/janus/src/image/build-record';
import { parseImageReference } from '../../libs/janus/src/oci/image-reference';
import { RegistryClient } from '../../libs/janus/src/registry/registry-client';
import { runCommand } from '../../libs/janus/src/process/run-command';
import { waitUntilReady } from '../../libs/janus/src/contract/checks/readiness';

const ROOT = join(__dirname, '../..');
const PROJECT = 'demo-agent';

const step = (msg: string) => console.log(`\n[demo] ${msg}`);

async function nx(args: string[]) {
  console.log(`$ nx ${args.join(' ')}`);
  await runCommand(join(ROOT, 'node_modules/.bin/nx'), [...args, '--skip-nx-cache', '--output-style=stream'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    onLine: (l) => console.log(`  ${l}`),
  });
}

async function main() {
  await assertEngineRunning();

  step('docker-build (its Dockerfile linted first; linux/amd64 + linux/arm64) → contract-test → docker-push, as CI runs them');
  await nx(['run', `${PROJECT}:docker-push`]);
  const metadata = JSON.parse(readFileSync(join(ROOT, 'dist/docker', PROJECT, 'metadata.json'), 'utf8')) as BuildRecord;

  step(`the registry's manifest list for ${metadata.image}:${metadata.tags[0]}`);
  const ref = parseImageReference(`${metadata.image}:${metadata.tags[0]}`);
  const list = await RegistryClient.forHost(ref.registry).getManifest(ref.repository, ref.tag!);
  console.log(`  ${list.mediaType} ${list.digest}`);
  for (const m of list.json.manifests as Array<{ digest: string; size: number; platform: { os: string; architecture: string } }>) {
    console.log(`  - ${m.platform.os}/${m.platform.architecture}  ${m.digest}`);
  }

  step('run it');
  const image = `${metadata.image}:${metadata.tags[0]}`;
  const container = await startContainer(image, { containerPort: 8080, labels: { 'org.janus.demo': 'true' } });
  try {
    const ready = await waitUntilReady(container, 30);
    if (!ready.ok) throw new Error(ready.detail);
    console.log(`  ${image} ready on ${container.url} after ${ready.readyMs} ms`);

    step('POST /v1/chat/completions');
    const res = await fetch(`${container.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: `janus-${PROJECT}`, messages: [{ role: 'user', content: 'Hello from the Janus demo' }] }),
    });
    console.log(JSON.stringify(await res.json(), null, 2).replace(/^/gm, '  '));

    step('POST /v1/chat/completions with "stream": true');
    const stream = await fetch(`${container.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: `janus-${PROJECT}`, stream: true, messages: [{ role: 'user', content: 'stream this' }] }),
    });
    for (const event of (await stream.text()).split('\n\n').filter(Boolean)) console.log(`  ${event}`);
  } finally {
    await container.remove();
  }
  step('done');
}

main().catch((e) => {
  console.error(`[demo] failed: ${(e as Error).message}`);
  process.exit(1);
});
