import { z } from 'zod';

export const openAiError = z.object({
  error: z.object({ message: z.string().min(1), type: z.string().min(1), param: z.string().nullable().optional(), code: z.unknown().optional() }),
});
