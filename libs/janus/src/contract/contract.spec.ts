import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NOT_RUN, runCheck, runChecks } from './check';
import { portHint } from './checks/readiness';
import { requestJson } from './http-json';
import { allOverlap } from './checks/concurrency';
import { junitXml, reportTable, type ContractReport } from './report';
import { postAndReadSse } from './sse-reader';
import { chatCompletion } from './wire/chat-completion';
import { chatCompletionChunk } from './wire/chunk';
import { openAiError } from './wire/error';

describe('wire schemas', () => {
  const completion = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1700000000,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
  it('accepts an OpenAI chat completion and rejects one without usage or finish_reason', () => {
    expect(chatCompletion.safeParse(completion).success).toBe(true);
    expect(chatCompletion.safeParse({ ...completion, usage: undefined }).success).toBe(false);
    expect(chatCompletion.safeParse({ ...completion, choices: [{ index: 0, message: { role: 'assistant', content: 'x' } }] }).success).toBe(false);
  });
  it('accepts chunks with a null finish_reason and rejects a chat.completion posing as a chunk', () => {
    expect(
      chatCompletionChunk.safeParse({
        id: 'c',
        object: 'chat.completion.chunk',
        created: 1,
        model: 'm',
        choices: [{ index: 0, delta: { content: 'a' }, finish_reason: null }],
      }).success,
    ).toBe(true);
    expect(chatCompletionChunk.safeParse(completion).success).toBe(false);
  });
  it('recognises an OpenAI error body', () => {
    expect(openAiError.safeParse({ error: { message: 'bad', type: 'invalid_request_error', param: 'messages', code: null } }).success).toBe(true);
    expect(openAiError.safeParse({ detail: 'bad' }).success).toBe(false);
  });
});

describe('overlap', () => {
  it('is true only when every request started before every other ended', () => {
    expect(
      allOverlap([
        { startedAt: 0, endedAt: 10 },
        { startedAt: 5, endedAt: 15 },
      ]),
    ).toBe(true);
    expect(
      allOverlap([
        { startedAt: 0, endedAt: 10 },
        { startedAt: 10, endedAt: 20 },
      ]),
    ).toBe(false);
  });
});

describe('runCheck', () => {
  it('turns a throw into a failed result with its message, and enforces a deadline', async () => {
    expect(await runCheck('x', 'X', async () => Promise.reject(new Error('boom')))).toMatchObject({ ok: false, detail: 'boom' });
    expect(await runCheck('y', 'Y', () => new Promise(() => undefined), 50)).toMatchObject({ ok: false, detail: 'the check did not finish within 0.05 s' });
  });
});

describe('reports', () => {
  const report: ContractReport = {
    project: 'p',
    image: 'img:1',
    imageId: `sha256:${'c'.repeat(64)}`,
    kind: 'baseline',
    ok: false,
    durationMs: 2500,
    checks: [
      { id: 'readiness', title: 'ready', ok: true, figure: '300 ms', durationMs: 300 },
      { id: 'streaming', title: 'sse <stream>', ok: false, figure: 'no [DONE]', detail: 'ended & closed', durationMs: 200 },
    ],
  };
  it('prints a table with figures and the failure details', () => {
    const table = reportTable(report);
    expect(table).toMatch(/^readiness\s+pass\s+300 ms$/m);
    expect(table).toMatch(/^streaming\s+FAIL\s+no \[DONE\]$/m);
    expect(table).toMatch(/^streaming: ended & closed$/m);
    expect(table).toMatch(/img:1: 1\/2 checks passed in 2\.5 s/);
  });
  it('writes escaped JUnit XML with one testcase per check', () => {
    const xml = junitXml(report);
    expect(xml).toMatch(/<testsuite name="contract-test p" tests="2" failures="1" time="2.500">/);
    expect(xml).toContain('name="streaming: sse &lt;stream&gt;"');
    expect(xml).toContain('<failure message="no [DONE]">ended &amp; closed</failure>');
  });
});

describe('SSE reader', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"a":1}\n\n');
      if (req.url === '/done') res.end('data: [DONE]\n\n');
      // /hang: never ends
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads events up to [DONE]', async () => {
    const r = await postAndReadSse(`${url}/done`, {}, 2000);
    expect(r).toMatchObject({ status: 200, events: ['{"a":1}'], sawDone: true });
  });
  it('fails a stream that never ends at the timeout, naming the limit and the option that sets it', async () => {
    await expect(postAndReadSse(`${url}/hang`, {}, 300)).rejects.toThrow(
      /POST \/hang \(stream\): no complete answer within the request timeout of 0.3 s \(the stream was still open: 1 events, no \[DONE\]\); 'requestTimeoutS' sets the limit/,
    );
  });
});

describe('a server that leaves a request hanging', () => {
  let server: Server;
  let url = '';
  let asked = 0;
  beforeAll(async () => {
    server = createServer((req) => {
      asked++;
      req.resume(); // never answers
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('costs the suite one request timeout, not one per check, and the report names the limit', async () => {
    const post = () => requestJson(`${url}/v1/chat/completions`, { body: {} }, 300).then(() => ({ ok: true, figure: 'answered' }));
    const checks = [
      { id: 'first', title: 'first', needs: [], asksApi: true },
      { id: 'second', title: 'second', needs: [], asksApi: true },
      { id: 'third', title: 'third', needs: [], asksApi: true },
      { id: 'hygiene', title: 'hygiene', needs: [] },
    ];
    const t0 = Date.now();
    const results = await runChecks(checks, (c) => (c.asksApi ? post() : Promise.resolve({ ok: true, figure: 'fine' })), { skip: [], deadlineMs: 5000 });
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(asked).toBe(1);
    expect(results[0].detail).toBe("POST /v1/chat/completions: no complete answer within the request timeout of 0.3 s; 'requestTimeoutS' sets the limit");
    expect(results[1]).toMatchObject({
      ok: false,
      figure: NOT_RUN,
      detail: expect.stringMatching(/^not asked: in first, POST \/v1\/chat\/completions: .*0.3 s; 'requestTimeoutS'/),
    });
    expect(results[2].figure).toBe(NOT_RUN);
    expect(results[3]).toMatchObject({ ok: true });
  });
});

describe('readiness on a port the image does not EXPOSE', () => {
  it('hints the port(s) the image EXPOSEs, naming the option', () => {
    expect(portHint(8081, ['8080/tcp'])).toBe("the contract checked port 8081 ('port'), but the image EXPOSEs 8080: run it with --port=8080");
    expect(portHint(8080, ['8080/tcp', '9090/tcp'])).toBeUndefined();
    // An image that EXPOSEs nothing gives no basis for a hint.
    expect(portHint(8080, [])).toBeUndefined();
  });
});
