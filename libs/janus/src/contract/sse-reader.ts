import { createParser } from 'eventsource-parser';

export interface SseResult {
  status: number;
  contentType: string;
  /** The `data:` payloads in order, [DONE] excluded. */
  events: string[];
  sawDone: boolean;
  startedAt: number;
  endedAt: number;
}

/**
 * POSTs and reads a server-sent-event stream to its end, or fails after `timeoutMs`: a server that never
 * sends [DONE] or never closes must fail the check, not hang it.
 */
export async function postAndReadSse(url: string, body: unknown, timeoutMs: number, headers: Record<string, string> = {}): Promise<SseResult> {
  const startedAt = Date.now();
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });
  const events: string[] = [];
  let sawDone = false;
  const parser = createParser({
    onEvent: (event) => {
      if (event.data === '[DONE]') sawDone = true;
      else events.push(event.data);
    },
  });
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) parser.feed(decoder.decode(chunk, { stream: true }));
  } catch (e) {
    if (signal.aborted)
      throw new Error(`the stream was still open after ${timeoutMs} ms (${events.length} events${sawDone ? ', [DONE] seen' : ', no [DONE]'})`);
    throw e;
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', events, sawDone, startedAt, endedAt: Date.now() };
}
