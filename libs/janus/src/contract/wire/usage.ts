import { z } from 'zod';

const tokens = z.number().int().nonnegative();

/** OpenAI's token figures; the total is the sum, which token-counting clients may rely on. */
export const tokenUsage = z
  .object({ prompt_tokens: tokens, completion_tokens: tokens, total_tokens: tokens })
  .refine((u) => u.total_tokens === u.prompt_tokens + u.completion_tokens, {
    error: 'total_tokens must be prompt_tokens + completion_tokens',
    path: ['total_tokens'],
  });
