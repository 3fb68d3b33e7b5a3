// Jest global teardown for the integration project: a test run must leave no container behind. Leftovers of
// this run (its JANUS_TEST_RUN label) are removed, so one bad run does not poison the next, and the run fails
// naming them.
const { execFileSync } = require('node:child_process');

module.exports = async function assertNoTestContainers() {
  const label = process.env.JANUS_TEST_RUN ? `org.janus.test.run=${process.env.JANUS_TEST_RUN}` : 'org.janus.test';
  let ids = [];
  try {
    ids = execFileSync('docker', ['ps', '-aq', '--filter', `label=${label}`], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean);
  } catch {
    return; // no engine: the tests themselves already failed with instructions
  }
  if (ids.length === 0) return;
  execFileSync('docker', ['rm', '-f', ...ids]);
  throw new Error(`integration tests left ${ids.length} container(s) labelled ${label}: ${ids.join(', ')} (removed now)`);
};
