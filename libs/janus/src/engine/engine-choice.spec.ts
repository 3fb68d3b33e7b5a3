import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseEngine, podmanSocketPath } from './engine-choice';

describe('engine choice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-engine-choice-'));
  const dockerSock = join(dir, 'docker.sock');
  const podmanSock = join(dir, 'podman.sock');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { DOCKER_HOST: `unix://${dockerSock}`, JANUS_PODMAN_SOCKET: podmanSock };

  it("takes the target's option over JANUS_ENGINE over the plugin option", () => {
    expect(chooseEngine({ option: 'podman', pluginOption: 'docker' }, { ...env, JANUS_ENGINE: 'docker' })).toEqual({
      kind: 'podman',
      socketPath: podmanSock,
      chosenBy: "the target's 'engine' option",
    });
    expect(chooseEngine({ pluginOption: 'docker' }, { ...env, JANUS_ENGINE: 'podman' })).toMatchObject({ kind: 'podman', chosenBy: 'JANUS_ENGINE' });
    expect(chooseEngine({ pluginOption: 'podman' }, env)).toMatchObject({ kind: 'podman', chosenBy: "the janus plugin option 'engine'" });
    expect(chooseEngine({ option: 'auto', pluginOption: 'podman' }, { ...env, JANUS_ENGINE: 'auto' })).toMatchObject({ kind: 'podman' });
  });

  it('talks to Docker at DOCKER_HOST, and to Podman at its own socket whatever DOCKER_HOST says', () => {
    expect(chooseEngine({ option: 'docker' }, env).socketPath).toBe(dockerSock);
    expect(chooseEngine({ option: 'podman' }, env).socketPath).toBe(podmanSock);
  });

  it("auto-detects what runs: DOCKER_HOST, else Docker's socket, else Podman's, else Docker (whose absence is then reported)", () => {
    const sockets = new Set<string>();
    const exists = (p: string) => sockets.has(p);
    const local = { JANUS_PODMAN_SOCKET: podmanSock };
    const docker = chooseEngine({}, local, () => true).socketPath!;
    expect(chooseEngine({}, local, exists)).toMatchObject({ kind: 'docker', socketPath: docker, chosenBy: 'auto-detected' });
    sockets.add(podmanSock);
    expect(chooseEngine({}, local, exists)).toMatchObject({ kind: 'podman', socketPath: podmanSock });
    sockets.add(docker);
    expect(chooseEngine({}, local, exists)).toMatchObject({ kind: 'docker', socketPath: docker });
    expect(chooseEngine({}, env, exists)).toMatchObject({ kind: 'docker', socketPath: dockerSock, chosenBy: 'auto-detected from DOCKER_HOST' });
    // Rootless Podman users point DOCKER_HOST at Podman's socket: builds must then go through podman build.
    expect(chooseEngine({}, { DOCKER_HOST: 'unix:///run/user/1000/podman/podman.sock' }, exists)).toMatchObject({
      kind: 'podman',
      socketPath: '/run/user/1000/podman/podman.sock',
    });
  });

  it('refuses a JANUS_ENGINE that names no engine, in one line naming the variable, the value and the choices', () => {
    expect(() => chooseEngine({}, { ...env, JANUS_ENGINE: 'kaniko' })).toThrow(/^JANUS_ENGINE = "kaniko": must be one of auto, docker, podman$/);
  });

  it("finds Podman's socket where podman system service puts it: rootful, or the user's runtime dir", () => {
    expect(podmanSocketPath({ JANUS_PODMAN_SOCKET: 'unix:///x/p.sock' })).toBe('/x/p.sock');
    const uid = process.getuid?.() ?? 0;
    expect(podmanSocketPath({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe(uid === 0 ? '/run/podman/podman.sock' : '/run/user/1000/podman/podman.sock');
  });
});
