import { z } from 'zod';
import { envelope } from './envelope';
import { tokenUsage } from './usage';

export const chatCompletion = envelope('chat.completion').extend({
  choices: z
    .array(
      z.object({
        index: z.number().int(),
        message: z.object({ role: z.literal('assistant'), content: z.string().nullable() }),
        finish_reason: z.string().min(1),
      }),
    )
    .min(1),
  usage: tokenUsage,
});
