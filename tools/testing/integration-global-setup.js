// Jest global setup for the integration project: one id per test run, carried as a container label by
// everything the run starts (child processes inherit it), so two runs sharing an engine (two CI jobs, a
// developer and a helper) never judge or remove each other's containers. The run also gets its own TMPDIR,
// so what it leaves behind there is known to be its own (the teardown asserts there is nothing), and its
// start time, for the dangling images the teardown looks for.
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

// This machine's build settings (tools/this-machine.env, the file the workspace's scripts read), for specs that
// build through the network or npm; a variable the environment already sets wins.
function thisMachineEnv() {
  for (const line of readFileSync(join(__dirname, '..', 'this-machine.env'), 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m && !process.env[m[1]]) process.env[m[1]] = m[2];
  }
}

module.exports = async function integrationGlobalSetup() {
  thisMachineEnv();
  process.env.JANUS_TEST_RUN ??= randomBytes(6).toString('hex');
  process.env.JANUS_TEST_RUN_STARTED = String(Math.floor(Date.now() / 1000));
  // The product adds no test label of its own: the run asks for its labels on every container janus starts, in
  // specs and in the nx processes they spawn (names as in libs/janus-testing/src/test-labels.ts; the teardown finds them).
  process.env.JANUS_CONTAINER_LABELS = `org.janus.test=true,org.janus.test.run=${process.env.JANUS_TEST_RUN}`;
  const tmp = join(process.env.TMPDIR || '/tmp', `janus-test-run-${process.env.JANUS_TEST_RUN}`);
  mkdirSync(tmp, { recursive: true });
  process.env.JANUS_TEST_RUN_TMPDIR = tmp;
  process.env.TMPDIR = tmp;
};
