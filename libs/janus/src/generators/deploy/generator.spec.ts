import { addProjectConfiguration, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { OptionsError } from '../../schema/parse-options';
import { deployGenerator } from './generator';
import { parseUnit } from '../../../../janus-testing/src/systemd-unit';
import { updateScript } from './systemd-units';

describe('janus:deploy', () => {
  let tree: Tree;
  const files = (dir = 'deploy/agent') =>
    tree
      .children(dir)
      .sort()
      .map((f) => f);
  const read = (path: string) => tree.read(path, 'utf8')!;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    // The workspace's registry, as nx g janus:init --registry writes it.
    updateNxJson(tree, { plugins: [{ plugin: 'janus/plugin', options: { registry: 'localhost:5000' } }] });
    addProjectConfiguration(tree, 'agent', { root: 'apps/agent', targets: { 'docker-build': { options: { image: 'team/agent' } } } });
    tree.write(
      'apps/agent/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 8080, baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
    addProjectConfiguration(tree, 'base', { root: 'containers/base' });
    tree.write('containers/base/janus.json', JSON.stringify({ kind: 'base-image' }));
    addProjectConfiguration(tree, 'docs', { root: 'docs' });
    addProjectConfiguration(tree, 'odd', { root: 'apps/odd' });
    tree.write('apps/odd/janus.json', JSON.stringify({ kind: 'agent', options: { port: '80' } }));
  });

  it('writes the service, the update service and timer, the env template and a README', async () => {
    await deployGenerator(tree, { project: 'agent', skipFormat: true });
    expect(files()).toEqual(['README.md', 'janus-agent-update.service', 'janus-agent-update.timer', 'janus-agent.env', 'janus-agent.service']);
    const service = parseUnit(read('deploy/agent/janus-agent.service'));
    expect(service.Unit).toMatchObject({ Requires: ['docker.service'], After: ['network-online.target docker.service'] });
    expect(service.Service.ExecStartPre).toEqual(['-/usr/bin/docker rm --force janus-agent', '/usr/bin/docker pull localhost:5000/team/agent:latest']);
    expect(service.Service.Restart).toEqual(['on-failure']);
    expect(service.Install.WantedBy).toEqual(['multi-user.target']);
    const run = service.Service.ExecStart[0].split(' ');
    expect(run.slice(0, 2)).toEqual(['/usr/bin/docker', 'run']);
    expect(run.at(-1)).toBe('localhost:5000/team/agent:latest');
    for (const flag of [
      ['--cap-drop', 'ALL'],
      ['--security-opt', 'no-new-privileges'],
      ['--memory', '1g'],
      ['--memory-swap', '1g'],
      ['--read-only'],
      ['--tmpfs', '/tmp:rw,nosuid,nodev,size=64m'],
      ['--env-file', '/etc/janus/agent.env'],
      ['--network', 'bridge'],
      ['--publish', '127.0.0.1:8080:8080'],
    ]) {
      const at = run.indexOf(flag[0]);
      expect(run.slice(at, at + flag.length)).toEqual(flag);
    }
    const timer = parseUnit(read('deploy/agent/janus-agent-update.timer'));
    expect(timer.Timer).toMatchObject({ OnUnitActiveSec: ['5min'], Unit: ['janus-agent-update.service'] });
    expect(timer.Install.WantedBy).toEqual(['timers.target']);
    const update = parseUnit(read('deploy/agent/janus-agent-update.service'));
    expect(update.Service.Type).toEqual(['oneshot']);
    // systemd would expand a bare $: every $ of the script reaches sh doubled.
    expect(update.Service.ExecStart[0]).toContain('[ "$$before" = "$$after" ]');
    expect(update.Service.ExecStart[0]).not.toMatch(/(^|[^$])\$(?!\$)[a-z{(]/);
  });

  it('leaves secrets as placeholders in the env template and says how to install it privately', async () => {
    await deployGenerator(tree, { project: 'agent', env: ['CHUTES_API_KEY', 'TAVILY_API_KEY', 'LOG_LEVEL=DEBUG'], skipFormat: true });
    const env = read('deploy/agent/janus-agent.env');
    expect(env).toMatch(/^CHUTES_API_KEY=$/m);
    expect(env).toMatch(/^TAVILY_API_KEY=$/m);
    expect(env).toMatch(/^LOG_LEVEL=DEBUG$/m);
    expect(env).toContain('install -D -m 0600 -o root -g root janus-agent.env /etc/janus/agent.env');
    // The baseline's own defaults when env is not given.
    tree = createTreeWithEmptyWorkspace();
    // The workspace's registry, as nx g janus:init --registry writes it.
    updateNxJson(tree, { plugins: [{ plugin: 'janus/plugin', options: { registry: 'localhost:5000' } }] });
    addProjectConfiguration(tree, 'agent', { root: 'apps/agent' });
    tree.write(
      'apps/agent/janus.json',
      JSON.stringify({ template: 'baseline', options: { flavor: 'plain', port: 8080, baseImage: 'python:3.11-slim', uid: 1000 } }),
    );
    await deployGenerator(tree, { project: 'agent', skipFormat: true });
    expect(read('deploy/agent/janus-agent.env')).toMatch(/^# secret: fill in on the host only, never in git\nJANUS_LLM_API_KEY=$/m);
  });

  it('runs sibling containers on network none, publishing nothing', async () => {
    await deployGenerator(tree, { project: 'agent', network: 'none', memory: '512m', readOnly: true, tmpfs: ['/tmp', '/home/app'], skipFormat: true });
    const run = parseUnit(read('deploy/agent/janus-agent.service')).Service.ExecStart[0];
    expect(run).toContain('--network none');
    expect(run).not.toContain('--publish');
    expect(run).toContain('--tmpfs /home/app:rw,nosuid,nodev,size=64m');
    expect(run).toContain('--memory 512m --memory-swap 512m');
  });

  it('is a no-op when regenerated with the same options, and never overwrites an edited file', async () => {
    await deployGenerator(tree, { project: 'agent', skipFormat: true });
    await deployGenerator(tree, { project: 'agent', skipFormat: true });
    tree.write('deploy/agent/janus-agent.service', 'edited\n');
    await expect(deployGenerator(tree, { project: 'agent', skipFormat: true })).rejects.toThrow(
      /'directory' = "deploy\/agent": deploy\/agent\/janus-agent.service exist with other content/,
    );
    expect(read('deploy/agent/janus-agent.service')).toBe('edited\n');
  });

  it("refuses when neither the option, the project's docker-build nor the workspace names a registry, and writes nothing", async () => {
    updateNxJson(tree, { plugins: [{ plugin: 'janus/plugin', options: {} }] });
    await expect(deployGenerator(tree, { project: 'agent', skipFormat: true })).rejects.toThrow(
      /'registry' = \(missing\): the host pulls agent's image from a registry, and neither --registry, agent's docker-build nor the workspace names one; set "registry" in the janus plugin options in nx\.json/,
    );
    expect(tree.exists('deploy')).toBe(false);
    await deployGenerator(tree, { project: 'agent', registry: 'ghcr.io', skipFormat: true });
    expect(read('deploy/agent/janus-agent.service')).toContain('/usr/bin/docker pull ghcr.io/team/agent:latest');
  });

  it.each([
    [{ project: 'nope' }, `'project' = "nope": no such project in this workspace (janus projects: agent, base, odd)`],
    [{ project: 'docs' }, `'project' = "docs": not a janus container project (no docs/janus.json`],
    [{ project: 'base' }, `'project' = "base": a base-image serves nothing to keep running`],
    [{ project: 'odd' }, `'project' = "odd": apps/odd/janus.json is not valid: 'options.port' = "80": must be an integer from 1 to 65535`],
    [{ project: 'agent', network: 'none', hostPort: 9000 }, `'hostPort' = 9000: a container on network none publishes nothing`],
    [{ project: 'agent', env: ['JANUS_LLM_API_KEY=sk-123'] }, `'env' = "JANUS_LLM_API_KEY=…": JANUS_LLM_API_KEY looks like a secret`],
    [{ project: 'agent', memory: 'lots' }, `'memory' = "lots": must be a size like 512m or 2g`],
    [{ project: 'agent', updateInterval: '5 minutes' }, `'updateInterval' = "5 minutes": must be a systemd time span`],
    [{ project: 'agent', tmpfs: ['tmp'] }, `'tmpfs.0' = "tmp": must be an absolute path such as /tmp`],
    [{ project: 'agent', tag: 'a b' }, `'tag' = "a b": must be an image tag`],
    [{ project: 'agent', directory: 'apps/agent/deploy' }, `'directory' = "apps/agent/deploy": inside the project agent`],
  ])('refuses %j, naming field, value and what is allowed, and writes nothing', async (options, message) => {
    const before = tree.listChanges().length;
    const attempt = deployGenerator(tree, { skipFormat: true, ...(options as { project: string }) });
    await expect(attempt).rejects.toThrow(OptionsError);
    await expect(deployGenerator(tree, { skipFormat: true, ...(options as { project: string }) })).rejects.toThrow(message);
    expect(tree.listChanges().length).toBe(before);
    expect(tree.exists('deploy')).toBe(false);
  });

  it('compares image ids around the pull, so an unchanged tag restarts nothing', () => {
    const script = updateScript({
      project: 'a',
      image: 'r/a:latest',
      unit: 'janus-a',
      envFilePath: '/etc/janus/a.env',
      containerPort: 8080,
      network: 'bridge',
      memory: '1g',
      pidsLimit: 256,
      readOnly: true,
      tmpfs: ['/tmp'],
      updateInterval: '5min',
      dockerPath: '/usr/bin/docker',
      env: [],
    });
    const steps = script.split('; ');
    expect(steps.findIndex((s) => s.startsWith('before='))).toBeLessThan(steps.findIndex((s) => s.includes(' pull ')));
    expect(steps.findIndex((s) => s.includes('exit 0'))).toBeLessThan(steps.findIndex((s) => s.includes('try-restart')));
  });
});
