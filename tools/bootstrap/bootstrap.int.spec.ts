import { spawn } from 'node:child_process';
import { chmodSync, cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../libs/janus/src/process/run-command';
import { stopChild } from '../../libs/janus/src/process/stop-child';
import { RegistryClient } from '../../libs/janus/src/registry/registry-client';
import { untagImages } from '../../libs/janus-testing/src/test-images';
import { imageEntries } from '../../libs/janus-testing/src/index-entries';

const SCRIPT = join(__dirname, 'bootstrap.sh');
const ROOT = join(__dirname, '../..');

// The real script on this machine: a second run finds everything in place and changes nothing; a caller
// who cannot install is told exactly what to install instead.
describe('engine bootstrap', () => {
  it('is idempotent: with nothing missing it installs, builds and restarts nothing', async () => {
    const { stdout } = await runCommand('bash', [SCRIPT]);
    expect(stdout).toMatch(/packages: all present/);
    expect(stdout).toMatch(/registry: already answering/);
    expect(stdout).toMatch(/dockerd: already running/);
    expect(stdout).not.toMatch(/building the root filesystem|pushed|published|installing node dependencies|started/);
  });

  it('refuses to run without root and lists what to install', async () => {
    // A copy in a world-readable place: the checkout itself may not be readable by the unprivileged user.
    const dir = mkdtempSync(join(tmpdir(), 'janus-bootstrap-'));
    try {
      cpSync(__dirname, dir, { recursive: true });
      chmodSync(dir, 0o755);
      await expect(runCommand('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'bash', join(dir, 'bootstrap.sh')])).rejects.toThrow(
        /run as root[\s\S]*apt-get install -y docker.io qemu-user-static binfmt-support docker-registry debootstrap/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A machine whose registry lacks a stand-in gets it from the base-image project's own docker-build target
  // (through the project graph, as anything FROM it would), not from a second build recipe in shell.
  it('publishes a missing stand-in through its project, as a manifest list over each architecture', async () => {
    const port = 5400 + (process.pid % 400);
    const dir = mkdtempSync(join(tmpdir(), 'janus-standin-registry-'));
    writeFileSync(
      join(dir, 'config.yml'),
      `version: 0.1\nlog: { level: error }\nstorage: { filesystem: { rootdirectory: ${dir}/data } }\nhttp: { addr: 127.0.0.1:${port} }\n`,
    );
    const registry = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
    const env = { ...process.env, JANUS_REGISTRY_ADDR: `127.0.0.1:${port}`, JANUS_REGISTRY_PUSH: `localhost:${port}`, JANUS_BASE_ARCHES: 'amd64' };
    const ensure = (spec: string) => runCommand('bash', ['-c', `. tools/bootstrap/lib/common.sh && ensure_stand_ins ${spec}`], { cwd: ROOT, env });
    try {
      const first = await ensure('base-python:python:3.11-slim');
      expect(first.stdout).toMatch(/base images: building base-python with their docker-build targets/);
      const list = await RegistryClient.forHost(`127.0.0.1:${port}`).getManifest('library/python', '3.11-slim');
      expect((imageEntries(list.json.manifests) as Array<{ platform: { architecture: string } }>).map((m) => m.platform.architecture)).toEqual(['amd64']);
      const again = await ensure('base-python:python:3.11-slim');
      expect(again.stdout).toMatch(/base python:3\.11-slim: present in the registry \(amd64\)/);
      expect(again.stdout).not.toMatch(/building/);
    } finally {
      await stopChild(registry);
      rmSync(dir, { recursive: true, force: true });
      await untagImages(`localhost:${port}/library/python`);
    }
  });
});
