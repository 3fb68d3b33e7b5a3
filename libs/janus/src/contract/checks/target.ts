import type Docker from 'dockerode';
import type { StartedContainer } from '../../engine/container-runner';

export interface ContractLimits {
  port: number;
  readyTimeoutS: number;
  healthyTimeoutS: number;
  concurrency: number;
  sizeBudgetMb: number;
  /** Longest a single request may take before it counts as hung. */
  requestTimeoutMs: number;
}

/** What every baseline check gets: the running container, its image and the limits to judge by. */
export interface BaselineTarget {
  image: string;
  imageInfo: Docker.ImageInspectInfo;
  container: StartedContainer;
  url: string;
  model: string;
  limits: ContractLimits;
  /** Values that must appear nowhere in the image (build secrets). */
  secretValues: string[];
  /** Labels for every container a check starts, so one run's containers can be found and removed. */
  labels: Record<string, string>;
}

export const chatBody = (model: string, content: string, stream = false) => ({ model, stream, messages: [{ role: 'user', content }] });
