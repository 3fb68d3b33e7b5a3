import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { registryBaseUrl, summarizeRegistryBody } from './registry-client';
import { certificateProblem, RegistryCertificateError, RegistryNeedsTlsError } from './registry-error';
import { registryTrust } from './registry-trust';

describe('registry trust: the CA files the engines read, and what janus makes of them', () => {
  const config = mkdtempSync(join(tmpdir(), 'janus-trust-'));
  afterAll(() => rmSync(config, { recursive: true, force: true }));

  it("finds a registry's *.crt files in the engines' certs.d directories (here rootless docker's), not its client keys", () => {
    const dir = join(config, 'docker/certs.d/harbor.example:8443');
    mkdirSync(dir, { recursive: true });
    for (const f of ['ca.crt', 'client.cert', 'client.key']) writeFileSync(join(dir, f), 'x');
    const trust = registryTrust('harbor.example:8443', { XDG_CONFIG_HOME: config });
    expect(trust.caFiles).toEqual([join(dir, 'ca.crt')]);
    expect(trust.suggestedCaFile).toBe('/etc/docker/certs.d/harbor.example:8443/ca.crt');
    expect(registryTrust('ghcr.io', { XDG_CONFIG_HOME: config }).caFiles).toEqual([]);
  });

  it('speaks HTTPS to every registry but a loopback one without a CA of its own, as the engine builder does', () => {
    expect(registryBaseUrl('ghcr.io')).toBe('https://ghcr.io');
    expect(registryBaseUrl('localhost:5000')).toBe('http://localhost:5000');
    expect(registryBaseUrl('127.0.0.1:5443', true)).toBe('https://127.0.0.1:5443');
  });

  it('tells certificate failures apart, through fetch’s cause', () => {
    const wrapped = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('self-signed certificate in certificate chain'), { code: 'SELF_SIGNED_CERT_IN_CHAIN' }),
    });
    expect(certificateProblem(wrapped)).toEqual({ kind: 'untrusted', detail: 'self-signed certificate in certificate chain' });
    expect(certificateProblem(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }))?.kind).toBe('expired');
    expect(certificateProblem(Object.assign(new Error('x'), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }))?.kind).toBe('wrong-host');
    expect(certificateProblem(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBeUndefined();
  });

  it('says in one line which registry, why, and where the CA goes', () => {
    const trust = registryTrust('harbor.example:8443', { XDG_CONFIG_HOME: join(config, 'none') });
    const e = new RegistryCertificateError(
      'harbor.example:8443',
      'harbor.example:8443',
      { kind: 'untrusted', detail: 'unable to verify the first certificate' },
      trust,
    );
    expect(e.message).toBe(
      'registry harbor.example:8443: its TLS certificate is not trusted (unable to verify the first certificate). Fix: put the CA certificate that signed it in /etc/docker/certs.d/harbor.example:8443/ca.crt (janus and the engine both read it), or for janus alone in NODE_EXTRA_CA_CERTS',
    );
    expect(new RegistryNeedsTlsError('127.0.0.1:5443').message).toMatch(
      /^registry 127\.0\.0\.1:5443: it serves HTTPS, .* Fix: put the CA certificate that signed it in \/etc\/docker\/certs\.d\/127\.0\.0\.1:5443\/ca\.crt/,
    );
    expect(e.message).not.toMatch(/\n/);
  });

  it("reads distribution's JSON errors as CODE: message", () => {
    expect(summarizeRegistryBody('{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}\n')).toBe(
      'DENIED: requested access to the resource is denied',
    );
    expect(summarizeRegistryBody('Client sent an HTTP request\n to an HTTPS server.\n')).toBe('Client sent an HTTP request to an HTTPS server.');
  });
});
