import { RequestTimeoutError, timedOut } from './request-timeout';
import { createParser } from 'eventsource-parser';

export interface SseResult {
  status: number;
  contentType: string;
  /** The `data:` payloads in order, [DONE] excluded. */
  events: string[];
  sawDone: boolean;
  /** How many of `events` came before `data: [DONE]` (all of them when there was no [DONE]). */
  eventsBeforeDone: number;
  /** The start of the body as received, for failure details (an error object instead of a stream, say). */
  head: string;
  startedAt: number;
  endedAt: number;
}

const HEAD_CHARS = 1000;

/**
 * POSTs and reads a server-sent-event stream to its end, or fails after `timeoutMs`: a server that never
 * sends [DONE] or never closes must fail the check, not hang it.
 */
export async function postAndReadSse(url: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<SseResult> {
  const startedAt = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const what = `POST ${new URL(url).pathname} (stream)`;
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal }).catch(
    (e: unknown) => {
      throw timedOut(e, signal) ? new RequestTimeoutError(what, timeoutMs, true) : e;
    },
  );
  const events: string[] = [];
  let sawDone = false;
  let eventsBeforeDone = 0;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') {
        if (!sawDone) eventsBeforeDone = events.length;
        sawDone = true;
      } else events.push(event.data);
    },
  });
  const decoder = new TextDecoder();
  let head = '';
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      if (head.length < HEAD_CHARS) head += text.slice(0, HEAD_CHARS - head.length);
      parser.feed(text);
    }
  } catch (e) {
    if (signal.aborted)
      throw new RequestTimeoutError(what, timeoutMs, false, `the stream was still open: ${events.length} events${sawDone ? ', [DONE] seen' : ', no [DONE]'}`);
    throw e;
  }
  return {
    status: res.status,
    contentType: res.headers.get('content-type') ?? '',
    events,
    sawDone,
    eventsBeforeDone: sawDone ? eventsBeforeDone : events.length,
    head,
    startedAt,
    endedAt: Date.now(),
  };
}
