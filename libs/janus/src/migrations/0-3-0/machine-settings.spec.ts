import { addProjectConfiguration, logger, readNxJson, readProjectConfiguration, type Tree, updateNxJson } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import moveMachineSettings from './machine-settings';

const CA = 'id=npm-ca,src=/etc/ssl/certs/ca-certificates.crt';
// The install step as janus 0.2 rendered it in a workspace whose npm pointed at a local verdaccio.
const RUNTIME_DOCKERFILE_0_2 = `ARG BASE_IMAGE=node:20-slim
FROM \${BASE_IMAGE}
ARG TARGETARCH
ARG NPM_REGISTRY=http://127.0.0.1:4891/

RUN --mount=type=secret,id=npm-ca,required=false \\
    npm install --global --ignore-scripts --no-audit --no-fund --registry "$NPM_REGISTRY" '@google/gemini-cli@0.61.0' $native
`;

describe('migration 0.3.0: machine settings leave the projects', () => {
  let tree: Tree;
  const read = (path: string) => tree.read(path, 'utf8')!;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: 'janus/plugin', options: {} }] });
    addProjectConfiguration(tree, 'google-runtime', {
      root: 'containers/google-runtime',
      targets: {
        'docker-build': { options: { network: 'host', secrets: [CA], sizeBudgetMb: 500 } },
        'contract-test': { options: { sizeBudgetMb: 500 } },
      },
    });
    tree.write(
      'containers/google-runtime/janus.json',
      JSON.stringify({ kind: 'runtime', template: 'runtime', options: { package: '@google/gemini-cli', registry: 'http://127.0.0.1:4891/' } }),
    );
    tree.write('containers/google-runtime/Dockerfile', RUNTIME_DOCKERFILE_0_2);
    addProjectConfiguration(tree, 'gateway', {
      root: 'apps/gateway',
      targets: { 'docker-build': { options: { network: 'host', secrets: [CA] } }, 'contract-test': { options: { skip: ['platform-proxy'] } } },
    });
    tree.write('apps/gateway/janus.json', JSON.stringify({ template: 'node-service', options: { port: 8000 } }));
    // The owner's own choices: a build that must reach nothing, and a secret of its own.
    addProjectConfiguration(tree, 'sealed', {
      root: 'apps/sealed',
      targets: { 'docker-build': { options: { network: 'none', secrets: ['id=npmrc,src=~/.npmrc', CA] } } },
    });
    tree.write('apps/sealed/janus.json', '{}');
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('removes the host network, the CA secret and the baked npm registry, and says which variable says each now', async () => {
    const said = await moveMachineSettings(tree);
    expect(readProjectConfiguration(tree, 'google-runtime').targets).toEqual({
      'docker-build': { options: { sizeBudgetMb: 500 } },
      'contract-test': { options: { sizeBudgetMb: 500 } },
    });
    expect(readProjectConfiguration(tree, 'gateway').targets).toEqual({ 'contract-test': { options: { skip: ['platform-proxy'] } } });
    expect(readProjectConfiguration(tree, 'sealed').targets).toEqual({ 'docker-build': { options: { network: 'none', secrets: ['id=npmrc,src=~/.npmrc'] } } });
    expect(JSON.parse(read('containers/google-runtime/janus.json')).options).toEqual({ package: '@google/gemini-cli' });
    const dockerfile = read('containers/google-runtime/Dockerfile');
    expect(dockerfile).not.toContain('127.0.0.1');
    expect(dockerfile).toMatch(/^# The machine's npm registry when it names one \(JANUS_NPM_REGISTRY\), else npm's own default\.\nARG NPM_REGISTRY$/m);
    expect(dockerfile).toContain('--no-fund ${NPM_REGISTRY:+--registry "$NPM_REGISTRY"} \'@google/gemini-cli@0.61.0\'');

    expect(said).toEqual([
      expect.stringMatching(/^janus: moved the build network "host" out of gateway, google-runtime: set JANUS_BUILD_NETWORK=host on machines that need it/),
      expect.stringMatching(
        /^janus: moved the npm CA bundle "\/etc\/ssl\/certs\/ca-certificates.crt" out of gateway, google-runtime, sealed: set JANUS_NPM_CA_FILE=\/etc\/ssl\/certs\/ca-certificates.crt/,
      ),
      expect.stringMatching(
        /^janus: moved the npm registry "http:\/\/127.0.0.1:4891\/" out of google-runtime: set JANUS_NPM_REGISTRY=http:\/\/127.0.0.1:4891\//,
      ),
      expect.stringMatching(/^janus: images are tagged for localhost:5000, as before, now as the janus plugin's "registry" option in nx.json/),
    ]);
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'janus/plugin', options: { registry: 'localhost:5000' } }]);
  });

  it('keeps a registry the workspace already names, and a second run changes and says nothing', async () => {
    updateNxJson(tree, { ...readNxJson(tree), plugins: [{ plugin: 'janus/plugin', options: { registry: 'ghcr.io' } }] });
    await moveMachineSettings(tree);
    expect(readNxJson(tree)?.plugins).toEqual([{ plugin: 'janus/plugin', options: { registry: 'ghcr.io' } }]);
    const files = ['containers/google-runtime/Dockerfile', 'containers/google-runtime/janus.json', 'containers/google-runtime/project.json', 'nx.json'];
    const before = files.map(read);
    expect(await moveMachineSettings(tree)).toEqual([]);
    expect(files.map(read)).toEqual(before);
  });
});
