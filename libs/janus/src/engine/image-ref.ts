import type Docker from 'dockerode';
import { dockerClient } from './docker-client';

/** `host:5000/team/app:1.2` → { repo: 'host:5000/team/app', tag: '1.2' }; the port colon is not a tag. */
export function splitRef(ref: string): { repo: string; tag: string } {
  const colon = ref.lastIndexOf(':');
  return colon > ref.lastIndexOf('/') ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref, tag: 'latest' };
}

export async function tagImage(imageId: string, ref: string, docker: Docker = dockerClient()): Promise<void> {
  await docker.getImage(imageId).tag(splitRef(ref));
}
