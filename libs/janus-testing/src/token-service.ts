import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IssuedCertificate } from './test-ca';

/** distribution accepts a token up to this long after its `exp` (registry/auth/token: Leeway). */
const REGISTRY_LEEWAY_S = 60;

export interface TokenServiceOptions {
  /** The server's TLS certificate (from the test's CA, as a hosted token service has). */
  tls: IssuedCertificate;
  /** The key and certificate tokens are signed with (RS256; its certificate goes in the JWT's x5c). */
  signer: IssuedCertificate;
  service: string;
  issuer: string;
  /** user → password. */
  users: Record<string, string>;
  /** What a user may do on a repository; the default grants every action asked for. */
  grant?: (user: string, repository: string, actions: string[]) => string[];
}

export interface TokenRequest {
  user: string;
  scopes: string[];
  /** 'granted' (with the actions given per scope), or why it was refused. */
  outcome: 'granted' | 'bad credentials';
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/**
 * The token service of a registry with `auth: token`, as Docker's token spec describes it: GET
 * `<realm>?service=…&scope=repository:<name>:<actions>` with Basic credentials answers a JWT (RS256, signed by a
 * key whose certificate chains to the registry's rootcertbundle) granting what `grant` allows of each scope.
 * Its behaviour can be changed mid-test: token lifetime, expired tokens, refusing every password.
 */
export class TokenService {
  readonly requests: TokenRequest[] = [];
  /** How long the registry will accept a token (its exp is set back by the registry's leeway). */
  lifetimeS = 300;
  /** What the answer's expires_in says; by default the truth. A lie tests that the client survives a stale token. */
  reportedExpiresInS?: number;
  /** Hand out tokens that expired before they were issued (a token service with a wrong clock). */
  expired = false;
  port = 0;
  private server?: Server;

  constructor(private readonly options: TokenServiceOptions) {}

  get realm(): string {
    return `https://127.0.0.1:${this.port}/token`;
  }

  async start(): Promise<void> {
    this.server = createServer({ cert: this.options.tls.cert, key: readFileSync(this.options.tls.keyFile) }, (req, res) => {
      const url = new URL(req.url ?? '/', this.realm);
      const [user, password] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString('utf8')
        .split(/:(.*)/s);
      const scopes = url.searchParams
        .getAll('scope')
        .flatMap((s) => s.split(' '))
        .filter(Boolean);
      const known = Boolean(user) && this.options.users[user] === password;
      if (req.headers.authorization && !known) {
        this.requests.push({ user, scopes, outcome: 'bad credentials' });
        res.writeHead(401, { 'Content-Type': 'application/json', 'WWW-Authenticate': `Basic realm="${this.realm}"` });
        return res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }));
      }
      this.requests.push({ user: user ?? '', scopes, outcome: 'granted' });
      const access = scopes.flatMap((scope) => {
        const m = /^repository:(.+):([a-z*,]+)$/.exec(scope);
        if (!m || !known) return [];
        const actions = (this.options.grant ?? ((_u, _r, a) => a))(user, m[1], m[2].split(','));
        return actions.length ? [{ type: 'repository', name: m[1], actions }] : [];
      });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({ token: this.token(user ?? '', access), expires_in: this.reportedExpiresInS ?? this.lifetimeS, issued_at: new Date().toISOString() }),
      );
    });
    await new Promise<void>((r) => this.server!.listen(this.port, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private token(subject: string, access: unknown[]): string {
    const now = Math.floor(Date.now() / 1000);
    const exp = this.expired ? now - 2 * REGISTRY_LEEWAY_S : now + this.lifetimeS - REGISTRY_LEEWAY_S;
    const x5c = [new X509Certificate(this.options.signer.cert).raw.toString('base64')];
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c }));
    const claims = b64url(
      JSON.stringify({
        iss: this.options.issuer,
        sub: subject,
        aud: this.options.service,
        exp,
        nbf: now - 1,
        iat: now,
        jti: randomBytes(8).toString('hex'),
        access,
      }),
    );
    const key = readFileSync(this.options.signer.keyFile);
    return `${header}.${claims}.${b64url(sign('sha256', Buffer.from(`${header}.${claims}`), key))}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}
