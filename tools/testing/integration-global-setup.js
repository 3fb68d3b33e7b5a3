// Jest global setup for the integration project: one id per test run, carried as a container label by
// everything the run starts (child processes inherit it), so two runs sharing an engine (two CI jobs, a
// developer and a helper) never judge or remove each other's containers. The run also gets its own TMPDIR,
// so what it leaves behind there is known to be its own (the teardown asserts there is nothing), and its
// start time, for the dangling images the teardown looks for.
const { randomBytes } = require('node:crypto');
const { mkdirSync } = require('node:fs');
const { join } = require('node:path');

module.exports = async function integrationGlobalSetup() {
  process.env.JANUS_TEST_RUN ??= randomBytes(6).toString('hex');
  process.env.JANUS_TEST_RUN_STARTED = String(Math.floor(Date.now() / 1000));
  const tmp = join(process.env.TMPDIR || '/tmp', `janus-test-run-${process.env.JANUS_TEST_RUN}`);
  mkdirSync(tmp, { recursive: true });
  process.env.JANUS_TEST_RUN_TMPDIR = tmp;
  process.env.TMPDIR = tmp;
};
