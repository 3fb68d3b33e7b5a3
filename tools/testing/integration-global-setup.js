// Jest global setup for the integration project: one id per test run, carried as a container label by
// everything the run starts (child processes inherit it), so two runs sharing an engine (two CI jobs, a
// developer and a helper) never judge or remove each other's containers.
const { randomBytes } = require('node:crypto');

module.exports = async function integrationGlobalSetup() {
  process.env.JANUS_TEST_RUN ??= randomBytes(6).toString('hex');
};
