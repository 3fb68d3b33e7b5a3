import { request } from 'node:http';
import { EngineApiError, type EngineApi, type ImageHistoryEntry, type ImageInfo } from './engine-api';

/** The Engine API over a local unix socket with node:http: no client library to load for a few JSON calls. */
export class SocketEngineApi implements EngineApi {
  constructor(readonly socketPath: string) {}

  /** One call; answers outside `expected` become an EngineApiError with the engine's own message. */
  private call(method: 'GET' | 'POST' | 'DELETE', path: string, expected: number[]): Promise<{ status: number; body: unknown }> {
    return new Promise((resolve, reject) => {
      const req = request({ socketPath: this.socketPath, method, path, headers: { host: 'docker' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = text;
          if ((res.headers['content-type'] ?? '').includes('json') && text) {
            try {
              body = JSON.parse(text);
            } catch {
              // a malformed answer is reported below by its status, or handed on as text
            }
          }
          const status = res.statusCode ?? 0;
          if (expected.includes(status)) return resolve({ status, body });
          const message = (body as { message?: string })?.message ?? (text.trim() || res.statusMessage || 'no message');
          reject(new EngineApiError(status, message));
        });
      });
      req.on('error', reject);
      req.end();
    });
  }

  async ping(): Promise<void> {
    await this.call('GET', '/_ping', [200]);
  }

  async info(): Promise<{ RegistryConfig?: { Mirrors?: string[] } }> {
    return (await this.call('GET', '/info', [200])).body as { RegistryConfig?: { Mirrors?: string[] } };
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    const { status, body } = await this.call('GET', `/images/${ref}/json`, [200, 404]);
    return status === 404 ? undefined : (body as ImageInfo);
  }

  async tagImage(image: string, repo: string, tag: string): Promise<void> {
    await this.call('POST', `/images/${image}/tag?${new URLSearchParams({ repo, tag })}`, [200, 201]);
  }

  async removeImage(image: string): Promise<void> {
    await this.call('DELETE', `/images/${image}?noprune=false`, [200]);
  }

  async imageHistory(ref: string): Promise<ImageHistoryEntry[]> {
    return (await this.call('GET', `/images/${ref}/history`, [200])).body as ImageHistoryEntry[];
  }
}
