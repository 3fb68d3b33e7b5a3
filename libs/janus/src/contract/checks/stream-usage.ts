import type { BaselineCheck, CheckOutcome } from '../check';
import { postAndReadSse } from '../sse-reader';
import { describeZodError } from '../wire/describe-zod-error';
import { usageChunk } from '../wire/usage-chunk';
import { type BaselineTarget, chatBody } from './target';

type Event = { usage?: unknown; choices?: unknown };

/**
 * `stream_options: {include_usage: true}` must add exactly one chunk with empty choices and the token
 * figures, after every chunk with choices and before `data: [DONE]`, as OpenAI sends it: token-counting
 * clients read the usage from there and nowhere else.
 */
export async function checkStreamUsage(t: Pick<BaselineTarget, 'url' | 'model' | 'limits'>): Promise<CheckOutcome> {
  const body = { ...chatBody(await t.model(), 'usage check', true), stream_options: { include_usage: true } };
  const r = await postAndReadSse(`${t.url}/v1/chat/completions`, body, t.limits.requestTimeoutMs);
  if (r.status !== 200) return { ok: false, figure: `HTTP ${r.status}`, detail: r.head.slice(0, 300) };
  const events: Event[] = [];
  for (const data of r.events) {
    try {
      events.push(JSON.parse(data));
    } catch {
      return { ok: false, figure: 'bad event', detail: `an event is not JSON: ${data.slice(0, 120)}` };
    }
  }
  // Other chunks may carry `"usage": null`, as OpenAI's do; only a value counts.
  const withUsage = events.flatMap((e, i) => (e.usage != null ? [i] : []));
  if (withUsage.length === 0) return { ok: false, figure: 'no usage chunk', detail: `none of ${events.length} events carried usage` };
  if (withUsage.length > 1)
    return { ok: false, figure: `${withUsage.length} usage chunks`, detail: `events ${withUsage.map((i) => i + 1).join(', ')} carried usage` };
  const at = withUsage[0];
  const parsed = usageChunk.safeParse(events[at]);
  if (!parsed.success) return { ok: false, figure: 'bad usage chunk', detail: describeZodError(parsed.error) };
  const lastWithChoices = Math.max(-1, ...events.flatMap((e, i) => (Array.isArray(e.choices) && e.choices.length > 0 ? [i] : [])));
  if (lastWithChoices < 0) return { ok: false, figure: 'no content', detail: 'no chunk carried choices' };
  if (at < lastWithChoices)
    return { ok: false, figure: `usage at ${at + 1}/${events.length}`, detail: `the usage chunk came before chunk ${lastWithChoices + 1}, which has choices` };
  if (!r.sawDone) return { ok: false, figure: 'no [DONE]', detail: 'the stream ended without data: [DONE]' };
  if (at >= r.eventsBeforeDone)
    return { ok: false, figure: 'usage after [DONE]', detail: 'the usage chunk came after data: [DONE], where clients stop reading' };
  const { prompt_tokens, completion_tokens, total_tokens } = parsed.data.usage;
  return { ok: true, figure: `${prompt_tokens} + ${completion_tokens} = ${total_tokens} tokens before [DONE]` };
}

export const streamUsage: BaselineCheck = {
  id: 'stream-usage',
  title: 'stream_options.include_usage → usage chunk',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  run: checkStreamUsage,
};
