import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertBuiltFromCurrentSources, type BuildStamp, buildStampPath, StaleBuildError } from './build-stamp';
import { digestSources, type SourceSet } from './source-digest';

const SOURCES: SourceSet = { include: ['lib', 'tsconfig.json'], exclude: ['\\.spec\\.ts$'] };

describe('a workspace build stamp', () => {
  let root: string;
  const packageRoot = () => join(root, 'dist/lib');
  const write = (rel: string, text: string) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  const stampNow = () => {
    const stamp: BuildStamp = { workspaceRoot: '..', sources: SOURCES, digests: digestSources(root, SOURCES), rebuild: 'npm run build:plugin' };
    mkdirSync(packageRoot(), { recursive: true });
    writeFileSync(buildStampPath(packageRoot()), JSON.stringify(stamp));
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'janus-stamp-'));
    write('lib/src/a.ts', 'export const a = 1;\n');
    write('lib/src/a.spec.ts', 'test\n');
    write('tsconfig.json', '{}\n');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('lives beside the package, not inside it, so a published package has none', () => {
    expect(buildStampPath('/w/dist/libs/janus')).toBe('/w/dist/libs/janus.build.json');
  });

  it('lets an unstamped (installed) package run', () => {
    expect(() => assertBuiltFromCurrentSources(join(root, 'node_modules/janus'))).not.toThrow();
  });

  it('lets a build run while its sources are as they were, whatever their modification times', () => {
    stampNow();
    utimesSync(join(root, 'lib/src/a.ts'), new Date(), new Date(Date.now() + 60_000));
    write('lib/src/a.ts', 'export const a = 1;\n');
    expect(() => assertBuiltFromCurrentSources(packageRoot())).not.toThrow();
  });

  it('ignores files the build does not use', () => {
    stampNow();
    write('lib/src/a.spec.ts', 'changed test\n');
    write('README.md', 'outside the set\n');
    expect(() => assertBuiltFromCurrentSources(packageRoot())).not.toThrow();
  });

  it('stops a build older than its sources, naming what changed and how to rebuild', () => {
    stampNow();
    write('lib/src/a.ts', 'export const a = 2;\n');
    write('lib/src/b.ts', 'export const b = 1;\n');
    rmSync(join(root, 'tsconfig.json'));
    let error: unknown;
    try {
      assertBuiltFromCurrentSources(packageRoot());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StaleBuildError);
    expect((error as Error).message).toContain('lib/src/a.ts (changed), lib/src/b.ts (added), tsconfig.json (removed)');
    expect((error as Error).message).toContain("rebuild it with 'npm run build:plugin'");
  });
});
