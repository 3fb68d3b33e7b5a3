/** A registry answered, but not with what was asked: carries the status and body so users see the registry's own words. */
export class RegistryError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`registry: ${method} ${url} → ${status}${body ? `: ${body.trim().slice(0, 500)}` : ''}`);
    this.name = 'RegistryError';
  }
}

export class RegistryUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(
      `registry: ${url} is unreachable (${(cause as Error)?.message ?? cause}${causeCode(cause)}). Is the registry running? ('npm run bootstrap' starts the local one)`,
    );
    this.name = 'RegistryUnreachableError';
  }
}

function causeCode(e: unknown): string {
  const code = (e as { cause?: { code?: string } })?.cause?.code;
  return code ? `, ${code}` : '';
}
