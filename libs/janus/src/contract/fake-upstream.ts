import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

export const UPSTREAM_REPLY = 'hello from the platform';
/** The platform's own figures, unlike anything the agent would count, so a test can tell whose usage it got. */
export const UPSTREAM_USAGE = { prompt_tokens: 11, completion_tokens: 4, total_tokens: 15 };

/**
 * An OpenAI-compatible platform the contract test controls: it answers chat completions (streaming and not)
 * with a known text and records what reached it, so the proxy check can prove the request and key went
 * through and the answer came back.
 */
export class FakeUpstream {
  readonly requests: RecordedRequest[] = [];
  /** Answer `stream_options.include_usage` with a usage chunk, as OpenAI does; off: a platform that ignores it. */
  honoursStreamOptions = true;
  private server?: Server;

  async start(): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    // All interfaces: containers reach the host through the bridge gateway (the name the engine gives it: host.docker.internal, host.containers.internal).
    await new Promise<void>((resolve) => this.server!.listen(0, '0.0.0.0', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    let body: unknown = null;
    try {
      body = JSON.parse(raw);
    } catch {
      body = raw;
    }
    this.requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body });
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found', type: 'not_found_error' } }));
      return;
    }
    const created = Math.floor(Date.now() / 1000);
    const model = (body as { model?: string })?.model ?? 'upstream-model';
    if ((body as { stream?: boolean })?.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.write(chunk({ role: 'assistant', content: '' }, null));
      for (const word of UPSTREAM_REPLY.split(' ')) res.write(chunk({ content: `${word} ` }, null));
      res.write(chunk({}, 'stop'));
      if (this.honoursStreamOptions && (body as { stream_options?: { include_usage?: boolean } })?.stream_options?.include_usage === true)
        res.write(
          `data: ${JSON.stringify({ id: 'chatcmpl-upstream', object: 'chat.completion.chunk', created, model, choices: [], usage: UPSTREAM_USAGE })}\n\n`,
        );
      res.end('data: [DONE]\n\n');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        id: 'chatcmpl-upstream',
        object: 'chat.completion',
        created,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: UPSTREAM_REPLY }, finish_reason: 'stop' }],
        usage: UPSTREAM_USAGE,
      }),
    );
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections?.();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
