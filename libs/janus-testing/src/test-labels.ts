/** Every container a test starts carries this label, so a crashed run's leftovers can always be found. */
export const TEST_LABEL = 'org.janus.test';
/** One id per test run (the integration global setup's JANUS_TEST_RUN), so runs sharing an engine never judge or remove each other's containers. */
export const TEST_RUN_LABEL = 'org.janus.test.run';

/** The labels a test puts on what it starts: the product adds none (tools/testing/integration-global-setup.js passes them through JANUS_CONTAINER_LABELS). */
export function testLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { [TEST_LABEL]: 'true', ...(env.JANUS_TEST_RUN ? { [TEST_RUN_LABEL]: env.JANUS_TEST_RUN } : {}) };
}

/** The label filter that finds this test run's containers (every janus test container outside a test run). */
export function testContainerFilter(env: NodeJS.ProcessEnv = process.env): string[] {
  return [env.JANUS_TEST_RUN ? `${TEST_RUN_LABEL}=${env.JANUS_TEST_RUN}` : TEST_LABEL];
}
