import { addProjectConfiguration, logger } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import dockerRun from '../executors/docker-run/executor';
import { schema as dockerBuildSchema } from '../executors/docker-build/options-schema';
import { schema as contractTestSchema } from '../executors/contract-test/options-schema';
import dockerfileLint from '../executors/dockerfile-lint/executor';
import { deployGenerator } from '../generators/deploy/generator';
import { redactBuildArgs } from '../image/build-record';
import { envEntry } from '../rendering/baseline-context';
import { executorContext } from '../../../janus-testing/src/executor-context';
import { parseOptions } from './parse-options';

// A recognisable secret value fed through every path that refuses secret-looking input: the refusal names the
// key and says why, and the value appears nowhere in what is printed (CI keeps its logs).
const SECRET = 'sk-live-JANUS-CANARY-7f3a9c';

/** What parsing `raw` with `schema` says, or '' when it is accepted. */
function refusal(schema: z.ZodType, raw: unknown): string {
  try {
    parseOptions(schema, raw, 'test');
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

describe('no secret value in any refusal', () => {
  let out: string[];
  beforeEach(() => {
    out = [];
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void out.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation((m: unknown) => void out.push(String(m)));
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void out.push(String(m)));
    jest.spyOn(process.stdout, 'write').mockImplementation((m: string | Uint8Array) => (out.push(String(m)), true));
  });
  afterEach(() => jest.restoreAllMocks());

  it('docker-build labels and build args: named, with why, value hidden', () => {
    const text = refusal(dockerBuildSchema, { labels: { API_TOKEN: SECRET }, buildArgs: { NPM_TOKEN: SECRET } });
    expect(text).toContain("'labels.API_TOKEN' = (value not shown: its name looks secret): secret-looking labels are readable by anyone");
    expect(text).toContain("'buildArgs.NPM_TOKEN' = (value not shown: its name looks secret): secret-looking build args end up in the image history");
    expect(text).not.toContain(SECRET);
  });

  it('docker-build secrets and contract-test buildSecrets and env of the wrong type: value hidden', () => {
    const text = [
      refusal(dockerBuildSchema, { secrets: [{ value: SECRET }] }),
      refusal(contractTestSchema, { buildSecrets: [{ value: SECRET }], env: { API_KEY: [SECRET], PLAIN: { PASSWORD: SECRET } } }),
    ].join('\n');
    expect(text).toMatch(/'secrets' = \(value not shown/);
    expect(text).toMatch(/'buildSecrets' = \(value not shown/);
    expect(text).toMatch(/'env\.API_KEY' = \(value not shown/);
    expect(text).toMatch(/'env\.PLAIN' = \{"PASSWORD":"…"\}/);
    expect(text).not.toContain(SECRET);
  });

  it('a template env entry with a secret-looking name and a value: named, value elided', () => {
    const text = refusal(z.object({ env: z.array(envEntry) }), { env: [{ key: 'API_TOKEN', value: SECRET }] });
    expect(text).toContain(`'env.0' = {"key":"API_TOKEN","value":"…"}: secret-looking variables must not get a value in the image`);
    expect(text).not.toContain(SECRET);
  });

  it('docker-run env through the executor: refused before anything starts, value hidden', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'janus-secret-run-'));
    try {
      expect((await dockerRun({ env: { CHUTES_API_KEY: 42, LOG: `API_TOKEN=${SECRET}` } } as never, executorContext(ws, 'p', 'apps/p'))).success).toBe(false);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
    // LOG's value is not secret by name, but an assignment to a secret-looking name inside it is elided too.
    expect(out.join('\n')).toMatch(/'env\.CHUTES_API_KEY' = \(value not shown: its name looks secret\)/);
    expect(out.join('\n')).not.toContain(SECRET);
  });

  it('deploy env entries: named, value elided', async () => {
    const tree = createTreeWithEmptyWorkspace();
    addProjectConfiguration(tree, 'agent', { root: 'apps/agent' });
    tree.write(
      'apps/agent/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 8080, baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
    const messages: string[] = [];
    for (const env of [[`API_TOKEN=${SECRET}`], [`API_TOKEN=${SECRET}\nX`]]) {
      await deployGenerator(tree, { project: 'agent', env, skipFormat: true }).catch((e: Error) => messages.push(e.message));
    }
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain(`'env' = "API_TOKEN=…": API_TOKEN looks like a secret`);
    expect(messages[1]).toContain(`"API_TOKEN=…"`);
    expect(messages.join('\n')).not.toContain(SECRET);
  });

  it('dockerfile-lint no-secret-values in text, JSON and SARIF: the key named, the value nowhere', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'janus-secret-lint-'));
    try {
      mkdirSync(join(ws, 'apps/a'), { recursive: true });
      writeFileSync(
        join(ws, 'apps/a/Dockerfile'),
        `FROM python:3.11-slim\nARG NPM_TOKEN=${SECRET}\nENV API_TOKEN=${SECRET}\nLABEL db_password="${SECRET}"\nUSER 1000\nEXPOSE 8080\nHEALTHCHECK CMD ["true"]\nCMD ["python"]\n`,
      );
      writeFileSync(join(ws, 'apps/a/.dockerignore'), '.git\n.env\n');
      const context = executorContext(ws, 'a', 'apps/a');
      expect((await dockerfileLint({ port: 8080 } as never, context)).success).toBe(false);
      await dockerfileLint({ port: 8080, format: 'json' } as never, context);
      await dockerfileLint({ port: 8080, format: 'sarif', outputFile: 'lint.sarif' } as never, context);
      const text = out.join('\n') + readFileSync(join(ws, 'lint.sarif'), 'utf8');
      for (const key of ['ARG NPM_TOKEN', 'ENV API_TOKEN', 'LABEL db_password']) expect(text).toContain(`${key} has a value baked into the image`);
      expect(text).not.toContain(SECRET);
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });

  it('the build record keeps secret-looking build args redacted', () => {
    expect(JSON.stringify(redactBuildArgs({ NPM_TOKEN: SECRET, VERSION: '1' }))).toBe('{"NPM_TOKEN":"<redacted>","VERSION":"1"}');
  });
});
