import { RunnerError } from '../competitor-runner';
import type { SandyConfig } from './sandy-config';

export interface SandboxSpec {
  /** The sandbox image, one with a Docker engine inside. */
  image: string;
  resources: SandyConfig['resources'];
  /** The sandbox's environment: the competitor's secrets travel here, never in a command line. */
  env: Readonly<Record<string, string>>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** The part of the Sandy API the runner uses, so the runner can be tested with a fake behind it. */
export interface SandyClient {
  createSandbox(spec: SandboxSpec, signal: AbortSignal): Promise<string>;
  exec(sandboxId: string, command: string, signal: AbortSignal): Promise<ExecResult>;
  /** Idempotent: a sandbox Sandy no longer knows counts as terminated. */
  terminate(sandboxId: string): Promise<void>;
  /** Where requests to `port` inside the sandbox go, and the headers they need. */
  proxy(sandboxId: string, port: number): { baseUrl: string; headers: Record<string, string> };
}

/** What a failed call was doing, for messages like "creating a sandbox". */
type Doing = string;

/** The Sandy API over HTTP with bearer auth; every failure becomes a RunnerError the gateway can show. */
export class HttpSandyClient implements SandyClient {
  constructor(private readonly config: Pick<SandyConfig, 'baseUrl' | 'apiKey' | 'requestTimeoutMs'>) {}

  async createSandbox(spec: SandboxSpec, signal: AbortSignal): Promise<string> {
    const body = await this.call('POST', '/api/sandboxes', spec, signal, 'creating a sandbox');
    const id = (body as { sandbox_id?: unknown } | undefined)?.sandbox_id;
    if (typeof id !== 'string' || id === '') throw new RunnerError('the Sandy API answered a sandbox creation without a sandbox_id', 502, 'sandy_bad_response');
    return id;
  }

  async exec(sandboxId: string, command: string, signal: AbortSignal): Promise<ExecResult> {
    const body = (await this.call(
      'POST',
      `/api/sandboxes/${encodeURIComponent(sandboxId)}/exec`,
      { command },
      signal,
      `running a command in sandbox ${sandboxId}`,
    )) as { exit_code?: unknown; stdout?: unknown; stderr?: unknown } | undefined;
    if (typeof body?.exit_code !== 'number')
      throw new RunnerError(`the Sandy API answered an exec in sandbox ${sandboxId} without an exit_code`, 502, 'sandy_bad_response');
    return { exitCode: body.exit_code, stdout: String(body.stdout ?? ''), stderr: String(body.stderr ?? '') };
  }

  async terminate(sandboxId: string): Promise<void> {
    try {
      // Never the caller's signal: a request that was cancelled must still give its sandbox back.
      await this.call(
        'POST',
        `/api/sandboxes/${encodeURIComponent(sandboxId)}/terminate`,
        undefined,
        new AbortController().signal,
        `terminating sandbox ${sandboxId}`,
      );
    } catch (e) {
      if (e instanceof SandyHttpError && e.httpStatus === 404) return;
      throw e;
    }
  }

  proxy(sandboxId: string, port: number): { baseUrl: string; headers: Record<string, string> } {
    return {
      baseUrl: `${this.config.baseUrl}/api/sandboxes/${encodeURIComponent(sandboxId)}/proxy/${port}`,
      headers: { authorization: `Bearer ${this.config.apiKey}` },
    };
  }

  private async call(method: string, path: string, body: unknown, signal: AbortSignal, doing: Doing): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.config.requestTimeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(`${this.config.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.config.apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.any([signal, timeout]),
      });
      text = await response.text();
    } catch (e) {
      if (signal.aborted) throw cancelled(doing);
      if (timeout.aborted) throw new RunnerError(`the Sandy API did not answer within ${this.config.requestTimeoutMs} ms while ${doing}`, 504, 'sandy_timeout');
      throw new RunnerError(`the Sandy API at ${this.config.baseUrl} is unreachable while ${doing} (${causeOf(e)})`, 502, 'sandy_unreachable');
    }
    if (!response.ok) throw new SandyHttpError(response.status, doing, this.redact(text));
    try {
      return text ? (JSON.parse(text) as unknown) : undefined;
    } catch {
      throw new RunnerError(`the Sandy API answered with something other than JSON while ${doing}`, 502, 'sandy_bad_response');
    }
  }

  // Sandy has no reason to echo the key, but an error body goes into messages a client sees.
  private redact(text: string): string {
    const short = text.slice(0, 300).replace(/\s+/g, ' ').trim();
    return this.config.apiKey ? short.split(this.config.apiKey).join('***') : short;
  }
}

/**
 * A Sandy API answer with an error status. For the gateway's client every one of them is the upstream's
 * fault, so the status the client sees is 502, never Sandy's own: a 401 here means the gateway's SANDY_API_KEY
 * was refused, and passing 401 on would tell the client that *its* key is wrong.
 */
export class SandyHttpError extends RunnerError {
  constructor(
    readonly httpStatus: number,
    doing: Doing,
    detail: string,
  ) {
    const refused = httpStatus === 401 || httpStatus === 403;
    super(
      refused
        ? `the Sandy API refused the gateway's credentials (HTTP ${httpStatus}) while ${doing}: check SANDY_API_KEY`
        : `the Sandy API failed with HTTP ${httpStatus} while ${doing}${detail ? `: ${detail}` : ''}`,
      502,
      refused ? 'sandy_unauthorized' : 'sandy_error',
    );
    this.name = 'SandyHttpError';
  }
}

/** The client went away; 499 is the status proxies use for that, and no one reads the body. */
export function cancelled(doing: Doing): RunnerError {
  return new RunnerError(`the request was cancelled while ${doing}`, 499, 'request_cancelled');
}

function causeOf(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message ?? String(e);
}
