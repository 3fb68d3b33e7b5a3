import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log';
import { type CompetitorRunner, RunnerError } from '../runners/competitor-runner';
import type { ModelRouter } from './model-router';
import { sendError, sendJson } from './openai-error';
import { proxyChat } from './proxy';

const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface GatewayServerOptions {
  router: ModelRouter;
  runners: Partial<Record<CompetitorRunner['kind'], CompetitorRunner>>;
  logger: Logger;
  upstreamIdleTimeoutMs: number;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  // Events rather than an async iterator: this runs once per request, and the iterator costs measurably more CPU.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        req.pause();
        reject(new BodyError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The chat request's routing facts, or a 400 naming the field. The rest of the body is the competitor's to judge. */
function parseChat(raw: Buffer): { model: string; stream: boolean } {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new BodyError(400, `the body is not valid JSON: ${(e as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BodyError(400, 'the body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (!Array.isArray(b.messages))
    throw new BodyError(400, `messages: ${b.messages === undefined ? 'missing' : JSON.stringify(b.messages)}: must be an array of messages`, 'messages');
  if (typeof b.model !== 'string' || !b.model)
    throw new BodyError(400, `model: ${b.model === undefined ? 'missing' : JSON.stringify(b.model)}: must be a model id from GET /v1/models`, 'model');
  if (b.stream !== undefined && typeof b.stream !== 'boolean') throw new BodyError(400, `stream: ${JSON.stringify(b.stream)}: must be true or false`, 'stream');
  return { model: b.model, stream: b.stream === true };
}

/** The OpenAI-compatible front door: /health, /v1/models, /v1/chat/completions routed by `model`. */
export class GatewayServer {
  readonly server: Server;
  private inFlight = 0;

  constructor(private readonly o: GatewayServerOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        o.logger.warn('request failed', { method: req.method, path: req.url, reason: (e as Error).message });
        sendError(res, 500, 'internal gateway error', 'internal_error');
      });
    });
    // Streams may stay quiet between chunks for a long while; the upstream idle timeout is the one that counts.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 65_000;
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    return (this.server.address() as AddressInfo).port;
  }

  /** Stops accepting, lets answers in flight finish for up to `graceMs`, then cuts what is left. */
  async close(graceMs = 5000): Promise<void> {
    const closed = new Promise((r) => this.server.close(r));
    this.server.closeIdleConnections();
    const t0 = Date.now();
    while (this.inFlight > 0 && Date.now() - t0 < graceMs) await new Promise((r) => setTimeout(r, 50));
    this.server.closeAllConnections();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, `${req.method} /health: use GET`, 'method_not_allowed');
      return sendJson(res, 200, { status: 'ok' });
    }
    if (path === '/v1/models') {
      if (req.method !== 'GET') return sendError(res, 405, `${req.method} /v1/models: use GET`, 'method_not_allowed');
      const models = await this.o.router.models();
      return sendJson(res, 200, { object: 'list', data: models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'janus-gateway' })) });
    }
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') return sendError(res, 405, `${req.method} /v1/chat/completions: use POST`, 'method_not_allowed');
      this.inFlight++;
      try {
        return await this.chat(req, res);
      } finally {
        this.inFlight--;
      }
    }
    return sendError(res, 404, `no route for ${req.method} ${path}`, 'not_found');
  }

  private async chat(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    let routing: { model: string; stream: boolean };
    try {
      body = await readBody(req);
      routing = parseChat(body);
    } catch (e) {
      if (e instanceof BodyError) return sendError(res, e.status, e.message, 'invalid_request', e.param);
      throw e;
    }
    let competitor;
    try {
      competitor = await this.o.router.resolve(routing.model);
    } catch (e) {
      if (e instanceof RunnerError) return sendError(res, e.status, e.message, e.code);
      throw e;
    }
    if (!competitor) {
      const known = await this.o.router.models();
      return sendError(
        res,
        404,
        `The model '${routing.model}' does not exist; this gateway serves: ${known.join(', ') || 'no models'}`,
        'model_not_found',
        'model',
      );
    }
    const runner = this.o.runners[competitor.runner];
    if (!runner) return sendError(res, 503, `no ${competitor.runner} runner is configured in this gateway for model ${competitor.model}`, 'runner_unavailable');

    // The client going away cancels everything done on its behalf: the wait for a container and the upstream request.
    const client = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) client.abort();
    });
    const t0 = Date.now();
    let lease;
    try {
      lease = await runner.acquire(competitor, client.signal);
    } catch (e) {
      if (client.signal.aborted) return;
      if (e instanceof RunnerError) {
        this.o.logger.warn('competitor not available', { model: competitor.model, runner: runner.kind, status: e.status, code: e.code, reason: e.message });
        return sendError(res, e.status, e.message, e.code);
      }
      throw e;
    }
    const result = await proxyChat({ body, stream: routing.stream, lease, res, signal: client.signal, idleTimeoutMs: this.o.upstreamIdleTimeoutMs });
    await lease.release(result.outcome);
    const fields = { model: competitor.model, runner: runner.kind, stream: routing.stream, ms: Date.now() - t0, firstByteMs: result.firstByteMs };
    if (client.signal.aborted) this.o.logger.info('client went away; upstream request cancelled', fields);
    else if (result.outcome === 'failed') this.o.logger.warn('competitor failed', { ...fields, reason: result.detail });
    else this.o.logger.debug('chat relayed', fields);
  }
}
