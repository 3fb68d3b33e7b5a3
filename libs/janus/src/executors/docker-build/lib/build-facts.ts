import type { ExecutorContext } from '@nx/devkit';
import { resolveDockerCli } from '../../../engine/docker-cli';
import { ENGINE_ENV } from '../../../engine/engine-choice';
import { type GitFacts, readGitFacts } from '../../../git/git-facts';

/** The branch tags and `latest` are derived against: nx.json's defaultBase, as Nx's own affected commands use it. */
function defaultBase(context: ExecutorContext): string {
  return (context.nxJsonConfiguration as { defaultBase?: string } | undefined)?.defaultBase ?? 'main';
}

/** What git says about the workspace, asked once per process (later calls get the same answer). */
export function gitFactsFor(context: ExecutorContext): Promise<GitFacts> {
  return readGitFacts(context.root, defaultBase(context));
}

/**
 * Starts the child processes a build needs answers from: git's six questions and finding the docker client
 * (each a process start of tens of milliseconds), first thing, so they run while this process parses and
 * lints; the answers are kept, and the steps that need them wait for them there. Marked handled here: a
 * failure is reported by the step that awaits it.
 */
export function startBuildFacts(context: ExecutorContext, engine: string | undefined): void {
  // The docker client first: its answer comes last (a Go binary's start), and the build waits for it.
  // Not for Podman (the option or JANUS_ENGINE): its builds never use the docker client, which may speak to dockerd.
  const podman = engine === 'podman' || ((engine ?? 'auto') === 'auto' && process.env[ENGINE_ENV] === 'podman');
  if (!podman) void resolveDockerCli();
  gitFactsFor(context).catch(() => undefined);
}
