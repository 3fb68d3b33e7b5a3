import { holdDemoAgentImage, untagImages } from '../../../../janus-testing/src/test-images';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { stripVTControlCharacters } from 'node:util';
import { projectContainers } from '../../compose/workspace-containers';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import { CommandError, runCommand } from '../../process/run-command';
import { Nx24Workspace, NX24 } from '../../../../janus-testing/src/nx24-workspace';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { freePort } from '../../../../janus-testing/src/test-registry';
import { REPO_ROOT } from '../../../../../tools/repo-root';
import { nxCliEnv } from '../../../../janus-testing/src/nx-cli-env';

interface Workspace {
  root: string;
  nx(args: string[]): Promise<{ code: number; output: string }>;
  dispose(): void;
}

async function nx23(): Promise<Workspace> {
  const ws = new TempWorkspace('janus-run-nx23-');
  writeNxJson(ws.path('nx.json'));
  return {
    root: ws.root,
    nx: async (args) => {
      const r = await runCommand(`${REPO_ROOT}/node_modules/.bin/nx`, args, {
        cwd: ws.root,
        env: nxCliEnv(),
      }).catch((e: unknown) => {
        if (e instanceof CommandError) return e.result;
        throw e;
      });
      return { code: r.code, output: stripVTControlCharacters(r.stdout + r.stderr) };
    },
    dispose: () => ws.dispose(),
  };
}

async function nx24(): Promise<Workspace> {
  const ws = await Nx24Workspace.create();
  return {
    root: ws.root,
    nx: async (args) => {
      const r = await ws.nx(args);
      return { code: r.code, output: stripVTControlCharacters(r.stdout + r.stderr) };
    },
    dispose: () => ws.dispose(),
  };
}

function writeNxJson(path: string) {
  writeFileSync(path, JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }] }, null, 2));
}

// docker-run through the real nx CLI must fail the command whenever it did not start the container. Nx 23.2.1
// reports a continuous task that exits non-zero as "Successfully ran" (exit 0), so there janus does not infer
// docker-run as continuous; Nx 24 reports it, so there it stays continuous. Each case runs on both.
describe.each([
  ['Nx 23.2.1 (this workspace)', nx23, false],
  [`Nx ${NX24.nx}`, nx24, true],
])('docker-run failures fail the command on %s', (_name, make, continuous) => {
  let ws: Workspace;
  let image = '';
  const held = `janus-test/docker-run-held-${process.pid}-${Math.random().toString(16).slice(2, 8)}`;
  const run = (...options: string[]) => ws.nx(['run', 'agent-a:docker-run', '--excludeTaskDependencies', '--output-style=stream', ...options]);

  beforeAll(async () => {
    await assertEngineRunning();
    image = await holdDemoAgentImage(held);
    ws = await make();
    const generated = await ws.nx(['g', 'janus:baseline', 'agent-a', '--no-interactive']);
    if (generated.code !== 0) throw new Error(generated.output);
  });
  afterAll(async () => {
    await untagImages(held);
    for (const c of ws ? await projectContainers(ws.root, 'agent-a') : []) await dockerClient().getContainer(c.id).remove({ force: true });
    ws?.dispose();
  });
  afterEach(async () => expect(await projectContainers(ws.root, 'agent-a')).toEqual([]));

  it(`infers docker-run ${continuous ? 'as' : 'not as'} a continuous task`, async () => {
    const shown = JSON.parse((await ws.nx(['show', 'project', 'agent-a', '--json'])).output) as { targets: Record<string, { continuous?: boolean }> };
    expect(Boolean(shown.targets['docker-run'].continuous)).toBe(continuous);
  });

  it('a project never built: fails, saying how to build it', async () => {
    const r = await run();
    expect(r.output).toMatch(/build record \S+\/dist\/docker\/agent-a\/metadata\.json: not found; build it first with 'nx run agent-a:docker-build'/);
    expect(r.code).not.toBe(0);
  });

  it('invalid options: fails, naming the option', async () => {
    const r = await run('--port=0');
    expect(r.output).toContain("'port' = 0: must be an integer from 1 to 65535");
    expect(r.code).not.toBe(0);
  });

  it('a missing image: fails, saying how to build it', async () => {
    const r = await run(`--image=sha256:${'0'.repeat(64)}`);
    expect(r.output).toMatch(/image sha256:0{64} is not in the local engine and pulling it failed: .*; build it with 'nx run agent-a:docker-build'/);
    expect(r.code).not.toBe(0);
  });

  it('a host port in use: fails, naming the port and what holds it', async () => {
    const port = await freePort();
    const server = createServer().listen(port, '127.0.0.1');
    await once(server, 'listening');
    try {
      const r = await run(`--image=${image}`, `--hostPort=${port}`);
      expect(r.output).toContain(`host port ${port} is already in use by process node (pid ${process.pid}); pass --hostPort=<a free port>`);
      expect(r.code).not.toBe(0);
    } finally {
      server.close();
    }
  });
});
