import { Agent as HttpAgent, type IncomingMessage, request as httpRequest, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Lease } from '../runners/competitor-runner';
import { sendError, sseError } from './openai-error';

// Kept-alive connections to competitors: a fresh TCP handshake per request would be most of the gateway's overhead.
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: Infinity });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: Infinity });
// At the start of a line: the same words inside a JSON string of an event are not the end of the stream.
const DONE = '\ndata: [DONE]';

export interface ProxyOptions {
  /** The request as the client sent it (already validated). */
  body: Buffer;
  stream: boolean;
  lease: Lease;
  res: ServerResponse;
  /** Aborted when the client goes away: the upstream request is torn down with it. */
  signal: AbortSignal;
  /** A competitor silent for this long (mid-stream or before answering) counts as dead. */
  idleTimeoutMs: number;
}

export type ProxyOutcome = { outcome: 'ok' | 'failed'; detail?: string; firstByteMs?: number };

/**
 * Sends one chat completion to the leased competitor and relays the answer. A stream is relayed chunk by chunk
 * as it comes; if the competitor dies or stalls mid-stream, the client gets an OpenAI-shaped error event and
 * the stream ends (never a hang, never a silent truncation). Outcome `failed` tells the runner the endpoint
 * is suspect; a client that went away is not the competitor's fault.
 */
export function proxyChat(o: ProxyOptions): Promise<ProxyOutcome> {
  // Relative, so a lease whose base URL has a path (the Sandy proxy path) keeps it.
  const url = new URL('v1/chat/completions', o.lease.baseUrl.replace(/\/*$/, '/'));
  const isHttps = url.protocol === 'https:';
  const t0 = Date.now();
  return new Promise<ProxyOutcome>((resolve) => {
    let settled = false;
    const finish = (r: ProxyOutcome) => {
      if (settled) return;
      settled = true;
      resolve(r);
    };
    const upstreamFailed = (status: number, message: string, code: string) => {
      if (o.signal.aborted) return finish({ outcome: 'ok', detail: 'client went away' });
      if (!o.res.headersSent) sendError(o.res, status, message, code);
      else if (!o.res.writableEnded) o.res.end(sseError(status, message, code));
      finish({ outcome: 'failed', detail: message });
    };
    const req = (isHttps ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: isHttps ? httpsAgent : httpAgent,
        signal: o.signal,
        headers: {
          ...o.lease.headers,
          'content-type': 'application/json',
          'content-length': o.body.length,
          accept: o.stream ? 'text/event-stream' : 'application/json',
        },
      },
      (up: IncomingMessage) => relay(up),
    );
    req.setTimeout(o.idleTimeoutMs, () => req.destroy(new StallError(o.idleTimeoutMs)));
    req.on('error', (e) => {
      if (e instanceof StallError) return upstreamFailed(504, e.message, 'competitor_stalled');
      upstreamFailed(502, `competitor unreachable: ${e.message}`, 'competitor_unreachable');
    });
    req.end(o.body);

    function relay(up: IncomingMessage) {
      const firstByteMs = Date.now() - t0;
      const eventStream = (up.headers['content-type'] ?? '').startsWith('text/event-stream');
      const broken = (message: string, status = 502, code = 'competitor_stream_broken') => upstreamFailed(status, message, code);
      up.on('error', (e) => {
        if (e instanceof StallError) return broken(`${e.message} mid-answer`, 504, 'competitor_stalled');
        broken(`the competitor's answer broke off: ${e.message}`);
      });
      up.on('aborted', () => broken("the competitor's connection closed mid-answer"));
      if (!eventStream) {
        const chunks: Buffer[] = [];
        up.on('data', (c: Buffer) => chunks.push(c));
        up.on('end', () => {
          if (settled) return;
          const body = Buffer.concat(chunks);
          o.res.writeHead(up.statusCode ?? 502, { 'content-type': up.headers['content-type'] ?? 'application/json', 'content-length': body.length });
          o.res.end(body);
          finish({ outcome: 'ok', firstByteMs });
        });
        return;
      }
      o.res.writeHead(up.statusCode ?? 200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
      o.res.flushHeaders();
      let tail = '\n';
      let sawDone = false;
      up.on('data', (c: Buffer) => {
        const text = c.toString('latin1');
        if (!sawDone) sawDone = (tail + text).includes(DONE);
        tail = text.length >= 16 ? text.slice(-16) : (tail + text).slice(-16);
        // Back-pressure: a slow client slows the competitor instead of filling the gateway's memory.
        if (!o.res.write(c)) {
          up.pause();
          o.res.once('drain', () => up.resume());
        }
      });
      up.on('end', () => {
        if (settled) return;
        if (!sawDone) return broken('the competitor ended the stream before data: [DONE]');
        o.res.end();
        finish({ outcome: 'ok', firstByteMs });
      });
    }
  });
}

class StallError extends Error {
  constructor(ms: number) {
    super(`the competitor sent nothing for ${Math.round(ms / 1000)} s`);
  }
}
