import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { z } from 'zod';
import { workspacePath } from '../workspace/target-options';
import { composeProjectName, type ComposeInvocation } from './compose-cli';

const relativeFile = (what: string) =>
  z
    .string()
    .min(1, { error: 'must not be empty' })
    // eslint-disable-next-line no-control-regex
    .refine((p) => !/[\u0000-\u001f\u007f]/.test(p), { error: `${what} must be one line without control characters` });

/** Options every compose target shares: which file, which compose project, which env file. */
export const composeFields = {
  file: relativeFile('file').default('docker-compose.yml').meta({ description: 'The compose file, relative to the workspace root.' }),
  projectName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, { error: 'must be a compose project name: lowercase letters, digits, - and _, starting with a letter or digit' })
    .optional()
    .meta({ description: "Compose project name (default: the workspace folder's name, as compose itself would choose)." }),
  envFile: relativeFile('envFile').default('.env').meta({
    description: 'Env file compose interpolates ${VARS} from (secrets such as CHUTES_API_KEY live only there or in the environment); skipped if absent.',
  }),
};

export interface ComposeFieldValues {
  file: string;
  projectName?: string;
  envFile: string;
}

/** The compose invocation for a workspace: absolute paths, the project name compose would choose by default. */
export function composeInvocation(root: string, o: ComposeFieldValues): ComposeInvocation {
  const envFile = workspacePath(root, o.envFile);
  return {
    file: workspacePath(root, o.file),
    projectName: o.projectName ?? composeProjectName(basename(root)),
    envFile: existsSync(envFile) ? envFile : undefined,
  };
}
