import type { BaselineCheck } from '../check';
import { requestJson } from '../http-json';
import { openAiError } from '../wire/error';

const MALFORMED: Array<[string, string]> = [
  ['messages not an array', JSON.stringify({ messages: 'nope' })],
  ['invalid JSON', '{"messages": ['],
];

/** Malformed requests get a 4xx with an OpenAI-shaped error object, never a 200 or a 500. */
export const errors: BaselineCheck = {
  id: 'errors',
  title: 'malformed requests → 4xx error object',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    const problems: string[] = [];
    for (const [label, body] of MALFORMED) {
      const res = await requestJson(`${t.url}/v1/chat/completions`, { body }, t.limits.requestTimeoutMs);
      if (res.status < 400 || res.status >= 500) problems.push(`${label}: HTTP ${res.status}`);
      else if (!openAiError.safeParse(res.body).success)
        problems.push(`${label}: HTTP ${res.status} without an OpenAI error object: ${res.text.slice(0, 120)}`);
    }
    return problems.length
      ? { ok: false, figure: `${MALFORMED.length - problems.length}/${MALFORMED.length}`, detail: problems.join('\n') }
      : { ok: true, figure: `${MALFORMED.length}/${MALFORMED.length} 4xx` };
  },
};
