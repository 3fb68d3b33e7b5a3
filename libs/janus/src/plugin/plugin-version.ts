import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildStampPath } from '../package/build-stamp';

/** The package's root: `dist/libs/janus` when built, `libs/janus` when run from the sources. */
export const PLUGIN_ROOT = join(__dirname, '../..');

/** The plugin's own package.json: its version and the Nx and Node versions it supports. */
export const PLUGIN_MANIFEST = JSON.parse(readFileSync(join(PLUGIN_ROOT, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  peerDependencies: { nx: string };
  engines: { node: string };
};

/**
 * What identifies the plugin's code in cache keys: its version, and for a build of this workspace (which changes
 * without a version bump) the content digest its build stamp records, so a rebuilt plugin never reuses what the
 * previous build inferred. Not the package version janus.json records (rendering's PACKAGE_VERSION): a
 * workspace build's id changes with every rebuild.
 */
export const PLUGIN_CODE_ID = [
  PLUGIN_MANIFEST.version,
  ...(existsSync(buildStampPath(PLUGIN_ROOT))
    ? [
        createHash('sha256')
          .update(readFileSync(buildStampPath(PLUGIN_ROOT)))
          .digest('hex')
          .slice(0, 16),
      ]
    : []),
].join('+');
