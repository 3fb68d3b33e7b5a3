import { logger } from '@nx/devkit';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertEngineRunning } from '../../engine/docker-client';
import {
  ATTESTATION_MANIFEST,
  type InTotoStatement,
  readAttestations,
  REFERENCE_DIGEST_ANNOTATION,
  REFERENCE_TYPE_ANNOTATION,
} from '../../registry/attestation-manifest';
import { MediaType } from '../../oci/media-types';
import { RegistryClient } from '../../registry/registry-client';
import { runCommand } from '../../process/run-command';
import { initGitRepo } from '../../../../janus-testing/src/git-repo';
import { executorContext } from '../../../../janus-testing/src/executor-context';
import { removeImages } from '../../../../janus-testing/src/test-images';
import { TestRegistry } from '../../../../janus-testing/src/test-registry';
import imageReportExecutor from '../image-report/executor';
import dockerBuildExecutor from './executor';

// A Python agent image in the shape of the baselines (venv built on the build platform, copied onto the base),
// published with its attestations to a registry of the spec's own, then read back from that registry only.
const DOCKERFILE = `FROM --platform=$BUILDPLATFORM python:3.11-slim AS builder
WORKDIR /src
RUN python -m venv --system-site-packages /opt/venv
COPY pyproject.toml ./
COPY agentapp ./agentapp
RUN /opt/venv/bin/pip install --no-cache-dir --no-build-isolation --no-deps .
FROM python:3.11-slim
COPY --from=builder /opt/venv /opt/venv
`;
const PYPROJECT = `[project]
name = "agentapp"
version = "0.3.1"
license = { text = "MIT" }
dependencies = ["fastapi", "uvicorn"]
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"
`;

interface CdxComponent {
  name: string;
  version: string;
  purl: string;
  properties?: Array<{ name: string; value: string }>;
}

