import type { ChildProcess } from 'node:child_process';

/**
 * What a task process gets from one Ctrl-C under Nx 23: the terminal's SIGINT, then SIGTERM from Nx's
 * forked-process cleanup and again from its running-task kill (task-orchestrator's cleanup calls both). Spaced
 * a little, since signals of one kind sent back to back merge into one.
 */
export async function ctrlCUnderNx(child: ChildProcess): Promise<void> {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGTERM'] as const) {
    child.kill(signal);
    await new Promise((r) => setTimeout(r, 10));
  }
}
