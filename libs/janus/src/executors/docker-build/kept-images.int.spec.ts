import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { stripVTControlCharacters } from 'node:util';
import { projectContainers } from '../../compose/workspace-containers';
import { dockerClient } from '../../engine/docker-client';
import { inspectImage } from '../../engine/image-store';
import type { BuildRecord } from '../../image/build-record';
import { CommandError } from '../../process/run-command';
import { janusTargets } from '../../targets/janus-targets';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { addRuntimeAgentProject } from '../../../../janus-testing/src/runtime-agent-project';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { freePort, TestRegistry } from '../../../../janus-testing/src/test-registry';

// Issue 21's sequence with the real nx CLI and engine: a plain build, the README's CI line (which moves the
// tags to another image), then a plain build again, which Nx answers from its cache with the first record.
// That record's image must still be there for docker-run and contract-test; only docker-clean removes it, says
// so, and the consumers then name the one command that brings it back.
describe('an image a cached build record names', () => {
  const registry = new TestRegistry();
  const ws = new TempWorkspace('janus-kept-');
  const image = `janus-test/kept-${randomBytes(3).toString('hex')}`;
  const made = new Set<string>();
  const record = () => JSON.parse(readFileSync(ws.path('dist/docker/agent/metadata.json'), 'utf8')) as BuildRecord;

  async function nx(args: string[]): Promise<{ ok: boolean; out: string }> {
    try {
      const r = await ws.nx([...args, '--output-style=stream']);
      return { ok: true, out: stripVTControlCharacters(r.stdout + r.stderr) };
    } catch (e) {
      if (e instanceof CommandError) return { ok: false, out: stripVTControlCharacters(e.result.stdout + e.result.stderr) };
      throw e;
    }
  }
  const built = async (args: string[]) => {
    const r = await nx(args);
    if (!r.ok) throw new Error(`nx ${args.join(' ')} failed:\n${r.out.slice(-3000)}`);
    record().platforms.forEach((p) => made.add(p.imageId));
    return r.out;
  };

  beforeAll(async () => {
    await registry.start();
    addRuntimeAgentProject(ws);
    const targets = janusTargets({ port: 8080 });
    targets['docker-build'].options = { platforms: 'linux/amd64', registry: registry.host, image, lint: false };
    targets['contract-test'].options = { kind: 'runtime', env: { OPENAI_API_KEY: 'sk-test' } };
    targets['docker-run'].options = { hostPort: await freePort(), env: { OPENAI_API_KEY: 'sk-test' } };
    writeFileSync(ws.path('apps/agent/project.json'), JSON.stringify({ name: 'agent', root: 'apps/agent', targets }, null, 2));
    // docker-clean is a root-project target (inferred from a compose file); here the workspace declares it.
    writeFileSync(ws.path('project.json'), JSON.stringify({ name: 'scratch', root: '.', targets: { 'docker-clean': { executor: 'janus:docker-clean' } } }));
    writeFileSync(ws.path('.gitignore'), 'node_modules\ndist\n.nx\n');
    await initGitRepo(ws.root);
  });
  afterAll(async () => {
    for (const c of await projectContainers(ws.root, 'agent')) await dockerClient().getContainer(c.id).remove({ force: true });
    await removeImages(`${registry.host}/${image}`);
    for (const id of made)
      await dockerClient()
        .getImage(id)
        .remove({ force: true })
        .catch(() => undefined);
    await registry.stop();
    ws.dispose();
  });

  it('stays until docker-clean, and is then named with its recovery, never pulled from Docker Hub', async () => {
    await built(['run', 'agent:docker-build']);
    const plain = record().platforms[0].imageId;
    await built(['run', 'agent:docker-build', '-c', 'ci']);
    const ci = record().platforms[0].imageId;
    expect(ci).not.toBe(plain);
    // The tags moved to the ci image; the plain one is kept under a kept- tag, since Nx's cache holds a record of it.
    expect((await inspectImage(`${registry.host}/${image}:latest`))?.Id).toBe(ci);
    expect((await inspectImage(plain))?.RepoTags).toEqual([`${registry.host}/${image}:kept-${plain.slice(7, 23)}`]);

    const hit = await built(['run', 'agent:docker-build']);
    expect(hit).toMatch(/local cache|existing outputs match the cache/);
    expect(record().platforms[0].imageId).toBe(plain);
    const proved = await nx(['run', 'agent:contract-test']);
    expect(proved.ok).toBe(true);
    expect(JSON.parse(readFileSync(ws.path('dist/contract/agent/report.json'), 'utf8'))).toMatchObject({ ok: true, imageId: plain });
    // The fixture is a CLI runtime that serves no port, so docker-run (rightly) fails once the container is up
    // without one; what this proves is that it ran the kept image from this engine, never looked for it elsewhere.
    const ran = await nx(['run', 'agent:docker-run', '--exclude-task-dependencies']);
    expect(ran.out).not.toMatch(/not in this engine|pulling it failed|registry-1\.docker\.io/);
    expect(ran.out).toMatch(/janus:docker-run: agent on http:\/\/127\.0\.0\.1:\d+|janus: container [0-9a-f]{12} published no port for 8080\/tcp/);

    // docker-clean is what removes it, and it says so and what follows.
    const cleanOut = (await nx(['run', 'scratch:docker-clean'])).out;
    expect(cleanOut).toContain(`removed kept image ${registry.host}/${image}:kept-${plain.slice(7, 23)} (built for agent)`);
    expect(cleanOut).toMatch(/--skip-nx-cache/);
    expect(await inspectImage(plain)).toBeUndefined();

    const recovery = `rebuild it with 'nx run agent:docker-build --skip-nx-cache'`;
    const refused = await nx(['run', 'agent:contract-test', '--skip-nx-cache', '--exclude-task-dependencies']);
    expect(refused.ok).toBe(false);
    expect(refused.out).toContain(`names image ${plain.slice(0, 19)} (linux/amd64), which is not in this engine`);
    expect(refused.out).toContain(recovery);
    const notRun = await nx(['run', 'agent:docker-run', '--exclude-task-dependencies']);
    expect(notRun.out).toContain(recovery);
    expect(notRun.out).not.toMatch(/docker\.io|pull access denied/);

    // The recovery it names works.
    await built(['run', 'agent:docker-build', '--skip-nx-cache']);
    expect(await inspectImage(record().platforms[0].imageId)).toBeDefined();
  });
});
