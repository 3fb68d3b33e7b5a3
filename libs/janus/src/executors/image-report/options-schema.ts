import { z } from 'zod';

export const schema = z
  .object({
    image: z
      .string()
      .regex(/^[^\s]+$/, { error: 'must be an image reference like "ghcr.io/acme/agent:v1" (no spaces)' })
      .optional()
      .meta({ description: "The published image to report on (default: the build record's image under its first tag)." }),
    buildTarget: z.string().min(1).default('docker-build').meta({ description: 'The target whose build record names the image when `image` is not given.' }),
  })
  .strict();

export type ImageReportOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusImageReport',
  title: 'Janus image-report',
  description: 'Prints what a published image says about itself, read back from its registry: platforms, sizes, SBOM package counts and provenance.',
};
