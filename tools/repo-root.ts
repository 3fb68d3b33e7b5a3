import { resolve } from 'node:path';

/** The workspace's root folder, for tools, specs and benches that read its files or run its binaries. */
export const REPO_ROOT = resolve(__dirname, '..');
