import type { z } from 'zod';

/** `choices.0.finish_reason: expected string` — short enough for a report cell. */
export function describeZodError(e: z.ZodError): string {
  return e.issues
    .slice(0, 3)
    .map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    .join('; ');
}
