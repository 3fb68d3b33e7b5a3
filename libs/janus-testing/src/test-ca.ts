import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand } from '../../janus/src/process/run-command';

/** A certificate and its key, as files (what the registry's config names) and as PEM text. */
export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  cert: string;
}

/**
 * A private CA made with openssl for one test, as a self-hosted Harbor or Artifactory has: server certificates
 * for loopback (127.0.0.1 and localhost), and an RSA signing certificate for a token service (RS256).
 */
export class TestCa {
  readonly dir = mkdtempSync(join(tmpdir(), 'janus-test-ca-'));
  readonly certFile = join(this.dir, 'ca.crt');
  private readonly keyFile = join(this.dir, 'ca.key');

  private constructor(readonly name: string) {}

  static async create(name = 'janus test CA'): Promise<TestCa> {
    const ca = new TestCa(name);
    // EC keys: generated in milliseconds, where RSA takes a noticeable share of a short spec.
    await runCommand('openssl', [
      ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2'],
      ...['-keyout', ca.keyFile, '-out', ca.certFile, '-subj', `/CN=${name}`],
      ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ]);
    return ca;
  }

  get cert(): string {
    return readFileSync(this.certFile, 'utf8');
  }

  /** A TLS server certificate for 127.0.0.1 and localhost, signed by this CA. */
  serverCertificate(name: string): Promise<IssuedCertificate> {
    return this.issue(
      name,
      ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'],
      ['subjectAltName=IP:127.0.0.1,DNS:localhost', 'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature', 'extendedKeyUsage=serverAuth'],
    );
  }

  /** An RSA certificate for signing RS256 tokens: the registry's `rootcertbundle` is this CA's certificate. */
  signingCertificate(name: string): Promise<IssuedCertificate> {
    return this.issue(name, ['-newkey', 'rsa:2048'], ['basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature']);
  }

  private async issue(name: string, keyArgs: string[], extensions: string[]): Promise<IssuedCertificate> {
    const keyFile = join(this.dir, `${name}.key`);
    const csr = join(this.dir, `${name}.csr`);
    const certFile = join(this.dir, `${name}.crt`);
    const ext = join(this.dir, `${name}.ext`);
    writeFileSync(ext, extensions.join('\n') + '\n');
    await runCommand('openssl', ['req', ...keyArgs, '-nodes', '-keyout', keyFile, '-out', csr, '-subj', `/CN=${name}`]);
    await runCommand('openssl', [
      ...['x509', '-req', '-in', csr, '-CA', this.certFile, '-CAkey', this.keyFile, '-CAcreateserial'],
      ...['-days', '2', '-out', certFile, '-extfile', ext],
    ]);
    return { certFile, keyFile, cert: readFileSync(certFile, 'utf8') };
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
