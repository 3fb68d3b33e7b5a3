import { waitUntilReady } from '../contract/checks/readiness';
import { startContainer, type StartedContainer } from '../engine/container-runner';
import { dockerClient } from '../engine/docker-client';
import { buildImage } from './build-test-image';

/** Removes every local image a test made under these references (tags and the images behind them). */
export async function removeImages(...references: string[]): Promise<void> {
  const docker = dockerClient();
  for (const reference of references) {
    for (const img of await docker.listImages({ filters: { reference: [reference] } })) {
      await docker
        .getImage(img.Id)
        .remove({ force: true })
        .catch(() => undefined);
    }
  }
}

/**
 * Removes only these tags: for a test whose build is byte-identical to an image others still use (a cached
 * rebuild of a shared base image), where removing the image itself would take their tags with it.
 */
export async function untagImages(...repositories: string[]): Promise<void> {
  const docker = dockerClient();
  for (const repository of repositories) {
    for (const img of await docker.listImages({ filters: { reference: [repository] } })) {
      for (const tag of img.RepoTags ?? []) {
        if (tag.startsWith(`${repository}:`))
          await docker
            .getImage(tag)
            .remove()
            .catch(() => undefined);
      }
    }
  }
}

/** Builds a context for the local platform, starts it with its port published, and waits until /health answers. */
export async function startBuiltServer(context: string, image: string, port = 8080): Promise<StartedContainer> {
  await buildImage({ context, tags: [image] });
  const container = await startContainer(image, { containerPort: port });
  const ready = await waitUntilReady(container, 30);
  if (!ready.ok) {
    await container.remove();
    throw new Error(ready.detail);
  }
  return container;
}
