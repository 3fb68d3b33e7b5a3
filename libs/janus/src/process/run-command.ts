import { spawn } from 'node:child_process';
import { UserError } from '../errors/user-error';

export interface RunCommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Called for each output line as it arrives (both streams), e.g. to stream a build log with a prefix. */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Written to the child's stdin, then closed. */
  input?: string;
  signal?: AbortSignal;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CommandError extends UserError {
  constructor(
    readonly command: string,
    readonly result: CommandResult,
  ) {
    const tail = (result.stderr || result.stdout).trimEnd().split('\n').slice(-30).join('\n');
    super(`${command} exited with code ${result.code}${tail ? `\n${tail}` : ''}`);
    this.name = 'CommandError';
  }
}

/** The one way this plugin runs programs: an argument array (never a shell string), output streamed and kept. */
export function runCommand(bin: string, args: string[], options: RunCommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const out: Record<'stdout' | 'stderr', string[]> = { stdout: [], stderr: [] };
    const pending: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      child[stream]!.setEncoding('utf8');
      child[stream]!.on('data', (chunk: string) => {
        out[stream].push(chunk);
        if (!options.onLine) return;
        const lines = (pending[stream] + chunk).split('\n');
        pending[stream] = lines.pop()!;
        for (const line of lines) options.onLine(line, stream);
      });
    }
    // A child may exit without reading its input (EPIPE): its exit code and output say what happened.
    child.stdin?.on('error', () => undefined);
    if (options.input !== undefined) child.stdin!.end(options.input);
    child.on('error', (e) => reject(e));
    child.on('close', (code, signal) => {
      for (const stream of ['stdout', 'stderr'] as const) if (pending[stream] && options.onLine) options.onLine(pending[stream], stream);
      const result = { code: code ?? (signal ? 128 : 1), stdout: out.stdout.join(''), stderr: out.stderr.join('') };
      if (result.code === 0) resolve(result);
      else reject(new CommandError([bin, ...args].join(' '), result));
    });
  });
}
