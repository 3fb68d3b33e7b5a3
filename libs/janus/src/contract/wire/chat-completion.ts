import { z } from 'zod';

export const chatCompletion = z.object({
  id: z.string().min(1),
  object: z.literal('chat.completion'),
  created: z.number().int().positive(),
  model: z.string().min(1),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string().nullable() }),
        finish_reason: z.string().min(1),
      }),
    )
    .min(1),
  usage: z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }),
});
