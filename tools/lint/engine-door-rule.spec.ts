import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

// ESLint's API on the workspace's own config, in a child process: the config is an ES module, which jest's
// CommonJS runtime cannot import. Type-aware rules are off (they need a TypeScript program and say nothing
// about imports), so this stays a unit spec.
const LINT = `
import { ESLint } from 'eslint';
const cases = JSON.parse(await new Promise((r) => { let s = ''; process.stdin.on('data', (c) => (s += c)).on('end', () => r(s)); }));
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false, project: null } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off', '@typescript-eslint/await-thenable': 'off' },
  },
});
const out = [];
for (const c of cases) {
  const [result] = await eslint.lintText(c.text, { filePath: c.filePath });
  out.push(result.messages.filter((m) => m.ruleId === 'no-restricted-syntax' || m.fatal).map((m) => m.line + ': ' + m.message));
}
process.stdout.write(JSON.stringify(out));
`;

/** The engine-door messages for each file as it is with one line put in front. */
function doorMessages(cases: Array<{ file: string; line: string }>): string[][] {
  const input = cases.map(({ file, line }) => ({ filePath: join(ROOT, file), text: `${line}\n${readFileSync(join(ROOT, file), 'utf8')}` }));
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', LINT], { cwd: ROOT, input: JSON.stringify(input), encoding: 'utf8' });
  return JSON.parse(out) as string[][];
}

describe('the engine-door lint rule', () => {
  const executor = 'libs/janus/src/executors/docker-stop/executor.ts';
  const loads = [
    "import type Docker from 'dockerode';",
    "import Docker from 'dockerode';",
    "const Docker = require('dockerode');",
    "import Docker = require('dockerode');",
    "export { default } from 'dockerode';",
    "const load = () => import('dockerode');",
  ];

  it('fails an executor that loads dockerode in any form, passes it as it is, and lets engine/ load it', () => {
    const results = doorMessages([
      ...loads.map((line) => ({ file: executor, line })),
      { file: executor, line: '' },
      { file: 'libs/janus/src/engine/docker-engine.ts', line: "import Docker2 from 'dockerode';" },
    ]);
    const door = /^1: dockerode is loaded only inside engine\/: use the ContainerEngine façade/;
    loads.forEach((line, i) => expect({ line, messages: results[i] }).toEqual({ line, messages: [expect.stringMatching(door)] }));
    expect(results.slice(loads.length)).toEqual([[], []]);
  }, 120_000);
});
