// Loaded for its effect, by the module every executor and generator parses its options with: in a workspace
// that runs the plugin from its own build, a build older than the sources stops here, before it runs.
import { join } from 'node:path';
import { assertBuiltFromCurrentSources } from './build-stamp';

assertBuiltFromCurrentSources(join(__dirname, '../..'));
