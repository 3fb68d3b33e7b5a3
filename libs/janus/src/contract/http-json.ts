import { RequestTimeoutError, timedOut } from './request-timeout';

export interface JsonResponse {
  status: number;
  contentType: string;
  body: unknown;
  text: string;
}

/** One HTTP exchange with a deadline; the body is parsed as JSON when it is JSON. */
export async function requestJson(
  url: string,
  init: { method?: string; body?: string | object; headers?: Record<string, string> } = {},
  timeoutMs = 10_000,
): Promise<JsonResponse> {
  const body = typeof init.body === 'object' ? JSON.stringify(init.body) : init.body;
  const method = init.method ?? (body === undefined ? 'GET' : 'POST');
  const signal = AbortSignal.timeout(timeoutMs);
  let res: Response | undefined;
  let text: string;
  try {
    res = await fetch(url, {
      method,
      headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
      body,
      signal,
    });
    text = await res.text();
  } catch (e) {
    if (timedOut(e, signal)) throw new RequestTimeoutError(`${method} ${new URL(url).pathname}`, timeoutMs, !res, res ? 'the body never ended' : '');
    throw e;
  }
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: callers judge by text/contentType
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed, text };
}
