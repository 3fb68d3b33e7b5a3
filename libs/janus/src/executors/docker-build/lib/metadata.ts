import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECRET_KEY_PATTERN } from '../../../schema/common-fields';
import type { BaseImageInfo } from './base-image';

export interface PlatformResult {
  platform: string;
  /** Local tag of this platform's image (`<repository>:<primary>-<arch>`). */
  ref: string;
  imageId: string;
  size: number;
  /** Registry manifest digest, once pushed. */
  digest?: string;
  buildSeconds: number;
}

export interface BuildMetadata {
  project: string;
  image: string;
  tags: string[];
  pushed: boolean;
  indexDigest?: string;
  platforms: PlatformResult[];
  buildArgs: Record<string, string>;
  labels: Record<string, string>;
  baseImage?: BaseImageInfo;
  engine: string;
  git: { sha: string; branch?: string; tag?: string; prNumber?: number; dirty: boolean };
}

/** Build args are recorded for reproducibility, but never a value whose name says it is secret. */
export function redactBuildArgs(args: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(args).map(([k, v]) => [k, SECRET_KEY_PATTERN.test(k) ? '<redacted>' : v]));
}

/** Written atomically: the Nx cache or a reader never sees half a file. */
export function writeMetadata(outputPath: string, metadata: BuildMetadata): string {
  mkdirSync(outputPath, { recursive: true });
  const file = join(outputPath, 'metadata.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(metadata, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return file;
}
