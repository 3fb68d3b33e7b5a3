import { z } from 'zod';

// `nx sync` calls the generator with the tree alone (Nx 23 never passes sync.generatorOptions), so every option
// defaults to what `nx sync` must do; `nx g janus:sync --force` is how an owner's edits are overwritten.
export const schema = z
  .object({
    force: z
      .boolean()
      .default(false)
      .meta({ description: 'Also replace managed regions and files their owners edited since they were rendered (their diff is printed).' }),
    projects: z
      .union([z.string(), z.array(z.string())])
      .transform((p) => (Array.isArray(p) ? p : p.split(',')).map((s) => s.trim()).filter(Boolean))
      .default([])
      .meta({ description: 'Only these projects (comma-separated names); default: every project with a janus.json.' }),
  })
  .strict();

export type SyncGeneratorOptions = z.input<typeof schema>;
export type NormalizedSyncOptions = z.output<typeof schema>;

export const schemaMeta = {
  $id: 'JanusSync',
  title: 'Janus sync',
  description: "Re-renders every managed region and file of the workspace's janus projects from the current templates, keeping owners' edits.",
};
