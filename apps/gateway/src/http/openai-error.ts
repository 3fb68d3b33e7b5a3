import type { ServerResponse } from 'node:http';

/** The error object every OpenAI client understands: `{"error":{"message","type","param","code"}}`. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

const TYPE_BY_STATUS: Record<number, string> = {
  400: 'invalid_request_error',
  404: 'invalid_request_error',
  405: 'invalid_request_error',
  413: 'invalid_request_error',
  502: 'upstream_error',
  503: 'server_error',
  504: 'timeout_error',
};

export function openAiError(status: number, message: string, code: string | null = null, param: string | null = null): OpenAiErrorBody {
  return { error: { message, type: TYPE_BY_STATUS[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param, code } };
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendError(res: ServerResponse, status: number, message: string, code: string | null = null, param: string | null = null): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, status, openAiError(status, message, code, param));
}

/** An error as one SSE event, for a stream whose headers are already out. */
export function sseError(status: number, message: string, code: string): string {
  return `data: ${JSON.stringify(openAiError(status, message, code))}\n\n`;
}
