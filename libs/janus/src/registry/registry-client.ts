import { createHash } from 'node:crypto';
import { type AuthChallenge, parseAuthChallenge } from './auth-challenge';
import { registryTimeoutMs } from '../oci/registry-timeouts';
import { ALL_MANIFEST_TYPES, SINGLE_MANIFEST_TYPES } from '../oci/media-types';
import {
  certificateProblem,
  RegistryCertificateError,
  RegistryError,
  RegistryNeedsTlsError,
  RegistryTimeoutError,
  RegistryUnreachableError,
} from './registry-error';
import { type RegistryTrust, registryTrust, trustedCas } from './registry-trust';
import { trustingFetch } from './trusting-fetch';
import { UserError } from '../errors/user-error';

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
  /** The engine's CA files for this registry (forHost finds them); trusted on top of Node's CAs, named in TLS errors. */
  trust?: RegistryTrust;
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

/**
 * HTTPS, except plain HTTP for a loopback registry with no CA of its own in the engine's certs.d: the engine's
 * builder (BuildKit) decides the same way, so janus and the build always speak to a registry alike.
 */
export function registryBaseUrl(host: string, hasOwnCa = false): string {
  if (/^https?:\/\//.test(host)) return host.replace(/\/+$/, '');
  const loopback = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(host);
  return `${loopback && !hasOwnCa ? 'http' : 'https'}://${host}`;
}

/** distribution's JSON error body (`{"errors":[{"code","message"}]}`) as `CODE: message`; other bodies as they are. */
export function summarizeRegistryBody(body: string): string {
  try {
    const errors = (JSON.parse(body) as { errors?: Array<{ code?: string; message?: string }> }).errors;
    if (Array.isArray(errors) && errors.length) return errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
  } catch {
    // not JSON: the registry's words as they are
  }
  return body.trim().replace(/\s+/g, ' ');
}

/** `repository:org/team/name:pull,push` → the repository and the actions. */
function parseScope(scope: string): { repository: string; actions: string } | undefined {
  const m = /^repository:(.+):([a-z*,]+)$/.exec(scope);
  // In one order whatever order the request or the token service wrote them in, so the message reads the same.
  return m ? { repository: m[1], actions: m[2].split(',').sort().join(',') } : undefined;
}

interface BearerToken {
  value: string;
  /** When to ask for a new one: before the token service's expires_in runs out. */
  refreshAt: number;
}

/** The plain-HTTP answer of an HTTPS server (Go's net/http, nginx). */
const PLAIN_HTTP_TO_TLS = /client sent an http request to an https server|plain http request was sent to https port/i;

/**
 * A small client for the distribution (OCI) registry HTTP API: enough to read, write and delete manifests and
 * read blobs, answering Basic and Bearer token challenges as `docker` does.
 */
export class RegistryClient {
  private readonly fetch: typeof fetch;
  /** Bearer tokens by scope ('' for the unscoped one that answers /v2/): each repository and access gets its own. */
  private readonly tokens = new Map<string, BearerToken>();
  /** The token service, once a Bearer challenge named it: later tokens are asked for before they are needed. */
  private bearer?: { realm: string; service?: string };
  private basic = false;
  /** host[:port], as the engine and certs.d name the registry. */
  readonly host: string;

  constructor(
    readonly baseUrl: string,
    private readonly options: RegistryClientOptions = {},
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.host = new URL(baseUrl).host;
  }

  /** A client for `host[:port]` that trusts the CA files the engine has for it (see registry-trust.ts). */
  static forHost(host: string, options: RegistryClientOptions = {}): RegistryClient {
    const trust = options.trust ?? registryTrust(host.replace(/^https?:\/\//, '').replace(/\/+$/, ''));
    const ownCa = trust.caFiles.length > 0;
    return new RegistryClient(registryBaseUrl(host, ownCa), {
      ...options,
      trust,
      fetch: options.fetch ?? (ownCa ? trustingFetch(trustedCas(trust)) : undefined),
    });
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
    if (ref.startsWith('sha256:') && digest !== ref) throw new UserError(`registry: manifest ${repo}@${ref} hashes to ${digest}`);
    if (served && served !== digest) throw new UserError(`registry: manifest ${repo}:${ref} is served as ${served} but hashes to ${digest}`);
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
    if (stored && stored !== digest) throw new UserError(`registry: stored ${repo}:${ref} as ${stored}, expected ${digest}`);
    return digest;
  }

  async deleteManifest(repo: string, digest: string): Promise<void> {
    await this.request('DELETE', `/v2/${repo}/manifests/${digest}`, {}, `repository:${repo}:delete`, [202, 404]);
  }

  async getBlobJson<T = Record<string, unknown>>(repo: string, digest: string): Promise<T> {
    const res = await this.request('GET', `/v2/${repo}/blobs/${digest}`, {}, `repository:${repo}:pull`, [200]);
    const body = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(body) !== digest) throw new UserError(`registry: blob ${repo}@${digest} does not match its digest`);
    return JSON.parse(body.toString('utf8')) as T;
  }

  /**
   * A blob's bytes, checked against its digest (a layer read for an SBOM must be the layer the manifest names).
   * `size`: the deadline grows with it (at least 1 MB/s on top of the usual one), so a busy registry's large
   * layer is not mistaken for one that stopped answering.
   */
  async getBlob(repo: string, digest: string, size = 0): Promise<Buffer> {
    const deadline = Math.ceil((this.options.timeoutMs ?? registryTimeoutMs()) + size / 1000);
    const res = await this.request('GET', `/v2/${repo}/blobs/${digest}`, {}, `repository:${repo}:pull`, [200], undefined, deadline);
    const body = Buffer.from(await res.arrayBuffer());
    if (sha256Digest(body) !== digest) throw new Error(`registry: blob ${repo}@${digest} does not match its digest`);
    return body;
  }

  /** Uploads a small blob in one request (a monolithic upload), unless the registry already has it; returns its digest. */
  async putBlob(repo: string, body: Buffer | string): Promise<string> {
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    const digest = sha256Digest(bytes);
    const scope = `repository:${repo}:pull,push`;
    const head = await this.request('HEAD', `/v2/${repo}/blobs/${digest}`, {}, scope, [200, 404]);
    if (head.status === 200) return digest;
    const started = await this.request('POST', `/v2/${repo}/blobs/uploads/`, {}, scope, [202]);
    const location = started.headers.get('location');
    if (!location) throw new Error(`registry: ${this.host} opened an upload for ${repo} without saying where (no Location header)`);
    const url = new URL(location, this.baseUrl);
    url.searchParams.set('digest', digest);
    await this.request('PUT', url.toString(), { 'Content-Type': 'application/octet-stream' }, scope, [201], bytes);
    return digest;
  }

  /**
   * Fails, before anything is built or pushed, when these credentials cannot push to the repository: opens a blob
   * upload (the first step of every push) and cancels it. This is where a token service that grants no push on
   * the path, or a registry that needs the repository created first (ECR, a Harbor project), says so.
   */
  async checkPushAccess(repo: string): Promise<void> {
    const scope = `repository:${repo}:pull,push`;
    const res = await this.request('POST', `/v2/${repo}/blobs/uploads/`, {}, scope, [202]).catch((e: unknown) => {
      if (!(e instanceof RegistryError) || e.status !== 404) throw e;
      throw new RegistryError(
        e.method,
        e.url,
        e.status,
        e.body,
        `the registry has no repository ${repo} and does not create one on push. Fix: create it first (ECR: aws ecr create-repository --repository-name ${repo}; Harbor: create the project), or check the path`,
      );
    });
    const location = res.headers.get('location');
    // Empty and abandoned either way (the registry purges old uploads); cancelling is a courtesy, sent once
    // with the token in hand, since distribution wants `delete` access for it, which pushers rarely have.
    if (location) {
      const { header } = await this.authorization(scope);
      await this.sendOnce('DELETE', new URL(location, this.baseUrl).toString(), header).catch(() => undefined);
    }
  }

  async listTags(repo: string): Promise<string[]> {
    const res = await this.request('GET', `/v2/${repo}/tags/list`, {}, `repository:${repo}:pull`, [200, 404]);
    if (res.status === 404) return [];
    return ((await res.json()) as { tags?: string[] | null }).tags ?? [];
  }

  private basicHeader(): Record<string, string> {
    if (!this.basic || !this.options.credentials) return {};
    const { username, password } = this.options.credentials;
    return { Authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
  }

  private async sendOnce(method: string, url: string, headers: Record<string, string>, body?: Buffer, deadlineMs?: number): Promise<Response> {
    const timeoutMs = deadlineMs ?? this.options.timeoutMs ?? registryTimeoutMs();
    const signal = AbortSignal.timeout(timeoutMs);
    try {
      const res = await this.fetch(url, {
        method,
        headers,
        body: body ? new Uint8Array(body) : undefined,
        redirect: 'follow',
        signal,
      });
      // The deadline covers the body too: read it here, under the same signal, so no later read can hang.
      const bytes = method === 'HEAD' ? new Uint8Array() : new Uint8Array(await res.arrayBuffer());
      return new Response(method === 'HEAD' || res.status === 204 ? null : bytes, { status: res.status, headers: res.headers });
    } catch (e) {
      if ((e as Error).name === 'TimeoutError' || (signal.aborted && (signal.reason as Error)?.name === 'TimeoutError')) {
        throw new RegistryTimeoutError(method, url, timeoutMs);
      }
      const problem = certificateProblem(e);
      if (problem) throw new RegistryCertificateError(this.host, new URL(url).host, problem, this.options.trust);
      throw new RegistryUnreachableError(this.baseUrl, e);
    }
  }

  /** One request with retries on what passes (5xx, dropped connections), with backoff; deadlines and refusals fail at once. */
  private async send(method: string, url: string, headers: Record<string, string>, body?: Buffer, deadlineMs?: number): Promise<Response> {
    const retries = this.options.retries ?? 3;
    for (let attempt = 0; ; attempt++) {
      let res: Response | undefined;
      let error: unknown;
      try {
        res = await this.sendOnce(method, url, headers, body, deadlineMs);
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
    /** This request's own deadline, for one whose body is large (a layer); others have the client's. */
    deadlineMs?: number,
  ): Promise<Response> {
    const url = /^https?:\/\//.test(path) ? path : `${this.baseUrl}${path}`;
    const key = scope ?? '';
    // Set when this request asked the token service itself: a refusal of that token is final, not a stale one.
    let fresh = false;
    const authorization = async (): Promise<Record<string, string>> => {
      const a = await this.authorization(key);
      fresh ||= a.fresh;
      return a.header;
    };
    let res = await this.send(method, url, { ...headers, ...(await authorization()) }, body, deadlineMs);
    let refusal: string | undefined;
    if (res.status === 401) {
      const challenge = parseAuthChallenge(res.headers.get('www-authenticate'));
      // Kept: if the challenge cannot be answered, the registry's own words are the error message.
      refusal = await res.text().catch(() => '');
      if (challenge && this.answer(challenge, key, fresh)) {
        res = await this.send(method, url, { ...headers, ...(await authorization()) }, body, deadlineMs);
        refusal = undefined;
      }
    }
    if (res.status === 400 && url.startsWith('http:')) {
      const text = await res
        .clone()
        .text()
        .catch(() => '');
      if (PLAIN_HTTP_TO_TLS.test(text)) throw new RegistryNeedsTlsError(this.host, this.options.trust);
    }
    if (!ok.includes(res.status)) {
      const text = refusal ?? (method === 'HEAD' ? '' : await res.text().catch(() => ''));
      const hint = res.status === 401 || res.status === 403 ? this.refusalHint(res, key) : undefined;
      throw new RegistryError(method, url, res.status, summarizeRegistryBody(text), hint);
    }
    return res;
  }

  /** The Authorization header for a scope: a Bearer token (asked for when there is none or it is due), else Basic. */
  private async authorization(key: string): Promise<{ header: Record<string, string>; fresh: boolean }> {
    if (!this.bearer) return { header: this.basicHeader(), fresh: false };
    let token = this.tokens.get(key);
    const fresh = !token || token.refreshAt <= Date.now();
    if (fresh) token = await this.fetchToken(key);
    return { header: { Authorization: `Bearer ${token!.value}` }, fresh };
  }

  /** Whether the request is worth sending again after this challenge (once: a refusal after that is final). */
  private answer(challenge: AuthChallenge, key: string, freshToken: boolean): boolean {
    if (challenge.scheme === 'basic') {
      if (!this.options.credentials || this.basic) return false;
      this.basic = true;
      return true;
    }
    const realm = challenge.params.realm;
    if (!realm || freshToken) return false;
    this.bearer = { realm, service: challenge.params.service };
    // A token sent and refused has expired (or the registry restarted with another key): ask for a new one.
    this.tokens.delete(key);
    return true;
  }

  private async fetchToken(key: string): Promise<BearerToken> {
    const { realm, service } = this.bearer!;
    const tokenUrl = new URL(realm);
    if (service) tokenUrl.searchParams.set('service', service);
    if (key) tokenUrl.searchParams.set('scope', key);
    const headers: Record<string, string> = {};
    if (this.options.credentials) {
      const { username, password } = this.options.credentials;
      headers.Authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    const res = await this.send('GET', tokenUrl.toString(), headers);
    if (!res.ok) {
      const who = this.options.credentials ? `the credentials from ${this.credentialSource()}` : 'anonymous access (no credentials were found)';
      throw new RegistryError(
        'GET',
        tokenUrl.toString(),
        res.status,
        summarizeRegistryBody(await res.text().catch(() => '')),
        `the token service of ${this.host} refused ${who}; not retried. Fix: ${this.credentialFix()}`,
      );
    }
    const json = (await res.json().catch(() => ({}))) as { token?: string; access_token?: string; expires_in?: number };
    const value = json.token ?? json.access_token;
    if (!value) throw new UserError(`registry: the token service ${realm} of ${this.host} answered without a token`);
    // The token spec's default lifetime is 60 s; asking again at 90 % of it keeps a slow push from outliving it.
    const seconds = json.expires_in && json.expires_in > 0 ? json.expires_in : 60;
    const token = { value, refreshAt: Date.now() + seconds * 900 };
    this.tokens.set(key, token);
    return token;
  }

  private credentialSource(): string {
    return this.options.credentialSource ?? 'the options';
  }

  private credentialFix(): string {
    return this.options.credentials
      ? `correct or renew them (docker login ${this.host}, or JANUS_REGISTRY_USER/JANUS_REGISTRY_PASSWORD; for ECR a fresh 'aws ecr get-login-password')`
      : `set JANUS_REGISTRY_USER/JANUS_REGISTRY_PASSWORD or run docker login ${this.host}`;
  }

  /** What a 401/403 means, and what to do about it, from the registry's challenge. */
  private refusalHint(res: Response, key: string): string {
    const challenge = parseAuthChallenge(res.headers.get('www-authenticate'));
    const error = challenge?.params.error;
    const wanted = parseScope(challenge?.params.scope ?? key);
    const who = this.options.credentials ? `the credentials from ${this.credentialSource()}` : 'anonymous access';
    if ((error === 'insufficient_scope' || res.status === 403) && wanted) {
      return (
        `${who} may not ${wanted.actions} repository ${wanted.repository} on ${this.host}; not retried. ` +
        `Fix: grant that account ${wanted.actions} on ${wanted.repository}, create the repository or project first if the registry requires it, or check the path`
      );
    }
    if (error === 'invalid_token') {
      return (
        `the registry rejected a token just issued by ${this.bearer?.realm ?? 'its token service'} as invalid or expired; not retried. ` +
        `Fix: check this machine's clock, and that the registry trusts the token service's signing certificate`
      );
    }
    return this.options.credentials
      ? `the registry refused the credentials from ${this.credentialSource()}; not retried. Fix: ${this.credentialFix()}`
      : `no credentials were found: ${this.credentialFix()}; not retried`;
  }
}
