import { requestJson } from '../http-json';
import { modelsList } from '../wire/models-list';
import { describeZodError } from '../wire/describe-zod-error';
import type { BaselineTarget } from './target';

export async function checkModels(t: BaselineTarget) {
  const res = await requestJson(`${t.url}/v1/models`, {}, t.limits.requestTimeoutMs);
  if (res.status !== 200) return { ok: false, figure: `HTTP ${res.status}`, detail: res.text.slice(0, 300) };
  const parsed = modelsList.safeParse(res.body);
  if (!parsed.success) return { ok: false, figure: 'bad shape', detail: describeZodError(parsed.error) };
  return { ok: true, figure: parsed.data.data.map((m) => m.id).join(', ') };
}
