import type { RegistryTrust } from './registry-trust';
import { UserError } from '../errors/user-error';

/** A registry answered, but not with what was asked: carries the status and body so users see the registry's own words. */
export class RegistryError extends UserError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
    hint?: string,
  ) {
    super(`registry: ${method} ${url} → ${status}${body ? `: ${body.trim().slice(0, 500)}` : ''}${hint ? ` (${hint})` : ''}`);
    this.name = 'RegistryError';
  }
}

/** A registry that accepted the connection but did not answer in time (stopped, overloaded, a dead proxy). */
export class RegistryTimeoutError extends UserError {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly timeoutMs: number,
  ) {
    super(
      `registry: no answer within ${timeoutMs / 1000} s while waiting for ${method} ${url}; is the registry running and answering? (JANUS_REGISTRY_TIMEOUT_S sets the deadline)`,
    );
    this.name = 'RegistryTimeoutError';
  }
}

export class RegistryUnreachableError extends UserError {
  constructor(
    readonly url: string,
    /** The fetch error, whose cause's code (ECONNRESET, ECONNREFUSED) says whether another try may help. */
    readonly original: unknown,
  ) {
    super(
      `registry: ${url} is unreachable (${(original as Error)?.message ?? original}${causeCode(original)}). Is the registry running and is that its address? (the image name's host, or the 'registry' option, says where janus looks)`,
    );
    this.name = 'RegistryUnreachableError';
  }
}

function causeCode(e: unknown): string {
  const code = (e as { cause?: { code?: string } })?.cause?.code;
  return code ? `, ${code}` : '';
}

/** Node's codes for a certificate chain that does not end at a trusted CA. */
const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

export interface CertificateProblem {
  kind: 'untrusted' | 'expired' | 'wrong-host';
  /** Node's own words, e.g. "self-signed certificate in certificate chain". */
  detail: string;
}

/** The certificate problem behind a failed request (fetch wraps it in `cause`), or undefined for any other failure. */
export function certificateProblem(e: unknown): CertificateProblem | undefined {
  for (let err = e as { code?: string; message?: string; cause?: unknown } | undefined; err; err = err.cause as typeof err) {
    const code = err.code ?? '';
    const detail = err.message ?? code;
    if (UNTRUSTED_CODES.has(code)) return { kind: 'untrusted', detail };
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return { kind: 'expired', detail };
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return { kind: 'wrong-host', detail };
  }
  return undefined;
}

/** Where a registry's CA goes, said the same way in every message. */
function caFix(trust: RegistryTrust | undefined, host: string): string {
  const file = trust?.suggestedCaFile ?? `/etc/docker/certs.d/${host}/ca.crt`;
  return `put the CA certificate that signed it in ${file} (janus and the engine both read it), or for janus alone in NODE_EXTRA_CA_CERTS`;
}

/** A registry (or its token service) whose TLS certificate this machine does not accept. Never retried. */
export class RegistryCertificateError extends UserError {
  constructor(
    readonly registry: string,
    /** The host that presented the certificate: the registry's, or its token service's. */
    readonly server: string,
    readonly problem: CertificateProblem,
    trust?: RegistryTrust,
  ) {
    const whose =
      server === registry ? `registry ${registry}: its TLS certificate` : `registry ${registry}: the TLS certificate of its token service ${server}`;
    const tried = trust?.caFiles.length ? `; the CA in ${trust.caFiles.join(', ')} did not sign it` : '';
    const fix =
      problem.kind === 'untrusted'
        ? caFix(trust, registry)
        : problem.kind === 'expired'
          ? "renew the certificate on the registry (or correct this machine's clock)"
          : `use the host name the certificate names, or reissue it with ${server.replace(/:\d+$/, '')} in its subjectAltName`;
    const what = problem.kind === 'untrusted' ? 'is not trusted' : problem.kind === 'expired' ? 'is not valid now' : 'names another host';
    super(`${whose} ${what} (${problem.detail}${tried}). Fix: ${fix}`);
    this.name = 'RegistryCertificateError';
  }
}

/**
 * A loopback registry that serves HTTPS, spoken to in plain HTTP because the engine has no CA for it: both
 * janus and the engine's builder then take it for a plain-HTTP registry, so the fix is the engine's CA file.
 */
export class RegistryNeedsTlsError extends UserError {
  constructor(
    readonly registry: string,
    trust?: RegistryTrust,
  ) {
    super(
      `registry ${registry}: it serves HTTPS, but with no CA for it in ${(trust?.suggestedCaFile ?? `/etc/docker/certs.d/${registry}/ca.crt`).replace(/\/ca\.crt$/, '/')} a loopback registry is spoken to in plain HTTP (as the engine's builder does). Fix: ${caFix(trust, registry)}`,
    );
    this.name = 'RegistryNeedsTlsError';
  }
}
