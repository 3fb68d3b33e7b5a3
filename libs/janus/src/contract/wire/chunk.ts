import { z } from 'zod';

export const chatCompletionChunk = z.object({
  id: z.string().min(1),
  object: z.literal('chat.completion.chunk'),
  created: z.number().int().positive(),
  model: z.string().min(1),
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        delta: z.object({ role: z.string().optional(), content: z.string().nullable().optional() }),
        finish_reason: z.string().nullable(),
      }),
    )
    .min(1),
});
export type ChatCompletionChunk = z.infer<typeof chatCompletionChunk>;
