import { randomBytes } from 'node:crypto';
import { containerEngine } from '../../engine/docker-client';
import type { BaselineCheck } from '../check';
import { FakeUpstream, UPSTREAM_REPLY } from '../fake-upstream';
import { requestJson } from '../http-json';
import { postAndReadSse } from '../sse-reader';
import { waitUntilReady } from './readiness';
import { chatBody } from './target';

/**
 * Starts the image again with JANUS_PLATFORM_URL pointing at a platform this check controls and a fresh
 * JANUS_LLM_API_KEY: it passes only if the request reached the platform with that key, and the platform's
 * answer came back, streaming and not.
 */
export const platformProxy: BaselineCheck = {
  id: 'platform-proxy',
  title: 'JANUS_PLATFORM_URL proxy with key',
  kind: 'baseline',
  needs: ['readiness'],
  asksApi: true,
  async run(t) {
    const upstream = new FakeUpstream();
    const port = await upstream.start();
    const key = `sk-contract-${randomBytes(8).toString('hex')}`;
    try {
      const host = await containerEngine().containers.hostName();
      const container = await t.scope.start(t.image, {
        containerPort: t.limits.port,
        env: { ...t.env, JANUS_PLATFORM_URL: `http://${host}:${port}/v1`, JANUS_LLM_API_KEY: key },
        reachHost: true,
        labels: { 'org.janus.check': 'platform-proxy' },
      });
      try {
        const ready = await waitUntilReady(container, t.limits.readyTimeoutS);
        if (!ready.ok) return { ok: false, figure: 'not ready', detail: ready.detail };
        const model = await t.model();
        const res = await requestJson(`${container.url}/v1/chat/completions`, { body: chatBody(model, 'via the platform') }, t.limits.requestTimeoutMs);
        const content = (res.body as { choices?: Array<{ message?: { content?: string } }> })?.choices?.[0]?.message?.content ?? '';
        const stream = await postAndReadSse(
          `${container.url}/v1/chat/completions`,
          chatBody(model, 'via the platform, streaming', true),
          t.limits.requestTimeoutMs,
        );
        const streamed = stream.events.map((e) => JSON.parse(e)?.choices?.[0]?.delta?.content ?? '').join('');
        const reached = upstream.requests.filter((r) => r.path.endsWith('/chat/completions'));
        const withKey = reached.filter((r) => r.authorization === `Bearer ${key}`);
        const problems = [];
        if (reached.length < 2) problems.push(`the platform received ${reached.length} of 2 requests`);
        if (withKey.length < reached.length)
          problems.push(`${reached.length - withKey.length} request(s) reached the platform without 'Bearer <JANUS_LLM_API_KEY>'`);
        if (res.status !== 200 || !content.includes(UPSTREAM_REPLY))
          problems.push(`non-streaming: HTTP ${res.status}, content ${JSON.stringify(content.slice(0, 80))}`);
        if (!stream.sawDone || !streamed.includes(UPSTREAM_REPLY.split(' ')[0])) {
          problems.push(`streaming: ${stream.events.length} events, [DONE] ${stream.sawDone ? 'seen' : 'missing'}`);
        }
        return problems.length
          ? { ok: false, figure: `${withKey.length}/2 with key`, detail: problems.join('\n') }
          : { ok: true, figure: `2/2 via platform with key` };
      } finally {
        await container.remove();
      }
    } finally {
      await upstream.stop();
    }
  },
};
