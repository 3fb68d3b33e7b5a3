import { type ExecutorContext, logger } from '@nx/devkit';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { parseOptions } from '../../schema/parse-options';
import { isError } from './lib/finding';
import { formatJson, formatText } from './lib/format';
import { lintDockerfile } from './lib/lint-dockerfile';
import { type DockerfileLintOptions, schema } from './options-schema';

export default async function dockerfileLintExecutor(raw: DockerfileLintOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const options = parseOptions(schema, raw, 'janus:dockerfile-lint');
    const projectRoot = join(context.root, context.projectsConfigurations!.projects[context.projectName!].root);
    const file = isAbsolute(options.dockerfile) ? options.dockerfile : join(projectRoot, options.dockerfile);
    if (!existsSync(file)) throw new Error(`janus:dockerfile-lint: 'dockerfile' = ${JSON.stringify(options.dockerfile)}: no file at ${file}`);
    const ignoreFile = options.dockerignore ? join(context.root, options.dockerignore) : join(dirname(file), '.dockerignore');
    const findings = lintDockerfile({
      dockerfile: readFileSync(file, 'utf8'),
      dockerignore: existsSync(ignoreFile) ? readFileSync(ignoreFile, 'utf8') : null,
      port: options.port,
      ignore: options.ignore,
    });
    const shown = relative(context.root, file);
    // Notes (what the lint does not check) inform; only errors fail the target.
    const failed = findings.some(isError);
    if (options.format === 'json') process.stdout.write(formatJson(shown, findings) + '\n');
    else (failed ? logger.error : logger.info)(formatText(shown, findings));
    if (options.outputFile) {
      const out = join(context.root, options.outputFile);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, formatJson(shown, findings) + '\n');
    }
    return { success: !failed };
  } catch (e) {
    logger.error((e as Error).message);
    return { success: false };
  }
}
