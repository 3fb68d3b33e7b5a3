import type Docker from 'dockerode';
import type { EngineApi, EngineInfo, ImageHistoryEntry, ImageInfo } from './engine-api';

/** The same calls through dockerode, for engines it reaches and a bare socket does not (tcp, TLS, ssh). */
export class DockerodeEngineApi implements EngineApi {
  constructor(private readonly docker: Docker) {}

  async ping(): Promise<void> {
    await this.docker.ping();
  }

  info(): Promise<EngineInfo> {
    return this.docker.info() as Promise<EngineInfo>;
  }

  async inspectImage(ref: string): Promise<ImageInfo | undefined> {
    try {
      return await this.docker.getImage(ref).inspect();
    } catch (e) {
      if ((e as { statusCode?: number })?.statusCode === 404) return undefined;
      throw e;
    }
  }

  async tagImage(image: string, repo: string, tag: string): Promise<void> {
    await this.docker.getImage(image).tag({ repo, tag });
  }

  async removeImage(image: string): Promise<void> {
    await this.docker.getImage(image).remove({ noprune: false });
  }

  async imageHistory(ref: string): Promise<ImageHistoryEntry[]> {
    return (await this.docker.getImage(ref).history()) as ImageHistoryEntry[];
  }
}
