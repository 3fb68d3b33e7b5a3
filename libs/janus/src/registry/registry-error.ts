/** A registry answered, but not with what was asked: carries the status and body so users see the registry's own words. */
export class RegistryError extends Error {
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
export class RegistryTimeoutError extends Error {
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

export class RegistryUnreachableError extends Error {
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
