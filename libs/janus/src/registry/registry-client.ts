import { createHash } from 'node:crypto';
import { type AuthChallenge, parseAuthChallenge } from './auth-challenge';
import { ALL_MANIFEST_TYPES, SINGLE_MANIFEST_TYPES } from './media-types';
import { RegistryError, RegistryTimeoutError, RegistryUnreachableError } from './registry-error';

export interface RegistryCredentials {
  username: string;
  password: string;
}

export interface ManifestDescriptor {
  digest: string;
  mediaType: string;
  size: number;
}

export interface FetchedManifest extends ManifestDescriptor {
  body: Buffer;
  json: Record<string, unknown>;
}

export interface RegistryClientOptions {
  credentials?: RegistryCredentials;
  fetch?: typeof fetch;
  /** Per request; a registry that stops answering must not hang a build. Default: registryTimeoutMs(). */
  timeoutMs?: number;
  /** Attempts after the first on a 5xx answer or a dropped connection (never on 401/403 or a deadline). Default 3. */
  retries?: number;
  /** First pause between attempts, doubled each time. Default 500 ms. */
  backoffMs?: number;
  /** Where the credentials came from, named when the registry refuses them. */
  credentialSource?: string;
}

/** The deadline of every registry step (`JANUS_REGISTRY_TIMEOUT_S`, default 30 s). */
export function registryTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.JANUS_REGISTRY_TIMEOUT_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 30_000;
}

// Dropped or refused connections: a registry restarting or a proxy hiccup, worth another try.
const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'ETIMEDOUT']);
const RETRIED_STATUSES = new Set([500, 502, 503, 504]);

function transient(e: unknown): boolean {
  const cause = (e as { cause?: { code?: string } })?.cause;
  return TRANSIENT_CODES.has(cause?.code ?? '') || TRANSIENT_CODES.has((e as { code?: string })?.code ?? '');
}

