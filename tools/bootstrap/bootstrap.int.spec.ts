import { chmodSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../libs/janus/src/process/run-command';

const SCRIPT = join(__dirname, 'bootstrap.sh');

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
});
