import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { REPO_ROOT } from '../repo-root';
import { plugin } from './janus-layers';

// Lints a file of the plugin with one import added, as ESLint's API sees it: the rule reads the rest of the plugin
// from disk, so a loop through files that exist is found from the one import that closes it.
const linter = new Linter({ cwd: REPO_ROOT });
const config: Linter.Config[] = [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser }, plugins: { janus: plugin }, rules: { 'janus/layers': 'error' } },
];
const SRC = 'libs/janus/src';

async function layerProblems(path: string, extraImport: string): Promise<string[]> {
  const text = `${extraImport}\n${readFileSync(join(REPO_ROOT, SRC, path), 'utf8')}`;
  const messages = linter.verify(text, config, { filename: join(REPO_ROOT, SRC, path) });
  return messages.map((m) => m.message);
}

describe('janus/layers lint rule', () => {
  it('passes the plugin as it is', async () => {
    expect(await layerProblems('engine/image-store.ts', '')).toEqual([]);
  });

  it('fails an engine/ file that imports image/ (a floor up)', async () => {
    expect(await layerProblems('engine/image-store.ts', "import { buildSummary } from '../image/build-summary';\nvoid buildSummary;")).toEqual([
      expect.stringMatching(/^engine \(floor 3\) imports image \(floor 4\): an import only points down/),
    ]);
  });

  it('fails oci/ importing anything of the plugin', async () => {
    expect(await layerProblems('oci/platform.ts', "import { runCommand } from '../process/run-command';\nvoid runCommand;")).toEqual([
      expect.stringMatching(/^oci \(floor 0\) imports process \(floor 1\)/),
    ]);
  });

  it('fails registry/ importing engine/: side by side, neither imports the other', async () => {
    expect(await layerProblems('registry/base-layers.ts', "import { engineMirrors } from '../engine/image-store';\nvoid engineMirrors;")).toEqual([
      expect.stringMatching(/^registry imports engine: the two stand side by side/),
    ]);
  });

  it('fails the plugin importing a test helper', async () => {
    expect(
      await layerProblems('engine/image-store.ts', "import { TempWorkspace } from '../../../janus-testing/src/temp-workspace';\nvoid TempWorkspace;"),
    ).toEqual(['the plugin imports only its own src, not libs/janus-testing/src/temp-workspace.ts: test helpers live in libs/janus-testing, tools in tools/.']);
  });

  it('fails an import that closes a loop of files', async () => {
    // base-layers imports registry-client; registry-client importing base-layers closes the loop.
    expect(await layerProblems('registry/registry-client.ts', "import { baseImageParts } from './base-layers';\nvoid baseImageParts;")).toEqual([
      'import cycle: registry/registry-client.ts → registry/base-layers.ts → registry/registry-client.ts',
    ]);
  });

  it('fails an import that closes a loop of folders on one floor', async () => {
    // migrations/0-2-0 imports generators/init; a generator importing a migration makes the two folders a loop.
    expect(await layerProblems('generators/init/generator.ts', "import { default as m } from '../../migrations/0-3-0/machine-settings';\nvoid m;")).toEqual([
      expect.stringMatching(/^folder cycle: generators\/ → migrations\/ → generators\//),
    ]);
  });
});
