import { UserError } from '../errors/user-error';
/**
 * A request to the image's server that got no (complete) answer within the contract's request timeout. The
 * message names the limit and the option that sets it. After a request the server never answered at all,
 * the suite asks it no further API requests, since a server that leaves one hanging leaves the next hanging
 * too (a hung POST otherwise cost every later check its own full timeout: 137 s in all, and no message said why).
 */
export class RequestTimeoutError extends UserError {
  /**
   * @param unanswered not even response headers came: the server is stuck, and the suite stops asking it.
   * A response that started but never finished (an endless stream) fails only its own check.
   */
  constructor(
    what: string,
    timeoutMs: number,
    readonly unanswered: boolean,
    detail = '',
  ) {
    super(`${what}: no complete answer within the request timeout of ${timeoutMs / 1000} s${detail ? ` (${detail})` : ''}; 'requestTimeoutS' sets the limit`);
    this.name = 'RequestTimeoutError';
  }
}

/** Whether a failed request failed because its deadline signal fired (fetch's TimeoutError, or an abort after it). */
export function timedOut(e: unknown, signal?: AbortSignal): boolean {
  return (e as Error)?.name === 'TimeoutError' || Boolean(signal?.aborted);
}
