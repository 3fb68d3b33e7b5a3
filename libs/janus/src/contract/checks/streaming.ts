import type { BaselineCheck } from '../check';
import { postAndReadSse } from '../sse-reader';
import { chatCompletionChunk } from '../wire/chunk';
import { describeZodError } from '../wire/describe-zod-error';
import { chatBody } from './target';

/** `stream: true` must answer as SSE: chunk events with deltas, a final finish_reason, then `data: [DONE]`. */
export const streaming: BaselineCheck = {
  id: 'streaming',
  title: 'chat completion (SSE, [DONE])',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    const r = await postAndReadSse(`${t.url}/v1/chat/completions`, chatBody(await t.model(), 'stream check', true), t.limits.requestTimeoutMs);
    if (r.status !== 200) return { ok: false, figure: `HTTP ${r.status}` };
    if (!r.contentType.startsWith('text/event-stream')) {
      return { ok: false, figure: r.contentType || 'no content-type', detail: `stream: true was answered as ${r.contentType}, not text/event-stream` };
    }
    if (r.events.length === 0) return { ok: false, figure: '0 events', detail: 'no data events before the stream ended' };
    const chunks = [];
    for (const data of r.events) {
      let json: unknown;
      try {
        json = JSON.parse(data);
      } catch {
        return { ok: false, figure: 'bad event', detail: `an event is not JSON: ${data.slice(0, 120)}` };
      }
      const parsed = chatCompletionChunk.safeParse(json);
      if (!parsed.success) return { ok: false, figure: 'bad chunk', detail: describeZodError(parsed.error) };
      chunks.push(parsed.data);
    }
    const content = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
    if (!content) return { ok: false, figure: `${chunks.length} chunks`, detail: 'no chunk carried content' };
    if (!chunks.some((c) => c.choices[0].finish_reason)) return { ok: false, figure: `${chunks.length} chunks`, detail: 'no chunk carried a finish_reason' };
    if (!r.sawDone) return { ok: false, figure: `${chunks.length} chunks, no [DONE]`, detail: 'the stream ended without data: [DONE]' };
    return { ok: true, figure: `${chunks.length} chunks + [DONE] in ${r.endedAt - r.startedAt} ms` };
  },
};
