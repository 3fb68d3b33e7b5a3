import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { dockerClient } from '../libs/janus/src/engine/docker-client';
import { RegistryClient } from '../libs/janus/src/registry/registry-client';
import { REPO_ROOT } from '../tools/repo-root';

// bench/multiarch once in its --tiny mode, so the bench cannot rot unseen (a fixture image, amd64 here and
// arm64 on a second dockerd), then interrupted, then given a bad option: each time it leaves no image, no
// staged manifest and no second engine behind. Figures are not checked: benches assert nothing.
function runBench(args: string[], onLine?: (line: string, kill: (sig: NodeJS.Signals) => void) => void) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(REPO_ROOT, 'bench/multiarch.bench.ts'), ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    out += text;
    for (const line of text.split('\n')) onLine?.(line, (sig) => child.kill(sig));
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  return new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
}

/** The run's own names, from the line the bench prints once its second engine is up. */
function runNames(out: string): { prefix: string; socket: string } {
  const m = /images under (\S+)\/, second engine unix:\/\/(\S+)/.exec(out);
  if (!m) throw new Error(`the bench did not name its images and engine:\n${out}`);
  return { prefix: m[1], socket: m[2] };
}

async function expectNothingLeft(out: string) {
  const { prefix, socket } = runNames(out);
  expect(existsSync(socket)).toBe(false);
  const images = await dockerClient().listImages({ all: true });
  expect(images.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`${prefix}/`))).toEqual([]);
  expect(await RegistryClient.forHost('localhost:5000').listTags(`${prefix}/probe`)).toEqual([]);
}

describe('bench/multiarch', () => {
  it('--tiny prints the table, the ratio and the target, and removes what it made', async () => {
    const { code, out } = await runBench(['--tiny']);
    expect({ code, out }).toMatchObject({ code: 0 });
    expect(out).toMatch(/^probe\s+\d+\.\d\s+\d+\.\d\s+\d+\.\d\d×/m);
    expect(out).toMatch(/target: arm64 cold ≤ 1\.3× amd64/);
    expect(out).toMatch(/runs? under qemu too/);
    await expectNothingLeft(out);
  }, 300_000);

  it('interrupted once its second engine is up, stops its builds and removes the engine and its images', async () => {
    let sent = false;
    const { code, out } = await runBench(['--tiny'], (line, kill) => {
      if (!sent && line.includes('second engine unix://')) {
        sent = true;
        kill('SIGTERM');
      }
    });
    expect(sent).toBe(true);
    expect({ code, out }).toMatchObject({ code: 130 });
    await expectNothingLeft(out);
  }, 300_000);

  it('refuses an unknown image with one line naming it and the allowed ones, before starting anything', async () => {
    const { code, out } = await runBench(['--only', 'demo-agent,nope']);
    expect(code).toBe(1);
    expect(out.trim()).toMatch(/^--only: 'demo-agent,nope' names no checked-in image 'nope'; allowed: openai-runtime, .*demo-agent$/);
  }, 60_000);
});
