import type { ContainerScope, StartedContainer } from '../../engine/container-runner';
import type { ImageInfo } from '../../engine/image-store';

export interface ContractLimits {
  port: number;
  readyTimeoutS: number;
  healthyTimeoutS: number;
  concurrency: number;
  sizeBudgetMb: number;
  /** Longest a single request may take before it counts as hung. */
  requestTimeoutMs: number;
}

/**
 * The one per-check deadline for every kind of contract run: readiness has its own (longer) limit, and no
 * check may take more than a few request timeouts. Whatever a broken image does, the suite moves on.
 */
export function checkDeadlineMs(limits: ContractLimits): number {
  return Math.max(4 * limits.requestTimeoutMs, (limits.readyTimeoutS + limits.healthyTimeoutS + 10) * 1000);
}

/** What every baseline check gets: the running container, its image and the limits to judge by. */
export interface BaselineTarget {
  image: string;
  imageInfo: ImageInfo;
  container: StartedContainer;
  url: string;
  limits: ContractLimits;
  /** Environment the container runs with; checks that start another container pass it on. */
  env: Record<string, string>;
  /** Values that must appear nowhere in the image (build secrets). */
  secretValues: string[];
  /** Every container a check starts goes through the run's scope, so one run's containers can be removed together. */
  scope: ContainerScope;
  /** The HEALTHCHECK the image declares, if any (NONE counts as none). */
  healthcheck?: { Test: string[]; Timeout?: number; Retries?: number };
  /** The model id to ask for: the first one /v1/models lists, once the server is up. */
  model(): Promise<string>;
}

export const chatBody = (model: string, content: string, stream = false) => ({ model, stream, messages: [{ role: 'user', content }] });
