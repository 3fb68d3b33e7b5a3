import { waitUntilReady } from '../../janus/src/contract/checks/readiness';
import { startContainer, type StartedContainer } from '../../janus/src/engine/container-runner';
import { containerEngine, dockerClient } from '../../janus/src/engine/docker-client';
import { buildImage } from './build-test-image';

/** Removes every local image a test made under these references (tags and the images behind them). */
/**
 * The demo agent's image held under a tag of the caller's own (`<name>:held`), so no other spec's cleanup (a
 * docker-clean removing kept images, a rebuild moving the demo's tags) can take it away mid-run. Release it with
 * `untagImages(name)`, which leaves the image to the demo's own tags.
 */
export async function holdDemoAgentImage(name: string): Promise<string> {
  const docker = dockerClient();
  const find = async () => {
    const candidates = await docker.listImages({ filters: { reference: ['localhost:5000/demo-agent'] } });
    // `kept-<id>` tags name images a later docker-clean removes; a release tag is what the demo left running.
    return candidates.find((i) => (i.RepoTags ?? []).some((t) => !/:kept-/.test(t))) ?? candidates[0];
  };
  let demo = await find();
  // An engine the demo did not build on (Podman beside Docker) takes the image the demo published.
  if (!demo)
    await containerEngine()
      .images.pull('localhost:5000/demo-agent:latest', { deadlineMs: 60_000 })
      .catch(() => undefined);
  demo ??= await find();
  if (!demo) throw new Error('no localhost:5000/demo-agent image in the engine or the registry: run npm run demo first');
  await docker.getImage(demo.Id).tag({ repo: name, tag: 'held' });
  return demo.Id;
}

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
        // Podman names a short name in full (docker.io/janus-test/x:held); Docker as it was given.
        if (tag.replace(/^docker\.io\//, '').startsWith(`${repository}:`))
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
