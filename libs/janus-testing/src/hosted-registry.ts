import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestCa } from './test-ca';
import { freePort, TestRegistry } from './test-registry';
import { TokenService, type TokenServiceOptions } from './token-service';

/** Where dockerd (and janus) read a registry's CA; read per connection, so no engine restart is needed. */
export const ENGINE_CERTS_D = '/etc/docker/certs.d';

export interface HostedRegistryOptions {
  /** `basic`: htpasswd, as ECR (with a token as password) and Artifactory answer; `token`: a Bearer token service, as GHCR and Harbor. */
  auth: 'basic' | 'token';
  username?: string;
  password?: string;
  /** Token auth only: what the token service grants (default: everything asked). */
  grant?: TokenServiceOptions['grant'];
  /** Put the CA in the engine's certs.d (default). false: a registry whose certificate nothing here trusts. */
  trustInEngine?: boolean;
  /** Put this other CA's certificate in certs.d instead: trusted, but not the one that signed the registry's. */
  wrongCa?: boolean;
}

/**
 * A registry as the hosted ones are run, on loopback: HTTPS with a certificate from a private CA made for the
 * test, Basic or Bearer-token auth, and the CA in the engine's certs.d. Everything it starts or writes is
 * removed by stop(), which is safe to call after a failed start.
 */
export class HostedRegistry {
  readonly username: string;
  readonly password: string;
  ca?: TestCa;
  private otherCa?: TestCa;
  registry?: TestRegistry;
  tokens?: TokenService;
  private certsDir?: string;

  constructor(readonly options: HostedRegistryOptions) {
    this.username = options.username ?? 'janus';
    this.password = options.password ?? 'correct-horse-battery';
  }

  get host(): string {
    return this.registry!.host;
  }

  async start(): Promise<this> {
    try {
      this.ca = await TestCa.create();
      const tls = { ...(await this.ca.serverCertificate('registry')), ca: this.ca.cert };
      const port = await freePort();
      const credentials = { username: this.username, password: this.password };
      if (this.options.auth === 'token') {
        this.tokens = new TokenService({
          tls: await this.ca.serverCertificate('token-service'),
          signer: await this.ca.signingCertificate('token-signer'),
          service: 'janus-test-registry',
          issuer: 'janus-test-token-service',
          users: { [this.username]: this.password },
          grant: this.options.grant,
        });
        await this.tokens.start();
        const token = { realm: this.tokens.realm, service: 'janus-test-registry', issuer: 'janus-test-token-service', rootCertBundle: this.ca.certFile };
        this.registry = new TestRegistry({ port, tls, token });
      } else {
        this.registry = new TestRegistry({ port, tls, auth: credentials });
      }
      if (this.options.trustInEngine !== false) {
        this.certsDir = join(ENGINE_CERTS_D, `127.0.0.1:${port}`);
        mkdirSync(this.certsDir, { recursive: true });
        if (this.options.wrongCa) this.otherCa = await TestCa.create('janus test CA that signed nothing here');
        writeFileSync(join(this.certsDir, 'ca.crt'), (this.otherCa ?? this.ca).cert);
      }
      await this.registry.start();
      return this;
    } catch (e) {
      await this.stop();
      throw e;
    }
  }

  /** The CA file a client outside the engine would be given (NODE_EXTRA_CA_CERTS). */
  get caFile(): string {
    return this.ca!.certFile;
  }

  async stop(): Promise<void> {
    await this.registry?.stop().catch(() => undefined);
    await this.tokens?.stop().catch(() => undefined);
    if (this.certsDir) rmSync(this.certsDir, { recursive: true, force: true });
    this.ca?.remove();
    this.otherCa?.remove();
  }
}
