import type { ChildProcess } from 'node:child_process';

/** SIGTERM and wait for the exit, so a test's server is really gone (its port free) when this returns. */
export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
