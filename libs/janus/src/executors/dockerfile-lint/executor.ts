import { type ExecutorContext, logger } from '@nx/devkit';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { parseOptions } from '../../schema/parse-options';
import { isError } from './lib/finding';
import { formatJson, formatText } from './lib/format';
import { findHadolintConfig } from './lib/hadolint-config';
import { lintDockerfile, RULES } from './lib/lint-dockerfile';
import { resolveLintPaths } from './lib/lint-paths';
import { artifactUri, formatSarif } from './lib/sarif';
import { type DockerfileLintOptions, schema } from './options-schema';

export default async function dockerfileLintExecutor(raw: DockerfileLintOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  try {
    const options = parseOptions(schema, raw, 'janus:dockerfile-lint');
    const paths = resolveLintPaths(options, context.root, context.projectsConfigurations!.projects[context.projectName!].root);
    const file = paths.dockerfile;
    const hadolint = findHadolintConfig(paths.projectRoot, context.root);
    const findings = lintDockerfile({
      dockerfile: readFileSync(file, 'utf8'),
      dockerignore: paths.dockerignore === null ? null : readFileSync(paths.dockerignore, 'utf8'),
      port: options.port,
      ignore: [...options.ignore, ...(hadolint?.ignored ?? [])],
    });
    const shown = relative(context.root, file);
    // Notes (what the lint does not check) inform; only errors fail the target.
    const failed = findings.some(isError);
    // Machine formats go to stdout untouched, so they can be piped.
    const report = options.format === 'sarif' ? formatSarif(artifactUri(context.root, file), findings, RULES) : formatJson(shown, findings);
    if (options.format !== 'text') process.stdout.write(report + '\n');
    else {
      if (hadolint?.ignored.length) logger.info(`${shown}: ignoring ${hadolint.ignored.join(', ')} as ${relative(context.root, hadolint.file)} says`);
      (failed ? logger.error : logger.info)(formatText(shown, findings));
    }
    if (paths.outputFile) {
      mkdirSync(dirname(paths.outputFile), { recursive: true });
      writeFileSync(paths.outputFile, report + '\n');
    }
    return { success: !failed };
  } catch (e) {
    logger.error((e as Error).message);
    return { success: false };
  }
}
