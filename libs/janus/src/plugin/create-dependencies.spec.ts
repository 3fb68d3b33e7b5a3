import { DependencyType, logger } from '@nx/devkit';
import { createDependencies, type JanusProjectFacts, withoutCycles } from './create-nodes';

const project = (root: string, janus?: Partial<JanusProjectFacts>) => ({
  root,
  ...(janus ? { metadata: { janus: { repository: '', baseImages: [], readsFiles: [], problems: [], ...janus } } } : {}),
});

describe('graph edges from Dockerfiles', () => {
  const context = {
    projects: {
      base: project('containers/base', { repository: 'team/base', baseImages: ['python:3.11-slim'] }),
      agent: project('apps/agent', { repository: 'library/agent', baseImages: ['localhost:5000/team/base:1'], readsFiles: ['apps/agent/app/main.py'] }),
      tool: project('apps/tool', { repository: 'library/tool', baseImages: ['python:3.11-slim'], readsFiles: ['libs/shared/prompt.txt', 'apps/tool/run.py'] }),
      shared: project('libs/shared'),
    },
    nxJsonConfiguration: {},
    workspaceRoot: '/ws',
    externalNodes: {},
    fileMap: {
      projectFileMap: {
        agent: [{ file: 'apps/agent/Dockerfile', hash: '1' }],
        tool: [{ file: 'apps/tool/Dockerfile', hash: '2' }],
        base: [{ file: 'containers/base/Dockerfile', hash: '3' }],
      },
      nonProjectFiles: [],
    },
    filesToProcess: { projectFileMap: {}, nonProjectFiles: [] },
  };

  it('links a FROM of a workspace image and a COPY of another project, nothing else', async () => {
    const deps = await createDependencies({}, context as never);
    expect(deps.map((d) => [d.source, d.target, d.type])).toEqual([
      ['agent', 'base', DependencyType.static],
      ['tool', 'shared', DependencyType.static],
    ]);
  });

  it('makes the root compose project depend on the projects whose images its services run', async () => {
    const withCompose = {
      ...context,
      projects: {
        ...context.projects,
        ws: {
          root: '.',
          metadata: {
            janusCompose: {
              file: 'docker-compose.yml',
              services: [
                { name: 'agent', repository: 'agent' },
                { name: 'db', repository: 'library/postgres' },
              ],
              problems: [],
            },
          },
        },
      },
      fileMap: { ...context.fileMap, projectFileMap: { ...context.fileMap.projectFileMap, ws: [{ file: 'docker-compose.yml', hash: '4' }] } },
    };
    const deps = await createDependencies({}, withCompose as never);
    expect(deps.filter((d) => d.source === 'ws').map((d) => [d.source, d.target, d.type])).toEqual([['ws', 'agent', DependencyType.static]]);
  });

  it('leaves a FROM cycle out and names it', () => {
    const warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const e = (source: string, target: string) => ({ source, target, type: DependencyType.static, sourceFile: `${source}/Dockerfile` });
    expect(withoutCycles([e('a', 'b'), e('b', 'a'), e('c', 'a')]).map((d) => `${d.source}>${d.target}`)).toEqual(['c>a']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/a -> b -> a/));
    warn.mockRestore();
  });
});
