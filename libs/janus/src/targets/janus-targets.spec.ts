import { janusTargets } from './janus-targets';

describe('janusTargets: the build lints in its own task', () => {
  const targets = janusTargets({ port: 8080, continuousRun: false });

  it('runs no dockerfile-lint task in front of docker-build: the executor lints the Dockerfile itself', () => {
    expect(targets['docker-build'].dependsOn).toEqual(['^docker-build']);
    expect(JSON.stringify(targets['docker-build'])).not.toContain('dockerfile-lint');
  });

  it('keeps the lint target for CI and editors', () => {
    expect(targets['dockerfile-lint'].executor).toBe('janus:dockerfile-lint');
  });
});
