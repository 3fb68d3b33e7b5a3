import type { BaselineCheck } from '../check';
import { requestJson } from '../http-json';
import { describeZodError } from '../wire/describe-zod-error';
import { modelsList } from '../wire/models-list';

export const models: BaselineCheck = {
  id: 'models',
  title: 'GET /v1/models list',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    const res = await requestJson(`${t.url}/v1/models`, {}, t.limits.requestTimeoutMs);
    if (res.status !== 200) return { ok: false, figure: `HTTP ${res.status}`, detail: res.text.slice(0, 300) };
    const parsed = modelsList.safeParse(res.body);
    if (!parsed.success) return { ok: false, figure: 'bad shape', detail: describeZodError(parsed.error) };
    return { ok: true, figure: parsed.data.data.map((m) => m.id).join(', ') };
  },
};
