// Jest global teardown for the integration project: a test run must leave no labelled container behind.
// Leftovers are removed (so one bad run does not poison the next) and the run fails naming them.
const { execFileSync } = require('node:child_process');

module.exports = async function assertNoTestContainers() {
  let ids = [];
  try {
    ids = execFileSync('docker', ['ps', '-aq', '--filter', 'label=org.janus.test'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    return; // no engine: the tests themselves already failed with instructions
  }
  if (ids.length === 0) return;
  execFileSync('docker', ['rm', '-f', ...ids]);
  throw new Error(`integration tests left ${ids.length} container(s) labelled org.janus.test: ${ids.join(', ')} (removed now)`);
};
