// What a docker-build costs a developer, against the floor and against its peer, on the same Dockerfile (the
// demo baseline, linux/amd64, nothing pushed), each run as a developer types it, Nx's cache on as Nx sets it up:
//   plain        DOCKER_BUILDKIT=1 /usr/bin/docker build . --tag <t>, in the project directory (the floor)
//   @nx/docker   nx run <p>:docker:build, the target @nx/docker infers (its plugin registered in that workspace;
//                it declares no cache, so it builds every time)
//   janus        nx run <p>:docker-build, the compiled plugin as users install it (its target is cached)
// and, with BENCH_PODMAN=1 where Podman's socket answers (the bootstrap with JANUS_WITH_PODMAN=1 starts it):
//   plain podman podman build . --format docker --tag <t> (janus's own podman build flags' floor)
//   janus/podman nx run <p>:docker-build --engine=podman
// for (a) warm: the same command again with nothing changed (janus's answer is Nx's cache hit, which is what a
// developer gets), and (b) source-only: a fresh comment is appended to app/main.py before every build, whichever
// tool runs it, so each one rebuilds the app layer (janus's task hash changes: a full run of its executor).
// Each tool has its own workspace (a git repository, as users' are); BuildKit's cache is shared, as on any machine.
// Rounds interleave the contenders in a rotating order so they see the same machine load; the figures are medians
// with min and max, and the two janus / @nx/docker ratios are the medians of the per-round ratios (target ≤ 1.0);
// on Podman, janus/podman against plain podman build and against janus on Docker, the same way.
// BENCH_ROUNDS (default 7) sets the rounds; `uptime` before a run says how quiet the machine was.
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ContainerEngine } from '../libs/janus/src/engine/container-engine';
import { containerEngine, dockerClient } from '../libs/janus/src/engine/docker-client';
import { DockerEngine } from '../libs/janus/src/engine/docker-engine';
import { chooseEngine } from '../libs/janus/src/engine/engine-choice';
import { inspectImage, removeIfUntagged } from '../libs/janus/src/engine/image-store';
import { runCommand } from '../libs/janus/src/process/run-command';
import { initGitRepo } from '../libs/janus-testing/src/git-repo';
import { TempWorkspace } from '../libs/janus-testing/src/temp-workspace';
import { REPO_ROOT } from '../tools/repo-root';

// `--tiny` (what npm test runs): one round, Docker only.
const TINY = process.argv.includes('--tiny');
const ROUNDS = TINY ? 1 : Math.max(1, Number(process.env.BENCH_ROUNDS ?? 7));
const DEMO = join(REPO_ROOT, 'apps/demo-agent');
const DOCKER = '/usr/bin/docker';
const IGNORED = 'node_modules\n.nx\ndist\n';

interface Contender {
  name: string;
  /** The project directory whose app/main.py a source-only round edits. */
  projectDir: string;
  /** The tag a build moves (plain and @nx/docker leave the previous image dangling; this run removes it). */
  tag?: string;
  /** The engine whose store holds what it builds (default: Docker's). */
  engine?: ContainerEngine;
  run: () => Promise<unknown>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const id = randomBytes(3).toString('hex');
  const repo = `janus-bench-${id}`;
  // @nx/docker's target runs `docker` from PATH, which here is first a newer client without buildx (so
  // without BuildKit); every contender gets the BuildKit-capable 20.10 client janus picks, first on PATH.
  const bin = mkdtempSync(join(tmpdir(), 'janus-bench-bin-'));
  symlinkSync(DOCKER, join(bin, 'docker'));
  const env = {
    ...process.env,
    PATH: `${bin}:${process.env.PATH}`,
    DOCKER_BUILDKIT: '1',
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_INTERACTIVE: 'false',
    NX_TUI: 'false',
    CI: 'true',
  };
  const nxBin = join(REPO_ROOT, 'node_modules/.bin/nx');

