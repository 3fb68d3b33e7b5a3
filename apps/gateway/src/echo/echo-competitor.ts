import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openAiError, sendJson } from '../http/openai-error';

/**
 * A built-in competitor that answers by echoing the last user message: off unless JANUS_GATEWAY_ECHO_MODEL
 * names it. It listens on its own loopback port and the gateway reaches it through the fixed runner, so a
 * request to it takes the same proxy path (routing, streaming relay, errors) as one to a real competitor;
 * the gateway image can thereby prove the container contract on its own, without a Docker socket or a sibling.
 */
export class EchoCompetitor {
  private server?: Server;

  constructor(readonly model: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((r) => this.server!.close(r));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method === 'GET' && req.url === '/health') return sendJson(res, 200, { status: 'ok' });
    if (req.method === 'GET' && req.url === '/v1/models')
      return sendJson(res, 200, { object: 'list', data: [{ id: this.model, object: 'model', created: 0, owned_by: 'janus-gateway-echo' }] });
    if (req.method !== 'POST' || req.url !== '/v1/chat/completions')
      return sendJson(res, 404, openAiError(404, `no route ${req.method} ${req.url}`, 'not_found'));
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    // The gateway validated the body before routing here.
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
      stream?: boolean;
      stream_options?: { include_usage?: boolean };
      messages: Array<{ role?: string; content?: unknown }>;
    };
    const last = [...body.messages].reverse().find((m) => m.role === 'user');
    const text = `echo: ${typeof last?.content === 'string' ? last.content : JSON.stringify(last?.content ?? '')}`;
    const id = `chatcmpl-echo-${Date.now().toString(36)}`;
    const created = Math.floor(Date.now() / 1000);
    const usage = {
      prompt_tokens: body.messages.length,
      completion_tokens: text.split(' ').length,
      total_tokens: body.messages.length + text.split(' ').length,
    };
    if (!body.stream) {
      return sendJson(res, 200, {
        id,
        object: 'chat.completion',
        created,
        model: this.model,
        choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
        usage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const chunk = (delta: object, finish: string | null, extra: object = {}) =>
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: this.model, choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`;
    res.write(chunk({ role: 'assistant', content: '' }, null));
    for (const word of text.split(/(?<= )/)) res.write(chunk({ content: word }, null));
    res.write(chunk({}, 'stop'));
    if (body.stream_options?.include_usage) {
      res.write(`data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: this.model, choices: [], usage })}\n\n`);
    }
    res.end('data: [DONE]\n\n');
  }
}
