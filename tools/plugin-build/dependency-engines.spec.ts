import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enginesConflicts } from './dependency-engines';
import { REPO_ROOT } from '../repo-root';

describe("the plugin's installed dependencies and its engines.node", () => {
  it('admit every Node the plugin claims (the tree installed here, production dependencies only)', () => {
    // Fails with e.g. eventsource-parser@4.1.3 (engines >=22.12) while the plugin claims >=20.19.
    expect(enginesConflicts(join(REPO_ROOT, 'libs/janus'))).toEqual([]);
  });

  describe('on a made-up tree', () => {
    const root = mkdtempSync(join(tmpdir(), 'janus-engines-'));
    const pkg = (dir: string, manifest: object) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest));
    };
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    it('names a transitive dependency whose engines exclude part of the claimed range, and skips absent optional ones', () => {
      pkg(join(root, 'plugin'), {
        name: 'p',
        version: '1.0.0',
        engines: { node: '>=20.19' },
        dependencies: { a: '1' },
        optionalDependencies: { 'other-platform': '1' },
      });
      pkg(join(root, 'node_modules/a'), { name: 'a', version: '1.0.0', engines: { node: '>=18' }, dependencies: { b: '1' } });
      pkg(join(root, 'node_modules/b'), { name: 'b', version: '4.1.3', engines: { node: '>=22.12' } });
      expect(enginesConflicts(join(root, 'plugin'))).toEqual([{ pkg: 'b@4.1.3', path: 'p > a > b', engines: '>=22.12' }]);
    });
  });
});
