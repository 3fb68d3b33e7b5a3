import { z } from 'zod';
import { envelope } from './envelope';
import { tokenUsage } from './usage';

/**
 * The extra chunk a stream ends with when asked for `stream_options: {include_usage: true}`: no choices (so
 * `chatCompletionChunk`, which needs one, does not fit it), only the usage of the whole completion.
 */
export const usageChunk = envelope('chat.completion.chunk').extend({
  choices: z.array(z.unknown()).length(0, { error: 'must be empty in the usage chunk' }),
  usage: tokenUsage,
});
export type UsageChunk = z.infer<typeof usageChunk>;
