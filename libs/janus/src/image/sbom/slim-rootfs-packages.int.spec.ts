import { join } from 'node:path';
import { testLabels } from '../../../../janus-testing/src/test-labels';
import { runCommand } from '../../process/run-command';
import { dpkgDatabase } from './dpkg-database';
import type { ImageFile } from './image-files';

const ROOT = join(__dirname, '../../../../..');

/**
 * Runs a project's rendered slim-rootfs script (mounted at /project) inside its real base image, with the base's own root as TARGET,
 * once per tool list, and returns the Debian packages the SBOM's dpkg reader finds in each rootfs's status.d.
 */
async function packagesPerToolList(
  base: string,
  project: string,
  script: string,
  argsFor: (out: string, tools: string) => string,
  toolLists: string[],
): Promise<string[][]> {
  const runs = toolLists.map(
    (tools, i) => `${argsFor(`/tmp/out${i}`, tools)} >&2 && for f in /tmp/out${i}/var/lib/dpkg/status.d/*; do cat "$f"; echo; done && echo '=== end'`,
  );
  const labels = Object.entries(testLabels()).flatMap(([k, v]) => ['--label', `${k}=${v}`]);
  const { stdout } = await runCommand('docker', ['run', '--rm', ...labels, '-v', `${join(ROOT, project)}:/project:ro`, base, 'sh', '-c', runs.join(' && ')]);
  return stdout
    .split('=== end\n')
    .slice(0, toolLists.length)
    .map((statusD) => {
      const files = new Map<string, ImageFile>([
        ['var/lib/dpkg/status.d/all', { path: 'var/lib/dpkg/status.d/all', layer: script, content: Buffer.from(statusD) }],
      ]);
      return dpkgDatabase.packages(files).map((p) => p.name);
    });
}

// Issue 24: the slim final stages copy files out of the base's Debian packages; the SBOM must list exactly the
// packages whose files ship, read the way it reads any image (dpkg status.d, as distroless keeps it).
describe('the slim rootfs records the Debian packages it holds', () => {
  it('python: the interpreter, libc and a tool are listed; drop the tool and its packages leave the SBOM', async () => {
    const [withGrep, withoutGrep] = await packagesPerToolList(
      'python:3.11-slim',
      'apps/demo-agent',
      'slim-rootfs.py',
      (out, tools) => `python /project/docker/slim-rootfs.py / ${out} amd64 1000 app /app '${tools}' /project/pyproject.toml`,
      ['sh grep', 'sh'],
    );
    expect(withGrep).toEqual(
      expect.arrayContaining(['python3.11-minimal', 'libpython3.11-stdlib', 'libc6', 'dash', 'grep', 'libpcre2-8-0', 'ca-certificates']),
    );
    expect(withoutGrep).toEqual(expect.arrayContaining(['python3.11-minimal', 'libc6', 'dash']));
    expect(withoutGrep).not.toContain('grep');
    expect(withoutGrep).not.toContain('libpcre2-8-0');
    // Packages of the base none of whose files were copied are not claimed.
    expect(withGrep).not.toContain('python3-pip');
    expect(withGrep).not.toContain('perl-base');
  }, 300_000);

  it('node: libc, libstdc++ and a tool are listed; drop the tool and its packages leave the SBOM', async () => {
    const [withGrep, withoutGrep] = await packagesPerToolList(
      'node:20-slim',
      'apps/gateway',
      'slim-rootfs.mjs',
      (out, tools) => `node /project/docker/slim-rootfs.mjs / ${out} 1000 app /app '${tools}' /nonexistent`,
      ['sh grep', 'sh'],
    );
    expect(withGrep).toEqual(expect.arrayContaining(['libc6', 'libstdc++6', 'dash', 'grep', 'libpcre2-8-0', 'ca-certificates']));
    expect(withoutGrep).toEqual(expect.arrayContaining(['libc6', 'libstdc++6', 'dash']));
    expect(withoutGrep).not.toContain('grep');
    expect(withoutGrep).not.toContain('libpcre2-8-0');
    expect(withGrep).not.toContain('perl-base');
  }, 300_000);
});
