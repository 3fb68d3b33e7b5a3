/** The HTTP status an Engine API error carries (dockerode's and EngineApiError both name it `statusCode`). */
export function engineStatus(e: unknown): number | undefined {
  return (e as { statusCode?: number } | undefined)?.statusCode;
}

/** 304: the container was already stopped. */
export const NOT_MODIFIED = 304;
/** 404: no such container or image (removed meanwhile). */
export const GONE = 404;
/** 409: a removal of it is already in progress, or it is not running. */
export const CONFLICT = 409;

/**
 * The one place Engine API answers that mean "already so" stop being errors: `fallback` is answered for
 * them, anything else is rethrown.
 */
export async function tolerating<T>(work: Promise<T>, statuses: number[], fallback: T): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (statuses.includes(engineStatus(e) ?? 0)) return fallback;
    throw e;
  }
}
