import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { COMPOSE_WORKING_DIR_LABEL, workspaceContainers } from '../../compose/workspace-containers';
import { testLabels } from '../../engine/container-runner';
import { assertEngineRunning, dockerClient } from '../../engine/docker-client';
import type { BuildRecord } from '../../image/build-record';
import { noteBuiltImages } from '../../image/image-ledger';
import { CommandError, runCommand } from '../../process/run-command';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { REPO_ROOT } from '../../../../../tools/repo-root';

// The workspace targets on the real engine and the real nx CLI, with the repository's demo agent as the
// service (a copy, under an image name of its own, so the shared demo-agent tags are never moved).
describe('compose-up, compose-down, docker-logs, docker-stop and docker-clean', () => {
  const ws = new TempWorkspace('janus-compose-');
  const id = randomBytes(3).toString('hex');
  const image = `janus-test/compose-${id}`;
  const docker = dockerClient();
  // The compose project's containers carry the test labels too, so a crashed run's leftovers are found.
  const labels = testLabels();

  function composeFile(extra: Record<string, object> = {}) {
    const service = (more: object = {}) => ({
      image: `localhost:5000/${image}:\${JANUS_TAG:-latest}`,
      ports: ['127.0.0.1::8080'],
      labels,
      environment: { JANUS_LLM_API_KEY: '${CHUTES_API_KEY:-}' },
      healthcheck: { interval: '1s', start_period: '30s' },
      ...more,
    });
    return stringify({
      services: {
        'demo-agent': service(),
        // Starts only once demo-agent is healthy: depends_on with a condition, as the root compose file has it.
        follower: service({ depends_on: { 'demo-agent': { condition: 'service_healthy' } } }),
        ...extra,
      },
    });
  }

  const nx = async (args: string[]): Promise<{ ok: boolean; out: string }> => {
    try {
      const r = await ws.nx([...args, '--output-style=stream']);
      return { ok: true, out: stripVTControlCharacters(r.stdout + r.stderr) };
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      return { ok: false, out: stripVTControlCharacters(e.result.stdout + e.result.stderr) };
    }
  };
  const mine = async () => (await workspaceContainers(ws.root)).filter((c) => c.origin.kind === 'compose');
  const urlOf = async (service: string) => {
    const [c] = await docker.listContainers({ filters: { label: [`com.docker.compose.service=${service}`, `${COMPOSE_WORKING_DIR_LABEL}=${ws.root}`] } });
    const port = c?.Ports.find((p) => p.PrivatePort === 8080 && p.PublicPort);
    if (!port) throw new Error(`${service} publishes no port`);
    return `http://127.0.0.1:${port.PublicPort}`;
  };

  beforeAll(async () => {
    await assertEngineRunning();
    cpSync(join(REPO_ROOT, 'apps/demo-agent'), ws.path('apps/demo-agent'), { recursive: true });
    writeFileSync(
      ws.path('apps/demo-agent/project.json'),
      JSON.stringify({ name: 'demo-agent', root: 'apps/demo-agent', targets: { 'docker-build': { options: { image } } } }, null, 2),
    );
    writeFileSync(
      ws.path('nx.json'),
      JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64', registry: 'localhost:5000' } }] }, null, 2),
    );
    writeFileSync(ws.path('docker-compose.yml'), composeFile());
    writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\n.env\n');
    await initGitRepo(ws.root);
  });

  afterAll(async () => {
    for (const c of await workspaceContainers(ws.root)) await docker.getContainer(c.id).remove({ force: true, v: true });
    await runCommand('docker-compose', ['-f', ws.path('docker-compose.yml'), 'down', '--remove-orphans'], { cwd: ws.root }).catch(() => undefined);
    await removeImages(`localhost:5000/${image}`);
    ws.dispose();
  });

  it('builds the service images first, starts them healthy in dependency order, answers a chat completion, and compose-down leaves nothing', async () => {
    const up = await nx(['run', 'scratch:compose-up']);
    expect(up.out).toContain('demo-agent:docker-build');
    expect(up.ok).toBe(true);
    const record = JSON.parse(readFileSync(ws.path('dist/docker/demo-agent/metadata.json'), 'utf8')) as BuildRecord;
    const shaTag = record.tags.find((t) => t.startsWith('sha-'))!;
    expect(up.out).toContain(`JANUS_TAG=${shaTag}`);

    const running = await mine();
    expect(running.map((c) => c.origin.kind === 'compose' && c.origin.service).sort()).toEqual(['demo-agent', 'follower']);
    for (const c of running) {
      const info = await docker.getContainer(c.id).inspect();
      expect(info.State.Health?.Status).toBe('healthy');
      // Exactly the image the build recorded, by the tag compose-up chose.
      expect(info.Image).toBe(record.platforms[0].imageId);
      expect(info.Config.Image).toBe(`localhost:5000/${image}:${shaTag}`);
    }

    const client = new OpenAI({ baseURL: `${await urlOf('demo-agent')}/v1`, apiKey: 'not-needed' });
    const completion = await client.chat.completions.create({ model: 'demo-agent', messages: [{ role: 'user', content: 'hello compose' }] });
    expect(completion.choices[0].message.content).toEqual(expect.any(String));
    expect(completion.choices[0].message.content!.length).toBeGreaterThan(0);

    const logs = await nx(['run', 'demo-agent:docker-logs', '--tail=all']);
    expect(logs.ok).toBe(true);
    expect(logs.out).toMatch(/POST \/v1\/chat\/completions/);

    const down = await nx(['run', 'scratch:compose-down']);
    expect(down.ok).toBe(true);
    expect(await mine()).toEqual([]);
    const networks = await docker.listNetworks({ filters: { label: [`com.docker.compose.project=${(await composeProjectOf()) ?? 'none'}`] } });
    expect(networks).toEqual([]);
  });

  // Read from compose's own default, which compose-up follows: the workspace folder's name.
  async function composeProjectOf(): Promise<string | undefined> {
    const { composeProjectName } = await import('../../compose/compose-cli');
    return composeProjectName(ws.root.split('/').pop()!);
  }

  it('takes everything down again when a service never becomes healthy, naming it and showing its log', async () => {
    writeFileSync(
      ws.path('docker-compose.yml'),
      composeFile({
        sick: {
          image: `localhost:5000/${image}:\${JANUS_TAG:-latest}`,
          labels,
          healthcheck: { test: ['CMD', 'python', '-c', 'raise SystemExit(1)'], interval: '1s', retries: 2, start_period: '0s' },
        },
      }),
    );
    try {
      const up = await nx(['run', 'scratch:compose-up', '--exclude-task-dependencies']);
      expect(up.ok).toBe(false);
      expect(up.out).toMatch(/service sick: unhealthy/);
      expect(up.out).toMatch(/sick did not become healthy; everything was taken down again/);
      expect(await mine()).toEqual([]);
    } finally {
      writeFileSync(ws.path('docker-compose.yml'), composeFile());
    }
  });

  it('refuses bad options and a compose file that builds, naming the field, the value and what is allowed, and starts nothing', async () => {
    const services = await nx(['run', 'scratch:compose-up', '--exclude-task-dependencies', '--services=nope']);
    expect(services.ok).toBe(false);
    expect(services.out).toContain(`'services' = ["nope"]: not in docker-compose.yml (allowed: "demo-agent", "follower")`);
    const timeout = await nx(['run', 'scratch:compose-up', '--exclude-task-dependencies', '--timeoutSeconds=0']);
    expect(timeout.out).toContain(`'timeoutSeconds' = 0: must be a number of seconds from 1 to 3600`);
    const tail = await nx(['run', 'demo-agent:docker-logs', '--tail=-3']);
    expect(tail.ok).toBe(false);
    expect(tail.out).toContain(`'tail' = -3`);

    writeFileSync(ws.path('docker-compose.yml'), `services:\n  demo-agent:\n    build: apps/demo-agent\n`);
    try {
      const build = await nx(['run', 'scratch:compose-up', '--exclude-task-dependencies']);
      expect(build.ok).toBe(false);
      expect(build.out).toContain("service 'demo-agent' has 'build': compose must not build images");
    } finally {
      writeFileSync(ws.path('docker-compose.yml'), composeFile());
    }
    expect(await mine()).toEqual([]);
  });

  it("docker-stop removes a project's container; docker-clean removes only this workspace's containers and dangling images", async () => {
    const up = await nx(['run', 'scratch:compose-up', '--exclude-task-dependencies']);
    expect(up.ok).toBe(true);
    const stop = await nx(['run', 'demo-agent:docker-stop', '--timeoutSeconds=2']);
    expect(stop.ok).toBe(true);
    expect((await mine()).map((c) => c.origin.kind === 'compose' && c.origin.service)).toEqual(['follower']);

    // Someone else's: a container without our labels and a dangling image this workspace never built.
    const dir = ws.path('tmp-images');
    mkdirSync(dir, { recursive: true });
    const dangling = async (label: string) => {
      writeFileSync(join(dir, 'Dockerfile'), `FROM localhost:5000/${image}:latest\nLABEL org.janus.test-clean=${label}\n`);
      return (await runCommand('docker', ['build', '-q', dir])).stdout.trim();
    };
    const ours = await dangling(`ours-${id}`);
    const theirs = await dangling(`theirs-${id}`);
    noteBuiltImages(ws.root, 'demo-agent', [ours]);
    const stranger = await docker.createContainer({ Image: `localhost:5000/${image}:latest`, name: `janus-stranger-${id}`, Labels: {} });
    try {
      const clean = await nx(['run', 'scratch:docker-clean']);
      expect(clean.ok).toBe(true);
      expect(clean.out).toMatch(/removed 1 container\(s\) and 1 kept or dangling image\(s\) of this workspace/);
      expect(await mine()).toEqual([]);
      expect(
        await docker
          .getImage(ours)
          .inspect()
          .catch(() => undefined),
      ).toBeUndefined();
      expect((await docker.getImage(theirs).inspect()).Id).toBe(theirs);
      expect((await stranger.inspect()).Id).toBe(stranger.id);
    } finally {
      await stranger.remove({ force: true });
      await docker
        .getImage(theirs)
        .remove()
        .catch(() => undefined);
      await docker
        .getImage(ours)
        .remove()
        .catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
    expect(existsSync(ws.path('.nx/workspace-data/janus-built-images'))).toBe(true);
  });
});
