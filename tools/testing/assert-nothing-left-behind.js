// Jest global teardown for the integration project: a test run must leave nothing behind: no container
// labelled with its run id, no file in its own TMPDIR, and no dangling image built during it. Leftovers are
// removed, so one bad run does not poison the next, and the run fails naming them.
const { execFileSync } = require('node:child_process');
const { existsSync, readdirSync, rmSync, writeFileSync } = require('node:fs');

// Each engine a run may have used: Docker always, Podman when its socket is there (the specs then ran on it too).
// Podman's store is read through its own CLI, which formats Created as a time, not a string.
const ENGINES = [
  { name: 'docker', bin: 'docker', created: '{{.Created}}' },
  { name: 'podman', bin: 'podman', created: '{{.Created.Format "2006-01-02T15:04:05Z07:00"}}' },
];
const PODMAN_SOCKET = process.env.JANUS_PODMAN_SOCKET || '/run/podman/podman.sock';
let engine = ENGINES[0];

function docker(args) {
  return execFileSync(engine.bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

function leftoverContainers() {
  const label = process.env.JANUS_TEST_RUN ? `org.janus.test.run=${process.env.JANUS_TEST_RUN}` : 'org.janus.test';
  const ids = docker(['ps', '-aq', '--filter', `label=${label}`])
    .split('\n')
    .filter(Boolean);
  if (ids.length === 0) return [];
  docker(['rm', '-f', ...ids]);
  return [`${ids.length} ${engine.name} container(s) labelled ${label}: ${ids.join(', ')}`];
}

// Images janus builds carry OCI labels; one that lost every tag during this run is a build or a cleanup
// that went wrong (a failed build's unfinished image, a rebuild that left the previous image behind).
function leftoverImages() {
  const started = Number(process.env.JANUS_TEST_RUN_STARTED ?? 0);
  const lines = docker(['images', '-q', '--no-trunc', '--filter', 'dangling=true', '--filter', 'label=org.opencontainers.image.title']).split('\n');
  const ids = [...new Set(lines.filter(Boolean))];
  const mine = ids.filter((id) => Date.parse(docker(['image', 'inspect', '--format', engine.created, id]).trim()) / 1000 >= started);
  if (mine.length === 0) return [];
  // Several runs sharing one engine (developers, helpers) cannot tell whose a dangling image is; CI runs alone.
  if (!process.env.CI) {
    console.warn(`[janus] ${mine.length} dangling image(s) built during this run (another run on this engine may have made them): ${mine.join(', ')}`);
    return [];
  }
  for (const id of mine) {
    try {
      docker(['rmi', '-f', id]);
    } catch {
      // still used by a container of another run: leave it
    }
  }
  return [`${mine.length} dangling ${engine.name} image(s) built during the run: ${mine.map((id) => id.slice(0, 19)).join(', ')}`];
}

function leftoverTempFiles() {
  const dir = process.env.JANUS_TEST_RUN_TMPDIR;
  if (!dir) return [];
  let entries = [];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  rmSync(dir, { recursive: true, force: true });
  // The TypeScript loader's compile cache: the tooling's, kept on purpose, and gone with the directory.
  entries = entries.filter((e) => !/^swc-node-\d+$/.test(e));
  return entries.length ? [`${entries.length} temp entr${entries.length === 1 ? 'y' : 'ies'} in ${dir}: ${entries.slice(0, 10).join(', ')}`] : [];
}

module.exports = async function assertNothingLeftBehind() {
  const found = [];
  for (const e of ENGINES) {
    if (e.name === 'podman' && !existsSync(PODMAN_SOCKET)) continue;
    engine = e;
    try {
      found.push(...leftoverContainers(), ...leftoverImages());
    } catch {
      // no engine: the tests themselves already failed with instructions
    }
  }
  found.push(...leftoverTempFiles());
  if (!found.length) return;
  const message = `integration tests left behind (removed now):\n  ${found.join('\n  ')}`;
  // Under npm test the closing line reports it (a throwing teardown would stop jest writing its results).
  if (process.env.JANUS_LEFT_BEHIND_FILE) {
    writeFileSync(process.env.JANUS_LEFT_BEHIND_FILE, message + '\n');
    console.error(message);
    return;
  }
  throw new Error(message);
};
