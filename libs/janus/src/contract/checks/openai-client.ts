import { RequestTimeoutError, timedOut } from '../request-timeout';
import type OpenAI from 'openai';
import type { BaselineCheck, CheckOutcome } from '../check';

/** The official client against the container: if it can read the answers, real users' SDKs can too. */
export const openAiClient: BaselineCheck = {
  id: 'openai-client',
  title: 'official openai client',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    // Loaded here, not at the top: the SDK is the heaviest module the plugin has, and only this check needs it.
    const { default: OpenAIClient } = await import('openai');
    const client = new OpenAIClient({ baseURL: `${t.url}/v1`, apiKey: 'contract-test', timeout: t.limits.requestTimeoutMs, maxRetries: 0 });
    // The SDK's own timeout covers getting the headers, not reading a stream that never ends: abort both.
    const signal = AbortSignal.timeout(2 * t.limits.requestTimeoutMs);
    const model = await t.model();
    try {
      return await createAndStream(client, model, signal);
    } catch (e) {
      // The SDK's own deadline surfaces as its APIConnectionTimeoutError.
      const sdkTimeout = (e as Error)?.constructor?.name === 'APIConnectionTimeoutError';
      if (sdkTimeout || timedOut(e, signal)) throw new RequestTimeoutError('the openai client', t.limits.requestTimeoutMs, sdkTimeout, (e as Error).message);
      throw e;
    }
  },
};

/** A completion, then a stream, as an application using the SDK makes them. */
async function createAndStream(client: OpenAI, model: string, signal: AbortSignal): Promise<CheckOutcome> {
  const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'sdk check' }] }, { signal });
  if (!completion.choices[0]?.message) return { ok: false, figure: 'no message', detail: 'the SDK returned no choices[0].message' };
  const stream = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'sdk stream' }], stream: true }, { signal });
  let chunks = 0;
  for await (const chunk of stream) if (chunk.choices[0]) chunks++;
  return chunks > 0
    ? { ok: true, figure: `create + stream (${chunks} chunks)` }
    : { ok: false, figure: '0 chunks', detail: 'the SDK stream yielded no chunks' };
}
