import { z } from 'zod';
import { envelope } from './envelope';

export const chatCompletionChunk = envelope('chat.completion.chunk').extend({
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