  // janus: the project as the generator writes it, built for amd64 only and pushed nowhere.
  const janusWs = new TempWorkspace('janus-bench-janus-');
  cpSync(DEMO, janusWs.path('apps/demo-agent'), { recursive: true });
  // The plugin registered as `nx g janus:init` does; the inferred target's options narrowed in project.json.
  writeFileSync(janusWs.path('nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }] }, null, 2));
  const project = JSON.parse(readFileSync(join(DEMO, 'project.json'), 'utf8'));
  const janusProject = (options: Record<string, string>) => ({ ...project, targets: { 'docker-build': { options } } });
  writeFileSync(
    janusWs.path('apps/demo-agent/project.json'),
    JSON.stringify(janusProject({ platforms: 'linux/amd64', registry: '', image: `${repo}/janus` }), null, 2),
  );
  writeFileSync(janusWs.path('.gitignore'), IGNORED);
  await initGitRepo(janusWs.root);

  // @nx/docker: the same Dockerfile in a workspace that registers its plugin; the project directory's name is
  // unique to this run because @nx/docker tags the image after it.
  const nxDockerWs = new TempWorkspace('janus-bench-nxdocker-');
  const nxDockerDir = nxDockerWs.path('apps', repo);
  cpSync(DEMO, nxDockerDir, { recursive: true });
  writeFileSync(join(nxDockerDir, 'project.json'), JSON.stringify({ name: 'demo-agent', root: `apps/${repo}` }, null, 2));
  writeFileSync(nxDockerWs.path('nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: ['@nx/docker'] }, null, 2));
  writeFileSync(nxDockerWs.path('.gitignore'), IGNORED);
  await initGitRepo(nxDockerWs.root);

  const plainDir = mkdtempSync(join(tmpdir(), 'janus-bench-plain-'));
  cpSync(DEMO, plainDir, { recursive: true });

  // Podman: its own copies (each tool edits its own app/main.py), only where its socket answers.
  const podman = process.env.BENCH_PODMAN === '1' && !TINY ? await podmanEngine() : undefined;
  const podmanPlainDir = mkdtempSync(join(tmpdir(), 'janus-bench-podman-'));
  cpSync(DEMO, podmanPlainDir, { recursive: true });
  const janusPodmanWs = new TempWorkspace('janus-bench-janus-podman-');
  cpSync(DEMO, janusPodmanWs.path('apps/demo-agent'), { recursive: true });
  writeFileSync(janusPodmanWs.path('nx.json'), readFileSync(janusWs.path('nx.json')));
  writeFileSync(
    janusPodmanWs.path('apps/demo-agent/project.json'),
    JSON.stringify(janusProject({ platforms: 'linux/amd64', registry: '', image: `${repo}/janus-podman`, engine: 'podman' }), null, 2),
  );
  writeFileSync(janusPodmanWs.path('.gitignore'), IGNORED);
  await initGitRepo(janusPodmanWs.root);

  const contenders: Contender[] = [
    {
      name: 'plain docker build',
      projectDir: plainDir,
      tag: `${repo}/plain:latest`,
      run: () => runCommand(DOCKER, ['build', '.', '--tag', `${repo}/plain:latest`], { cwd: plainDir, env }),
    },
    {
      name: '@nx/docker docker:build',
      projectDir: nxDockerDir,
      tag: `apps-${repo}:latest`,
      run: () => runCommand(nxBin, ['run', 'demo-agent:docker:build'], { cwd: nxDockerWs.root, env }),
    },
    {
      name: 'janus docker-build',
      projectDir: janusWs.path('apps/demo-agent'),
      run: () => runCommand(nxBin, ['run', 'demo-agent:docker-build'], { cwd: janusWs.root, env }),
    },
    ...(podman
      ? [
          {
            name: 'plain podman build',
            projectDir: podmanPlainDir,
            tag: `${repo}/plain-podman:latest`,
            engine: podman,
            run: () => runCommand('podman', ['build', '.', '--format', 'docker', '--tag', `${repo}/plain-podman:latest`], { cwd: podmanPlainDir, env }),
          },
          {
            name: 'janus docker-build/podman',
            projectDir: janusPodmanWs.path('apps/demo-agent'),
            engine: podman,
            run: () => runCommand(nxBin, ['run', 'demo-agent:docker-build'], { cwd: janusPodmanWs.root, env }),
          },
        ]
      : []),
  ];

  const timed = async (c: Contender, edit: boolean): Promise<number> => {
    if (edit) appendFileSync(join(c.projectDir, 'app/main.py'), `\n# bench edit ${c.name} ${process.hrtime.bigint()}\n`);
    const engine = c.engine ?? containerEngine();
    const before = c.tag ? (await inspectImage(c.tag, engine))?.Id : undefined;
    const t0 = process.hrtime.bigint();
    await c.run();
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = c.tag ? (await inspectImage(c.tag, engine))?.Id : undefined;
    if (before && before !== after) await removeIfUntagged(before, engine);
    return seconds;
  };

  const scenarios = { warm: false, 'source-only': true } as const;
  const results: Record<keyof typeof scenarios, number[][]> = { warm: contenders.map(() => []), 'source-only': contenders.map(() => []) };
  try {
    for (const c of contenders) await timed(c, false); // warm-up: the first build of each fills caches
    for (let round = 0; round < ROUNDS; round++) {
      for (const [scenario, edit] of Object.entries(scenarios) as Array<[keyof typeof scenarios, boolean]>) {
        for (let k = 0; k < contenders.length; k++) {
          const i = (round + k) % contenders.length;
          results[scenario][i].push(await timed(contenders[i], edit));
        }
      }
    }
  } finally {
    const docker = dockerClient();
    for (const ref of [`${repo}/plain`, `apps-${repo}`, `${repo}/janus`]) {
      for (const img of await docker.listImages({ filters: { reference: [ref] } }))
        await docker
          .getImage(img.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
    if (podman) {
      for (const img of await podman.images.list()) {
        if (img.repoTags.some((t) => t.replace(/^(docker\.io|localhost)\//, '').startsWith(`${repo}/`))) await podman.images.remove(img.id).catch(() => false);
      }
    }
    janusWs.dispose();
    nxDockerWs.dispose();
    janusPodmanWs.dispose();
    rmSync(plainDir, { recursive: true, force: true });
    rmSync(podmanPlainDir, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  }

  const nxDockerVersion = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@nx/docker/package.json'), 'utf8')).version;
  console.log(`docker-build of apps/demo-agent, linux/amd64, nothing pushed: ${ROUNDS} interleaved rounds (@nx/docker ${nxDockerVersion})`);
  console.log('seconds: median [min–max], and the median as a multiple of the plain build');
  console.log(`${''.padEnd(26)}${'warm, nothing changed'.padEnd(32)}source-only change`);
  const cell = (xs: number[], floor: number) =>
    `${median(xs).toFixed(2)} [${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}] ${(median(xs) / floor).toFixed(1).padStart(5)}×`.padEnd(32);
  contenders.forEach((c, i) =>
    console.log(
      `${c.name.padEnd(26)}${cell(results.warm[i], median(results.warm[0]))}${cell(results['source-only'][i], median(results['source-only'][0]))}`.trimEnd(),
    ),
  );
  const paired = (scenario: keyof typeof scenarios) => median(results[scenario][2].map((j, r) => j / results[scenario][1][r]));
  console.log(`janus / @nx/docker, warm (nothing changed, Nx cache on):   ${paired('warm').toFixed(2)}× (target ≤ 1.0)`);
  console.log(`janus / @nx/docker, source-only (one source file changed): ${paired('source-only').toFixed(2)}× (target ≤ 1.0)`);
  if (!podman) {
    if (process.env.BENCH_PODMAN === '1')
      console.log(
        `Podman: not measured (no Podman socket answering at ${chooseEngine({ option: 'podman' }).socketPath}; JANUS_WITH_PODMAN=1 npm run bootstrap starts it)`,
      );
    return;
  }
  // Per round: janus on Podman over plain podman build (its overhead), and over janus on Docker (the engine's cost).
  const ratio = (scenario: keyof typeof scenarios, over: number) => median(results[scenario][4].map((j, r) => j / results[scenario][over][r]));
  for (const [label, over] of [
    ['janus/podman / plain podman', 3],
    ['janus/podman / janus', 2],
  ] as const) {
    console.log(`${label.padEnd(26)}${`${ratio('warm', over).toFixed(2)}×`.padEnd(32)}${ratio('source-only', over).toFixed(2)}×`);
  }
}

/** Podman's engine when its socket answers; undefined otherwise (the bench then measures Docker only). */
async function podmanEngine(): Promise<ContainerEngine | undefined> {
  const engine = new DockerEngine(chooseEngine({ option: 'podman' }).socketPath);
  return engine.ping().then(
    () => engine,
    () => undefined,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
