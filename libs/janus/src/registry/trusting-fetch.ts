import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

const MAX_REDIRECTS = 10;

/**
 * `fetch` over node:https with these CAs trusted: Node's own fetch takes no CA option (and undici's Agent is not
 * exposed by Node 20), and a registry with a private CA must be reachable without restarting Node with
 * NODE_EXTRA_CA_CERTS. Just what the registry client uses: method, headers, a buffered body, an abort signal and
 * redirects (blob reads redirect to storage, often on another host).
 */
export function trustingFetch(ca: string[]): typeof fetch {
  const send = (url: URL, init: RequestInit, redirects: number): Promise<Response> =>
    new Promise((resolve, reject) => {
      const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const body = init.body ? Buffer.from(init.body as Uint8Array) : undefined;
      // A known length rather than chunked encoding, which some registries' storage front ends refuse.
      const headers = { ...(init.headers as Record<string, string>), ...(body ? { 'Content-Length': String(body.length) } : {}) };
      const req = request(url, { method: init.method ?? 'GET', headers, ca, signal: init.signal ?? undefined });
      req.once('error', reject);
      req.once('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.once('error', reject);
        res.once('end', () => {
          const status = res.statusCode ?? 0;
          const location = res.headers.location;
          if (init.redirect !== 'manual' && location && [301, 302, 303, 307, 308].includes(status)) {
            if (redirects >= MAX_REDIRECTS) return reject(new Error(`more than ${MAX_REDIRECTS} redirects from ${url.origin}`));
            // As fetch does: 303 (and 301/302 after a POST) becomes a GET without a body; the rest repeat the request.
            const asGet = status === 303 || ((status === 301 || status === 302) && init.method === 'POST');
            const next = asGet ? { ...init, method: 'GET', body: undefined } : init;
            const target = new URL(location, url);
            // Credentials stay with the registry: storage behind a redirect gets a signed URL, not the password.
            const headers = { ...(next.headers as Record<string, string>) };
            if (target.origin !== url.origin) delete headers.Authorization;
            return resolve(send(target, { ...next, headers }, redirects + 1));
          }
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) for (const value of [v ?? []].flat()) headers.append(k, value);
          const empty = init.method === 'HEAD' || [204, 205, 304].includes(status);
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers }));
        });
      });
      req.end(body);
    });
  return ((input: string | URL | Request, init: RequestInit = {}) => send(new URL(String(input)), init, 0)) as typeof fetch;
}
