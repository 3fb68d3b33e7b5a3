import { runCommand } from '../../janus/src/process/run-command';

/** Makes `dir` a git repository with one commit on `main`, so tag derivation runs on real git. */
export async function initGitRepo(dir: string, tag?: string): Promise<string> {
  const git = (args: string[]) => runCommand('git', ['-c', 'user.name=janus-test', '-c', 'user.email=test@janus.invalid', ...args], { cwd: dir });
  await git(['init', '-q', '-b', 'main']);
  await git(['add', '-A']);
  await git(['commit', '-q', '-m', 'fixture']);
  if (tag) await git(['tag', tag]);
  return (await git(['rev-parse', 'HEAD'])).stdout.trim();
}
