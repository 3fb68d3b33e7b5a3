import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { CommandError, runCommand } from '../../process/run-command';
import { TempWorkspace } from '../../../../janus-testing/src/temp-workspace';
import { REPO_ROOT } from '../../../../../tools/repo-root';
import { nxCliEnv } from '../../../../janus-testing/src/nx-cli-env';

// `nx sync:check` is CI's gate on managed files (Nx 23.2.1, the workspace's own nx). It must fail whenever a
// managed file cannot be checked, not only when it would write something, and list the regions it keeps. One
// workspace walks through the broken states in turn, each put back before the next, so it costs one setup.
describe('nx sync:check gates broken managed files', () => {
  const ws = new TempWorkspace('janus-sync-gate-');
  // Isolated as users run it: the messages this gate prints cross the plugin worker's boundary.
  const env = nxCliEnv({}, { isolatePlugins: true });
  const nx = async (args: string[]) => {
    const result = await runCommand(join(REPO_ROOT, 'node_modules/.bin/nx'), args, { cwd: ws.root, env }).catch((e: unknown) => {
      if (e instanceof CommandError) return e.result;
      throw e;
    });
    return { code: result.code, output: stripVTControlCharacters(result.stdout + result.stderr) };
  };
  const read = (path: string) => readFileSync(ws.path(path), 'utf8');
  const write = (path: string, text: string) => writeFileSync(ws.path(path), text);
  /** Runs `edit`, checks, then puts the file back as it was. */
  const broken = async (path: string, edit: (text: string) => string) => {
    const before = read(path);
    write(path, edit(before));
    try {
      return await nx(['sync:check']);
    } finally {
      write(path, before);
    }
  };

  beforeAll(async () => {
    writeFileSync(ws.path('nx.json'), JSON.stringify({ plugins: [{ plugin: 'janus/plugin', options: { platforms: 'linux/amd64' } }] }, null, 2));
    const generated = await nx(['g', 'janus:baseline', 'agent-a', '--no-interactive']);
    if (generated.code !== 0) throw new Error(generated.output);
  });
  afterAll(() => ws.dispose());

  it('passes on a fresh project, and lists a region kept because of a hand edit', async () => {
    expect(await nx(['sync:check'])).toMatchObject({ code: 0 });
    const check = await broken('apps/agent-a/Dockerfile', (t) => t.replace('--start-period=10s', '--start-period=20s'));
    expect(check.output).toMatch(/kept apps\/agent-a\/Dockerfile:\d+: healthcheck: edited in the project/);
    expect(check.code).toBe(0);
  });

  it('fails on a deleted janus:end marker and on a malformed janus:begin marker, naming file and line', async () => {
    const noEnd = await broken('apps/agent-a/Dockerfile', (t) => t.replace(/^# janus:end healthcheck\n/m, ''));
    expect(noEnd.output).toMatch(/apps\/agent-a\/Dockerfile:\d+: janus:begin healthcheck is never closed/);
    expect(noEnd.code).not.toBe(0);
    const badBegin = await broken('apps/agent-a/Dockerfile', (t) => t.replace(/^# janus:begin healthcheck [0-9a-f]{12}$/m, '# janus:begin healthcheck'));
    expect(badBegin.output).toMatch(/apps\/agent-a\/Dockerfile:\d+: malformed begin marker/);
    expect(badBegin.code).not.toBe(0);
  });

  it('fails on an unknown template in janus.json, naming janus.json', async () => {
    const check = await broken('apps/agent-a/janus.json', (t) => t.replace('"baseline"', '"nonesuch"'));
    expect(check.output).toMatch(/apps\/agent-a\/janus\.json is not valid: 'template' = "nonesuch"/);
    expect(check.code).not.toBe(0);
  });

  it('fails when a templatesDir override has a partial that does not parse', async () => {
    mkdirSync(ws.path('tools/janus-templates/partials'), { recursive: true });
    write('tools/janus-templates/partials/healthcheck.hbs', 'HEALTHCHECK {{#if healthcheck}} CMD ["true"]\n');
    const check = await broken('nx.json', (t) => {
      const nxJson = JSON.parse(t);
      nxJson.plugins[0].options.templatesDir = 'tools/janus-templates';
      return JSON.stringify(nxJson);
    });
    expect(check.output).toMatch(/agent-a: cannot render baseline from apps\/agent-a\/janus\.json/);
    expect(check.code).not.toBe(0);
  });

  it('keeps the graph on a janus.json cut to 100 bytes: its targets and sync:check fail naming janus.json', async () => {
    const before = read('apps/agent-a/janus.json');
    write('apps/agent-a/janus.json', before.slice(0, 100));
    try {
      const projects = await nx(['show', 'projects']);
      expect(projects).toMatchObject({ code: 0 });
      expect(projects.output).toContain('agent-a');
      const lint = await nx(['run', 'agent-a:dockerfile-lint', '--output-style=stream']);
      expect(lint.output).toMatch(/janus: apps\/agent-a\/janus\.json is not valid JSON/);
      expect(lint.output).not.toMatch(/Dockerfile:/);
      expect(lint.code).not.toBe(0);
      const check = await nx(['sync:check']);
      expect(check.output).toMatch(/agent-a: apps\/agent-a\/janus\.json is not valid JSON/);
      expect(check.code).not.toBe(0);
    } finally {
      write('apps/agent-a/janus.json', before);
    }
    expect(await nx(['sync:check'])).toMatchObject({ code: 0 });
  });
});
