import type { BaselineCheck } from '../check';
import { requestJson } from '../http-json';
import { chatCompletion as chatCompletionShape } from '../wire/chat-completion';
import { describeZodError } from '../wire/describe-zod-error';
import { chatBody } from './target';

export const chatCompletion: BaselineCheck = {
  id: 'chat-completion',
  title: 'chat completion (JSON)',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    const t0 = Date.now();
    const res = await requestJson(`${t.url}/v1/chat/completions`, { body: chatBody(await t.model(), 'contract check') }, t.limits.requestTimeoutMs);
    if (res.status !== 200) return { ok: false, figure: `HTTP ${res.status}`, detail: res.text.slice(0, 300) };
    const parsed = chatCompletionShape.safeParse(res.body);
    if (!parsed.success) return { ok: false, figure: 'bad shape', detail: describeZodError(parsed.error) };
    return { ok: true, figure: `${Date.now() - t0} ms` };
  },
};
