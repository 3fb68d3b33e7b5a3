// apps/gateway/src/runners/competitor-runner.ts
// How the gateway reaches a competitor. A runner turns "the competitor for this model" into a lease on an
// HTTP endpoint that speaks the container contract (/health, /v1/models, /v1/chat/completions).

/** One competitor, as the gateway's configuration names it. */
export interface Competitor {
  /** The `model` id clients ask for. */
  readonly model: string;
  /** Image reference (Docker and Sandy runners). */
  readonly image?: string;
  /** Fixed upstream base URL (fixed runner, `COMPETITOR_URL`). */
  readonly url?: string;
  /** Environment passed to the competitor container (never logged). */
  readonly env?: Readonly<Record<string, string>>;
}

/** A ready endpoint, held for one request. */
export interface Lease {
  /** Base URL the request is sent to; the gateway appends `/v1/chat/completions`. */
  readonly baseUrl: string;
  /** Headers the runner needs on proxied requests (e.g. the Sandy bearer token). */
  readonly headers: Readonly<Record<string, string>>;
  /** Give the endpoint back. `failed` tells the runner not to reuse it (it is stopped and removed). */
  release(outcome: 'ok' | 'failed'): Promise<void>;
}

export interface CompetitorRunner {
  readonly kind: 'fixed' | 'docker' | 'sandy';
  /** Resolves once the competitor answers /health; rejects with a RunnerError. Honours `signal`. */
  acquire(competitor: Competitor, signal: AbortSignal): Promise<Lease>;
  /** Stops and removes everything this runner started. Idempotent. */
  shutdown(): Promise<void>;
}

/** A failure the gateway turns into an OpenAI-shaped error body with this HTTP status. */
export class RunnerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'RunnerError';
  }
}
