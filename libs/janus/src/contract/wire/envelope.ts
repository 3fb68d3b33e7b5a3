import { z } from 'zod';

/** The fields every chat completion object and chunk carries, whatever its `object`. */
export const envelope = <T extends string>(object: T) =>
  z.object({
    id: z.string().min(1),
    object: z.literal(object),
    created: z.number().int().positive(),
    model: z.string().min(1),
  });