export function sha256Digest(body: Buffer | string): string {
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

/** Plain HTTP for loopback registries (as the engine allows by default), HTTPS for everything else. */
export function registryBaseUrl(host: string): string {
  if (/^https?:\/\//.test(host)) return host.replace(/\/+$/, '');
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${loopback ? 'http' : 'https'}://${host}`;
}

/**
 * A small client for the distribution (OCI) registry HTTP API: enough to read, write and delete manifests and
 * read blobs, answering Basic and Bearer token challenges as `docker` does.
 */
export class RegistryClient {
  private readonly fetch: typeof fetch;
  private readonly tokens = new Map<string, string>();
  private basic = false;

  constructor(
    readonly baseUrl: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  static forHost(host: string, options?: RegistryClientOptions): RegistryClient {
    return new RegistryClient(registryBaseUrl(host), options);
  }

  async ping(): Promise<void> {
    await this.request('GET', '/v2/', {}, undefined, [200]);
  }

  async headManifest(repo: string, ref: string, accept: readonly string[] = ALL_MANIFEST_TYPES): Promise<ManifestDescriptor | null> {
    const res = await this.request('HEAD', `/v2/${repo}/manifests/${ref}`, { Accept: accept.join(', ') }, `repository:${repo}:pull`, [200, 404]);
    if (res.status === 404) return null;
    return {
      digest: res.headers.get('docker-content-digest') ?? '',
      mediaType: (res.headers.get('content-type') ?? '').split(';')[0],
      size: Number(res.headers.get('content-length') ?? 0),
    };
  }

  async getManifest(repo: string, ref: string, accept: readonly string[] = ALL_MANIFEST_TYPES): Promise<FetchedManifest> {
    const res = await this.request('GET', `/v2/${repo}/manifests/${ref}`, { Accept: accept.join(', ') }, `repository:${repo}:pull`, [200]);
    const body = Buffer.from(await res.arrayBuffer());
    const digest = sha256Digest(body);
    const served = res.headers.get('docker-content-digest');
    // A digest reference pins content: if the bytes do not hash to it, they are not what was asked for.
    if (ref.startsWith('sha256:') && digest !== ref) throw new Error(`registry: manifest ${repo}@${ref} hashes to ${digest}`);
    if (served && served !== digest) throw new Error(`registry: manifest ${repo}:${ref} is served as ${served} but hashes to ${digest}`);
    const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    const mediaType = (json.mediaType as string | undefined) ?? (res.headers.get('content-type') ?? '').split(';')[0];
    return { digest, mediaType, size: body.length, body, json };
  }

  async getSingleManifest(repo: string, ref: string): Promise<FetchedManifest> {
    return this.getManifest(repo, ref, SINGLE_MANIFEST_TYPES);
  }

  /** Uploads a manifest under a tag (or digest); returns the digest the registry stored it as. */
  async putManifest(repo: string, ref: string, mediaType: string, body: Buffer | string): Promise<string> {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const res = await this.request('PUT', `/v2/${repo}/manifests/${ref}`, { 'Content-Type': mediaType }, `repository:${repo}:pull,push`, [201], bytes);
    const digest = sha256Digest(bytes);
    const stored = res.headers.get('docker-content-digest');
    if (stored && stored !== digest) throw new Error(`registry: stored ${repo}:${ref} as ${stored}, expected ${digest}`);
    return digest;
  }

  async deleteManifest(repo: string, digest: string): Promise<void> {
    await this.request('DELETE', `/v2/${repo}/manifests/${digest}`, {}, `repository:${repo}:delete`, [202, 404]);
  }

  async getBlobJson<T = Record<string, unknown>>(repo: string, digest: string): Promise<T> {
    const res = await this.request('GET', `/v2/${repo}/blobs/${digest}`, {}, `repository:${repo}:pull`, [200]);
    const body = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(body) !== digest) throw new Error(`registry: blob ${repo}@${digest} does not match its digest`);
    return JSON.parse(body.toString('utf8')) as T;
  }

  async listTags(repo: string): Promise<string[]> {
    const res = await this.request('GET', `/v2/${repo}/tags/list`, {}, `repository:${repo}:pull`, [200, 404]);
    if (res.status === 404) return [];
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }

  private authHeader(scope: string | undefined): Record<string, string> {
    const token = scope && this.tokens.get(scope);
    if (token) return { Authorization: `Bearer ${token}` };
    if (this.basic && this.options.credentials) {
      const { username, password } = this.options.credentials;
      return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
    }
    return {};
  }

  private async sendOnce(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const timeoutMs = this.options.timeoutMs ?? registryTimeoutMs();
    try {
      const res = await this.fetch(url, {
        method,
        headers,
        body: body ? new Uint8Array(body) : undefined,
        redirect: 'follow',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // The deadline covers the body too: read it here, under the same signal, so no later read can hang.
      const bytes = method === 'HEAD' ? new Uint8Array() : new Uint8Array(await res.arrayBuffer());
      return new Response(method === 'HEAD' || res.status === 204 ? null : bytes, { status: res.status, headers: res.headers });
    } catch (e) {
      if ((e as Error).name === 'TimeoutError') throw new RegistryTimeoutError(method, url, timeoutMs);
      throw new RegistryUnreachableError(this.baseUrl, e);
    }
  }

  /** One request with retries on what passes (5xx, dropped connections), with backoff; deadlines and refusals fail at once. */
  private async send(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Response> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let error: unknown;
      try {
        res = await this.sendOnce(method, url, headers, body);
        if (!RETRIED_STATUSES.has(res.status)) return res;
      } catch (e) {
        if (!(e instanceof RegistryUnreachableError) || !transient(e.original)) throw e;
        error = e;
      }
      if (attempt >= retries) {
        if (res) return res;
        throw error;
      }
      await new Promise((r) => setTimeout(r, (this.options.backoffMs ?? 500) * 2 ** attempt));
    }
  }

  private async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    scope: string | undefined,
    ok: number[],
    body?: Buffer,
  ): Promise<Response> {
    const url = `${this.baseUrl}${path}`;
    let res = await this.send(method, url, { ...headers, ...this.authHeader(scope) }, body);
    let refusal: string | undefined;
    if (res.status === 401) {
      const challenge = parseAuthChallenge(res.headers.get('www-authenticate'));
      // Kept: if the challenge cannot be answered, the registry's own words are the error message.
      refusal = await res.text().catch(() => '');
      if (challenge && (await this.answer(challenge, scope))) {
        res = await this.send(method, url, { ...headers, ...this.authHeader(scope) }, body);
        refusal = undefined;
      }
    }
    if (!ok.includes(res.status)) {
      const text = refusal ?? (method === 'HEAD' ? '' : await res.text().catch(() => ''));
      const hint =
        res.status === 401 || res.status === 403
          ? this.options.credentials
            ? `the registry refused the credentials from ${this.options.credentialSource ?? 'the options'}; not retried`
            : 'no credentials were found: set JANUS_REGISTRY_USER/JANUS_REGISTRY_PASSWORD or run docker login; not retried'
          : undefined;
      throw new RegistryError(method, url, res.status, text, hint);
    }
    return res;
  }

  private async answer(challenge: AuthChallenge, scope: string | undefined): Promise<boolean> {
    if (challenge.scheme === 'basic') {
      if (!this.options.credentials || this.basic) return false;
      this.basic = true;
      return true;
    }
    const realm = challenge.params.realm;
    if (!realm || !scope) return false;
    const tokenUrl = new URL(realm);
    if (challenge.params.service) tokenUrl.searchParams.set('service', challenge.params.service);
    tokenUrl.searchParams.set('scope', challenge.params.scope ?? scope);
    const headers: Record<string, string> = {};
    if (this.options.credentials) {
      const { username, password } = this.options.credentials;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const res = await this.send('GET', tokenUrl.toString(), headers);
    if (!res.ok) throw new RegistryError('GET', tokenUrl.toString(), res.status, await res.text().catch(() => ''));
    const json = (await res.json()) as { token?: string; access_token?: string };
    const token = json.token ?? json.access_token;
    if (!token) return false;
    this.tokens.set(scope, token);
    return true;
  }
}
