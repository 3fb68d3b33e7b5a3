import { z } from 'zod';

export const modelsList = z.object({
  object: z.literal('list'),
  data: z.array(z.object({ id: z.string().min(1), object: z.literal('model'), created: z.number().int(), owned_by: z.string() })).min(1),
});
