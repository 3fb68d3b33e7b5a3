import { z } from 'zod';

export const schema = z
  .object({
    dryRun: z.boolean().default(false).meta({ description: 'Only list what would be removed.' }),
  })
  .strict();

export type DockerCleanOptions = z.input<typeof schema>;

export const schemaMeta = {
  $id: 'JanusDockerClean',
  title: 'Janus docker-clean',
  description:
    "Removes this workspace's containers (docker-run's, labelled with the workspace, and its compose projects') and the images its own builds left behind (dangling, or kept under kept-<id> tags when a rebuild moved their tags; a cached build record may still name them); never anything another workspace or person made.",
};
