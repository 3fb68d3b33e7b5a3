import { runCommand } from '../process/run-command';
import { normalizeSourceUrl } from './source-url';
import { UserError } from '../errors/user-error';

export interface GitFacts {
  /** Full commit sha; empty when not in a git checkout and not given through the environment. */
  sha: string;
  branch?: string;
  /** A tag pointing at HEAD, e.g. `v1.2.3`. */
  tag?: string;
  prNumber?: number;
  defaultBranch: string;
  /** Committer date of HEAD (ISO 8601): a reproducible "created" time for images built from it. */
  commitTime?: string;
  /** The origin remote as a web URL, one form for ssh and https clones (see source-url.ts); none for a local path. */
  remoteUrl?: string;
  /** Set by the build (see treeDirty): tracked files it builds from differ from HEAD. */
  dirty?: boolean;
}

/**
 * The environment wins over git, so CI systems that check out a detached HEAD (every PR build) can say
 * what they are building: JANUS_GIT_SHA, JANUS_GIT_BRANCH, JANUS_GIT_TAG, JANUS_PR_NUMBER,
 * JANUS_DEFAULT_BRANCH. GitHub Actions' own GITHUB_SHA / GITHUB_REF are read as a fallback.
 */
export function gitFactsFromEnv(env: NodeJS.ProcessEnv): Partial<GitFacts> {
  const facts: Partial<GitFacts> = {};
  const ref = env.GITHUB_REF ?? '';
  if (env.JANUS_GIT_SHA ?? env.GITHUB_SHA) facts.sha = env.JANUS_GIT_SHA ?? env.GITHUB_SHA;
  const branch = env.JANUS_GIT_BRANCH ?? (ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined);
  if (branch) facts.branch = branch;
  const tag = env.JANUS_GIT_TAG ?? (ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : undefined);
  if (tag) facts.tag = tag;
  const pr = env.JANUS_PR_NUMBER ?? /^refs\/pull\/(\d+)\//.exec(ref)?.[1];
  if (pr) {
    const n = Number(pr);
    if (!Number.isInteger(n) || n <= 0) throw new UserError(`JANUS_PR_NUMBER = ${JSON.stringify(pr)}: must be a positive integer`);
    facts.prNumber = n;
  }
  if (env.JANUS_DEFAULT_BRANCH) facts.defaultBranch = env.JANUS_DEFAULT_BRANCH;
  return facts;
}

/** Lists the tracked files that differ from HEAD (staged or not), here and in the build's runtime inputs. */
export const GIT_DIRTY_ARGS = ['status', '--porcelain', '--untracked-files=no'];

/**
 * Whether tracked files under `paths` (workspace-relative: a build's context and Dockerfile) differ from HEAD,
 * staged or not. Untracked files do not count (as with `git describe --dirty`), nor do edits elsewhere in the
 * repository: the image is made of these paths, so only they decide whether it is what the commit builds.
 */
export async function treeDirty(workspaceRoot: string, paths: string[]): Promise<boolean> {
  return Boolean(await git(workspaceRoot, [...GIT_DIRTY_ARGS, '--', ...paths]));
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    return (await runCommand('git', args, { cwd })).stdout.trim() || undefined;
  } catch {
    return undefined;
  }
}

const cache = new Map<string, Promise<GitFacts>>();

/** Forgets what git said, for a process that changes the tree between builds (a spec editing a tracked file). */
export function forgetGitFacts(): void {
  cache.clear();
}

/**
 * Reads git once per workspace and process: a build of many projects asks for the same facts, and each git
 * child process costs tens of milliseconds.
 */
export function readGitFacts(workspaceRoot: string, fallbackDefaultBranch = 'main', env = process.env): Promise<GitFacts> {
  const key = `${workspaceRoot}\0${fallbackDefaultBranch}`;
  let facts = cache.get(key);
  if (!facts) {
    facts = (async () => {
      const [sha, branch, tag, originHead, commitTime, remote] = await Promise.all([
        git(workspaceRoot, ['rev-parse', 'HEAD']),
        git(workspaceRoot, ['symbolic-ref', '--short', '-q', 'HEAD']),
        git(workspaceRoot, ['describe', '--tags', '--exact-match', 'HEAD']),
        git(workspaceRoot, ['symbolic-ref', '--short', '-q', 'refs/remotes/origin/HEAD']),
        git(workspaceRoot, ['show', '-s', '--format=%cI', 'HEAD']),
        git(workspaceRoot, ['config', '--get', 'remote.origin.url']),
      ]);
      const fromGit: GitFacts = {
        sha: sha ?? '',
        branch,
        tag,
        defaultBranch: originHead?.replace(/^origin\//, '') ?? fallbackDefaultBranch,
        commitTime,
        remoteUrl: normalizeSourceUrl(remote),
      };
      return { ...fromGit, ...gitFactsFromEnv(env) };
    })();
    cache.set(key, facts);
  }
  return facts;
}

/**
 * The last commit that changed any of `paths` (its sha and committer date), or undefined outside git or for
 * paths no commit touched. An image labelled with it instead of HEAD stays byte-identical across commits that
 * leave its inputs alone, so what is built FROM it keeps its cache.
 */
export async function lastChangeOf(workspaceRoot: string, paths: string[]): Promise<{ sha: string; commitTime: string } | undefined> {
  const out = await git(workspaceRoot, ['log', '-1', '--format=%H%x00%cI', '--', ...paths]);
  const [sha, commitTime] = out?.split('\0') ?? [];
  return sha && commitTime ? { sha, commitTime } : undefined;
}