describe('SBOM and provenance attestations, read back from a real registry', () => {
  const registry = new TestRegistry();
  const ws = mkdtempSync(join(tmpdir(), 'janus-attest-'));
  const image = `janus-test/attest-${randomBytes(3).toString('hex')}`;
  const ctx = executorContext(ws, 'agent', 'apps/agent');
  const client = () => RegistryClient.forHost(registry.host, { retries: 0 });
  const repo = () => `${registry.host}/${image}`;
  let sha = '';
  let errors: string[] = [];
  let infos: string[] = [];

  const git = (...args: string[]) => runCommand('git', ['-c', 'user.name=t', '-c', 'user.email=t@janus.invalid', ...args], { cwd: ws });
  /** Commits a Dockerfile change, so the build is of a clean tree (a dirty one is not pushed). */
  const dockerfile = async (extra: string) => {
    writeFileSync(join(ws, 'apps/agent/Dockerfile'), DOCKERFILE + extra);
    await git('commit', '-qam', `dockerfile: ${extra.trim() || 'plain'}`);
    sha = (await git('rev-parse', 'HEAD')).stdout.trim();
  };
  const build = (tag: string, extra: Record<string, unknown> = {}) =>
    dockerBuildExecutor({ image, registry: registry.host, platforms: 'linux/amd64', push: true, deriveTags: false, tags: [tag], lint: false, ...extra }, ctx);

  /** Per platform of the index under `tag`: its digest and the statements its attestation manifest holds. */
  const attestations = async (tag: string) => {
    const index = await client().getManifest(image, tag);
    expect(index.mediaType).toBe(MediaType.ociIndex);
    const entries = index.json.manifests as Array<{ digest: string; platform: { os: string; architecture: string }; annotations?: Record<string, string> }>;
    const out = new Map<string, { digest: string; sbom?: InTotoStatement; provenance?: InTotoStatement }>();
    for (const e of entries.filter((m) => m.platform.os !== 'unknown')) {
      const att = entries.find((m) => m.annotations?.[REFERENCE_DIGEST_ANNOTATION] === e.digest);
      expect(att).toMatchObject({ platform: { os: 'unknown', architecture: 'unknown' }, annotations: { [REFERENCE_TYPE_ANNOTATION]: ATTESTATION_MANIFEST } });
      const statements = await readAttestations(client(), image, att!.digest);
      for (const s of statements) expect(s.subject[0].digest.sha256).toBe(e.digest.replace('sha256:', ''));
      out.set(`${e.platform.os}/${e.platform.architecture}`, {
        digest: e.digest,
        sbom: statements.find((s) => s.predicateType === 'https://cyclonedx.org/bom'),
        provenance: statements.find((s) => s.predicateType === 'https://slsa.dev/provenance/v1'),
      });
    }
    return out;
  };
  const components = (s?: InTotoStatement) => ((s?.predicate as { components?: CdxComponent[] })?.components ?? []) as CdxComponent[];
  const kind = (c: CdxComponent) => c.properties?.find((p) => p.name === 'janus:package-type')?.value;
  /** What the image itself says is installed (run once, only to check the SBOM against it). */
  const installed = async (ref: string, platform: string) => {
    const script =
      "import platform, importlib.metadata as m; print(platform.python_version(), m.version('fastapi'), m.version('uvicorn'), m.version('agentapp'))";
    const { stdout } = await runCommand('docker', ['run', '--rm', '--platform', platform, ref, '/opt/venv/bin/python', '-c', script]);
    const [python, fastapi, uvicorn, agentapp] = stdout.trim().split(' ');
    return { python, fastapi, uvicorn, agentapp };
  };

  beforeAll(async () => {
    await assertEngineRunning();
    await registry.start();
    mkdirSync(join(ws, 'apps/agent/agentapp'), { recursive: true });
    writeFileSync(join(ws, 'apps/agent/pyproject.toml'), PYPROJECT);
    writeFileSync(join(ws, 'apps/agent/agentapp/__init__.py'), '');
    writeFileSync(join(ws, 'apps/agent/Dockerfile'), DOCKERFILE);
    sha = await initGitRepo(ws);
  });
  beforeEach(() => {
    errors = [];
    infos = [];
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void infos.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    await removeImages(repo());
    await registry.stop();
    rmSync(ws, { recursive: true, force: true });
  });

  it('per platform: an SBOM listing the interpreter, the web server and the app with the versions installed, and provenance naming the commit and base digests', async () => {
    expect((await build('v1', { platforms: 'linux/amd64,linux/arm64' })).success).toBe(errors.length === 0 || errors.join('\n'));
    const base = await RegistryClient.forHost('127.0.0.1:5000').headManifest('library/python', '3.11-slim');
    const found = await attestations('v1');
    expect([...found.keys()].sort()).toEqual(['linux/amd64', 'linux/arm64']);
    for (const [platform, { digest, sbom, provenance }] of found) {
      const has = installed(`${repo()}@${digest}`, platform);
      const list = components(sbom);
      const { python, fastapi, uvicorn, agentapp } = await has;
      const named = (ecosystem: string, name: string) => list.filter((c) => kind(c) === ecosystem && c.name === name).map((c) => c.version);
      expect(named('deb', 'python3.11')[0]).toMatch(new RegExp(`^${python.replace(/\./g, '\\.')}-`));
      expect(named('binary', 'python')).toEqual([python]);
      expect(named('python', 'fastapi')).toEqual([fastapi]);
      expect(named('python', 'uvicorn')).toEqual([uvicorn]);
      expect(named('deb', 'python3-uvicorn')[0]).toMatch(new RegExp(`^${uvicorn.replace(/\./g, '\\.')}-`));
      expect(named('python', 'agentapp')).toEqual([agentapp]);
      const arch = platform.split('/')[1];
      expect(list.find((c) => c.name === 'python3.11' && kind(c) === 'deb')?.purl).toContain(`arch=${arch}`);

      const p = provenance!.predicate as {
        buildDefinition: { externalParameters: { source: { commit: string } }; resolvedDependencies: Array<{ uri: string; digest: Record<string, string> }> };
        runDetails: { metadata: { startedOn: string; finishedOn: string } };
      };
      expect(p.buildDefinition.externalParameters.source.commit).toBe(sha);
      expect(p.buildDefinition.resolvedDependencies).toContainEqual({ uri: `git+unknown@${sha}`, digest: { gitCommit: sha } });
      const bases = p.buildDefinition.resolvedDependencies.filter((d) => d.uri.startsWith('pkg:docker/'));
      expect(bases.map((b) => `sha256:${b.digest.sha256}`)).toContain(base!.digest);
      expect(Date.parse(p.runDetails.metadata.finishedOn)).toBeGreaterThanOrEqual(Date.parse(p.runDetails.metadata.startedOn));
    }
    expect(infos.join('\n')).toMatch(/sbom {4}linux\/amd64: \d+ packages/);
  }, 600_000);

  it('image-report prints, from the registry, each platform with its size, SBOM package counts and provenance', async () => {
    expect((await imageReportExecutor({}, ctx)).success).toBe(errors.length === 0 || errors.join('\n'));
    const out = infos.join('\n');
    for (const platform of ['linux/amd64', 'linux/arm64'])
      expect(out).toMatch(new RegExp(`${platform}  sha256:[0-9a-f]{64}  [0-9.]+ [kMG]B compressed in \\d+ layers`));
    expect(out).toMatch(/sbom {8}\d+ packages \(1 binary, \d+ deb, \d+ python\)/);
    expect(out).toContain(`provenance  commit ${sha}`);
    expect(out).toMatch(/base .*python:3\.11-slim@sha256:[0-9a-f]{64}/);
  });

  it('a package removed from the image is no longer in its SBOM', async () => {
    await dockerfile('RUN dpkg --purge --force-depends python3-uvicorn\n');
    expect((await build('v2')).success).toBe(errors.length === 0 || errors.join('\n'));
    const list = components((await attestations('v2')).get('linux/amd64')!.sbom);
    expect(list.filter((c) => /uvicorn/.test(c.name))).toEqual([]);
    expect(list.some((c) => c.name === 'fastapi')).toBe(true);
  }, 600_000);

  it('an image with a package database janus cannot read fails the build naming layer and path, and publishes nothing; sbom: false builds it and says so', async () => {
    await dockerfile('RUN mkdir -p /var/lib/rpm && echo db > /var/lib/rpm/rpmdb.sqlite\n');
    expect((await build('v3')).success).toBe(false);
    expect(errors.join('\n')).toMatch(
      /\[linux\/amd64\] cannot produce the SBOM: layer sha256:[0-9a-f]{64}, path \/var\/lib\/rpm\/rpmdb\.sqlite: a package database janus does not read/,
    );
    expect(await client().headManifest(image, 'v3')).toBeNull();

    errors = [];
    expect((await build('v3', { sbom: false })).success).toBe(errors.length === 0 || errors.join('\n'));
    expect(infos.join('\n')).toContain('sbom    off (sbom: false)');
    const { sbom, provenance } = (await attestations('v3')).get('linux/amd64')!;
    expect(sbom).toBeUndefined();
    expect(provenance).toBeDefined();
  }, 600_000);
});
