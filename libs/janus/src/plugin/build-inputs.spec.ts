import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { contextFilesRead } from './context-files';
import { dockerfileSources } from './dockerfile-sources';
import { DEFAULT_PLUGIN_OPTIONS } from './plugin-defaults';
import { normalizePluginOptions } from '../workspace/plugin-options';

describe('what a Dockerfile reads', () => {
  it('lists base images and context sources, leaving out stages, scratch, --from copies and URLs', () => {
    const s = dockerfileSources(
      [
        'ARG BASE=python:3.11-slim',
        'FROM ${BASE} AS builder',
        'COPY pyproject.toml docker/req.py ./',
        'FROM scratch AS empty',
        'FROM builder',
        'COPY --from=builder /opt/venv /opt/venv',
        'COPY --chown=1000:1000 ["app dir/", "/app/"]',
        'ADD https://example.com/x.tgz /x',
        'ARG EXTRA',
        'COPY ${EXTRA} /extra',
      ].join('\n'),
    );
    expect(s.baseImages).toEqual(['python:3.11-slim']);
    expect(s.contextSources).toEqual(['pyproject.toml', 'docker/req.py', 'app dir/']);
    expect(s.unresolved).toEqual(['${EXTRA}']);
  });

  it('resolves a build arg given in the options', () => {
    expect(dockerfileSources('FROM a:1\nARG SRC\nCOPY ${SRC} /x', { SRC: 'lib' }).contextSources).toEqual(['lib']);
  });
});

describe('context files a build reads', () => {
  let ctx: string;
  const write = (path: string) => {
    mkdirSync(dirname(join(ctx, path)), { recursive: true });
    writeFileSync(join(ctx, path), path);
  };
  beforeEach(() => {
    ctx = mkdtempSync(join(tmpdir(), 'janus-ctx-'));
    for (const f of [
      'app/main.py',
      'app/__pycache__/main.pyc',
      'app/debug.log',
      'README.md',
      'pyproject.toml',
      'docs/x.md',
      'lib/a.txt',
      'lib/b.bin',
      '.git/HEAD',
    ])
      write(f);
    writeFileSync(join(ctx, '.dockerignore'), '**/__pycache__\napp/*.log\n*.md\n!README.md\n');
  });
  afterEach(() => rmSync(ctx, { recursive: true, force: true }));

  it('is what COPY names, after .dockerignore (exceptions included), and nothing else', () => {
    expect(contextFilesRead(ctx, ['app', 'pyproject.toml', 'lib/*.txt'], []).files).toEqual(['app/main.py', 'lib/a.txt', 'pyproject.toml']);
  });

  it('counts a README only when a COPY names it', () => {
    expect(contextFilesRead(ctx, ['.'], []).files).toContain('README.md');
    expect(contextFilesRead(ctx, ['app'], []).files).not.toContain('README.md');
    // Docker anchors `*.md` at the context root: docs/x.md is sent, exactly as the engine would send it.
    expect(contextFilesRead(ctx, ['docs'], []).files).toEqual(['docs/x.md']);
  });

  it('takes the whole (sent) context for a source only a build arg can name, and flags sources outside it', () => {
    expect(contextFilesRead(ctx, [], ['${X}']).files).toEqual([
      '.dockerignore',
      'README.md',
      'app/main.py',
      'docs/x.md',
      'lib/a.txt',
      'lib/b.bin',
      'pyproject.toml',
    ]);
    expect(contextFilesRead(ctx, ['../secrets', 'app'], []).problems).toEqual(['COPY/ADD of "../secrets" reads outside the build context']);
  });
});

describe('plugin options', () => {
  it.each([
    [{ include: ['/abs/Dockerfile'] }, /'include.0' = "\/abs\/Dockerfile": must be relative/],
    [{ include: ['../x/Dockerfile'] }, /must stay inside the workspace/],
    [{ include: ['apps/x/README.md'] }, /must name Dockerfiles/],
    [{ targetNames: { build: 'Bad Name' } }, /'targetNames.build' = "Bad Name": must be a target name/],
    [{ bogus: 1 }, /unknown option\(s\) 'bogus'/],
  ])('rejects %j clearly', (raw, message) => {
    expect(() => normalizePluginOptions(raw)).toThrow(message);
  });
  it('has defaults equal to what the schema gives empty options (the zod-free copy cannot drift)', () => {
    expect(DEFAULT_PLUGIN_OPTIONS).toEqual(normalizePluginOptions({}));
    expect(normalizePluginOptions(undefined).targetNames.build).toBe('docker-build');
  });
});
