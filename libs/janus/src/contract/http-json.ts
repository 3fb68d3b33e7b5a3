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
  const res = await fetch(url, {
    method: init.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed: unknown = undefined;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: callers judge by text/contentType
  }
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed, text };
}
