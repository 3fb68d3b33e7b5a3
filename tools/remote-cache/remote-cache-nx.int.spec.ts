import { randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { initGitRepo } from '../../libs/janus-testing/src/git-repo';
import { TempWorkspace } from '../../libs/janus-testing/src/temp-workspace';
import { removeImages } from '../../libs/janus-testing/src/test-images';
import { cloneMachine, nxOnMachine } from '../../libs/janus-testing/src/ci-machines';
import { startRemoteCacheServer, type StartedRemoteCache } from './remote-cache-server';

// A fleet without Nx Cloud: clones of one workspace on different machines share task outputs through the
// server in this folder, with the real nx CLI; a pull-request run restores from it but writes nothing.
describe('the remote cache server with the real nx CLI', () => {
  const origin = new TempWorkspace('janus-rc-origin-');
  const clones = mkdtempSync(join(tmpdir(), 'janus-rc-clones-'));
  const storage = mkdtempSync(join(tmpdir(), 'janus-rc-storage-'));
  const writeToken = randomBytes(16).toString('hex');
  const readToken = randomBytes(16).toString('hex');
  const image = `janus-test/remote-cache-${randomBytes(3).toString('hex')}`;
  let cache: StartedRemoteCache;

  /** One machine's `nx run`, with the remote cache its CI would configure. */
  const nxRun = (clone: string, token: string, target = 'svc:dockerfile-lint') => nxOnMachine(clone, ['run', target], { url: cache.url, token });

  const cloneOf = (name: string) => cloneMachine(origin.root, join(clones, name));

  const entries = () => readdirSync(storage).filter((f) => f !== 'incoming' && !f.endsWith('.sha256'));

  beforeAll(async () => {
    // A short deadline, so the frozen-client case below ends in seconds.
    cache = await startRemoteCacheServer({ storageDir: storage, readWriteTokens: [writeToken], readOnlyTokens: [readToken], requestTimeoutMs: 5000 });
    const write = (path: string, content: string) => {
      mkdirSync(join(origin.root, path, '..'), { recursive: true });
      writeFileSync(origin.path(path), content);
    };
    write('nx.json', JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }] }, null, 2));
    write(
      'apps/svc/Dockerfile',
      'FROM python:3.11-slim\nCOPY run.py /run.py\nUSER 1000:1000\nEXPOSE 8080\nHEALTHCHECK CMD ["python", "-c", "print(1)"]\nCMD ["python", "/run.py"]\n',
    );
    write('apps/svc/run.py', 'print("svc")\n');
    write('apps/svc/.dockerignore', '.git\n.env\n');
    write('apps/svc/janus.json', '{}\n');
    write(
      'apps/svc/project.json',
      JSON.stringify({ name: 'svc', targets: { 'docker-build': { options: { image, registry: '', platforms: 'linux/amd64' } } } }),
    );
    write('.gitignore', 'node_modules\ndist\n.nx\n');
    await initGitRepo(origin.root);
  });

  afterAll(async () => {
    await cache?.close();
    await removeImages(image);
    origin.dispose();
    rmSync(clones, { recursive: true, force: true });
    rmSync(storage, { recursive: true, force: true });
  });

  it('a second clone restores what the first one stored, without running the task', async () => {
    const first = await nxRun(await cloneOf('machine-1'), writeToken);
    expect(first).not.toMatch(/remote cache/);
    expect(entries()).toHaveLength(1);
    expect(cache.stats.writes).toBe(1);

    const second = await nxRun(await cloneOf('machine-2'), writeToken);
    expect(second).toMatch(/\[remote cache\]/);
    expect(cache.stats.hits).toBe(1);
    expect(entries()).toHaveLength(1);
  });

  it('a second clone restores docker-build (its build record) from the first clone, on the real engine', async () => {
    const first = await cloneOf('build-1');
    expect(await nxRun(first, writeToken, 'svc:docker-build')).toMatch(/Successfully ran target docker-build/);
    const stored = cache.stats.writes;
    const second = await cloneOf('build-2');
    expect(await nxRun(second, writeToken, 'svc:docker-build')).toMatch(/\[remote cache\]/);
    expect(cache.stats.writes).toBe(stored);
    expect(readFileSync(join(second, 'dist/docker/svc/metadata.json'), 'utf8')).toBe(readFileSync(join(first, 'dist/docker/svc/metadata.json'), 'utf8'));
  });

  it('a pull-request run with the read-only token restores from the cache and writes nothing to it', async () => {
    const pr = await cloneOf('pull-request');
    expect(await nxRun(pr, readToken)).toMatch(/\[remote cache\]/);
    // The PR changes the Dockerfile: a new hash, run for real, and refused by the server when Nx offers it.
    appendFileSync(join(pr, 'apps/svc/Dockerfile'), '# changed by the pull request\n');
    const before = entries();
    const changed = await nxRun(pr, readToken);
    expect(changed).toMatch(/Successfully ran target dockerfile-lint/);
    expect(changed).not.toMatch(/remote cache\]/);
    expect(cache.stats.refusedWrites).toBe(1);
    expect(entries()).toEqual(before);
    expect(existsSync(join(storage, 'incoming')) && readdirSync(join(storage, 'incoming'))).toEqual([]);
  });

  it('serves nx promptly while another client has frozen mid-upload, and drops that upload at its deadline', async () => {
    // A client that sent half an entry and stopped (a runner that froze or lost its network).
    const frozen = connect(Number(new URL(cache.url).port), '127.0.0.1');
    frozen.on('error', () => undefined);
    // Read what the server answers (a 408 when Node's request deadline ends it): a socket nobody reads never sees
    // the end behind that answer, so it would sit in CLOSE-WAIT and look as if the server had not let go.
    frozen.resume();
    const dropped = new Promise<void>((resolve) => frozen.on('close', () => resolve()));
    frozen.write(`PUT /v1/cache/4242 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${writeToken}\r\nContent-Length: 100000\r\n\r\npartial`);
    const t0 = Date.now();
    expect(await nxRun(await cloneOf('beside-a-frozen-client'), writeToken)).toMatch(/Successfully ran target dockerfile-lint/);
    // Bound, not a timing target: nx must not wait on the frozen client's upload at all.
    expect(Date.now() - t0).toBeLessThan(60_000);
    await dropped;
    // The client sees its socket close before the server's upload pipeline has settled and removed the partial file.
    for (let i = 0; i < 50 && readdirSync(join(storage, 'incoming')).length; i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(storage, 'incoming'))).toEqual([]);
    expect(existsSync(join(storage, '4242'))).toBe(false);
  }, 120_000);

  it('restores nothing damaged: a corrupted entry is a miss, so nx runs the task and stores it again', async () => {
    const clone = await cloneOf('after-corruption');
    // Every stored entry damaged on disk, as a failing disk or a hand edit would leave them.
    for (const entry of entries()) writeFileSync(join(storage, entry), 'not a tar at all');
    const out = await nxRun(clone, writeToken);
    expect(out).toMatch(/Successfully ran target dockerfile-lint/);
    expect(out).not.toMatch(/\[remote cache\]/);
    expect(cache.stats.corrupt).toBe(1);
    // The damaged entry was replaced by the task's fresh outputs, which the next machine restores.
    expect(await nxRun(await cloneOf('after-corruption-2'), writeToken)).toMatch(/\[remote cache\]/);
  });

  it("a wrong token fails the run with the server's message, and nothing is stored", async () => {
    // Nx treats a 401 as a misconfiguration and stops, showing the server's text/plain answer.
    const before = entries();
    await expect(nxRun(await cloneOf('stranger'), 'not-a-token-anyone-was-given')).rejects.toThrow(/invalid bearer token/);
    expect(entries()).toEqual(before);
  });
});
