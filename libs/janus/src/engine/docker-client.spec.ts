import { describeFailure } from './docker-client';

describe('executor failures in words', () => {
  it('names an engine that went away instead of a raw socket error', () => {
    const gone = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', address: '/var/run/docker.sock' });
    expect(describeFailure(gone)).toMatch(
      /the Docker engine at .* is not reachable .*connect ENOENT[\s\S]*Start Docker .* or Podman's Docker-compatible socket .* or point DOCKER_HOST at/,
    );
    expect(describeFailure(gone)).not.toContain('npm run');
  });
  it('knows the engine by the socket DOCKER_HOST names, not only by docker.sock', () => {
    const env = process.env;
    process.env = { ...env, DOCKER_HOST: 'unix:///run/user/1000/engine/api.sock' };
    try {
      const gone = Object.assign(new Error('connect ECONNREFUSED /run/user/1000/engine/api.sock'), { code: 'ECONNREFUSED' });
      expect(describeFailure(gone)).toMatch(/the Docker engine at unix:\/\/\/run\/user\/1000\/engine\/api.sock is not reachable/);
      // A DOCKER_HOST naming Podman's socket is Podman: told how to start Podman's socket, not Docker.
      process.env.DOCKER_HOST = 'unix:///run/user/1000/podman/podman.sock';
      const podman = Object.assign(new Error('connect ECONNREFUSED /run/user/1000/podman/podman.sock'), { code: 'ECONNREFUSED' });
      expect(describeFailure(podman)).toMatch(/Podman's API socket at \/run\/user\/1000\/podman\/podman.sock is not answering .*podman system service/);
    } finally {
      process.env = env;
    }
  });
  it('leaves other errors as they are, a missing file included', () => {
    expect(describeFailure(Object.assign(new Error("ENOENT: no such file or directory, open 'x'"), { code: 'ENOENT' }))).toBe(
      "ENOENT: no such file or directory, open 'x'",
    );
    expect(describeFailure(new Error('boom'))).toBe('boom');
  });
});
