import { runCommand } from '../process/run-command';
import { DOCKER_BUILD_FACT_INPUTS } from '../targets/janus-targets';
import { normalizeSourceUrl, SOURCE_URL_SHELL } from './source-url';

const ONE_REPO = 'https://github.com/acme/agents';

// Remotes as people clone them, with the label each must give.
const REMOTES: Array<[string, string | undefined]> = [
  ['git@github.com:acme/agents.git', ONE_REPO],
  ['git@github.com:acme/agents', ONE_REPO],
  ['github.com:acme/agents.git', ONE_REPO],
  ['ssh://git@github.com/acme/agents.git', ONE_REPO],
  ['ssh://git@github.com:22/acme/agents.git', ONE_REPO],
  ['git+ssh://git@github.com/acme/agents', ONE_REPO],
  ['git://github.com/acme/agents.git', ONE_REPO],
  ['https://github.com/acme/agents.git', ONE_REPO],
  ['https://github.com/acme/agents/', ONE_REPO],
  ['https://x-access-token:ghs_secret@github.com/acme/agents.git', ONE_REPO],
  ['http://github.com/acme/agents', ONE_REPO],
  ['https://git.acme.test:8443/team/agents.git', 'https://git.acme.test:8443/team/agents'],
  ['git@gitlab.com:group/sub/agents.git', 'https://gitlab.com/group/sub/agents'],
  ['https://github.com/acme/other', 'https://github.com/acme/other'],
  ['/srv/git/agents.git', undefined],
  ['../agents', undefined],
  ['file:///srv/git/agents.git', undefined],
];

describe('the source URL label', () => {
  it.each(REMOTES)('of %s is %s', (remote, label) => {
    expect(normalizeSourceUrl(remote)).toBe(label);
  });

  // The task hash must change exactly when the label does: the runtime input's sed gives the same form.
  it("the build's runtime input says what the label says, remote for remote", async () => {
    const input = REMOTES.map(([r]) => r).join('\n') + '\n';
    const out = await runCommand('sh', ['-c', `printf '%s' "$REMOTES" | ${SOURCE_URL_SHELL}; echo END`], { env: { ...process.env, REMOTES: input } });
    // sed deletes what has no label: compare the labels that exist, in order.
    expect(out.stdout.trim().split('\n').slice(0, -1)).toEqual(REMOTES.map(([, l]) => l).filter(Boolean));
    const runtime = DOCKER_BUILD_FACT_INPUTS.find((i): i is { runtime: string } => 'runtime' in i)!.runtime;
    expect(runtime).toContain(`git config --get remote.origin.url | ${SOURCE_URL_SHELL}`);
  });
});
