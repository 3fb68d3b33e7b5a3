import { ConfigError, loadConfig } from './config';
import { startGateway } from './gateway';
import { createLogger } from './log';
import type { CompetitorRunner } from './runners/competitor-runner';
import { SandyConfigError, SandyRunner, sandyConfigFromEnv } from './runners/sandy';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    process.stderr.write(`janus-gateway: ${e.message}\n`);
    process.exit(78);
  }
  const logger = createLogger(config.logLevel);
  // The Sandy runner needs SANDY_BASE_URL and SANDY_API_KEY, so it exists only when a competitor asks for it.
  const runners: Partial<Record<CompetitorRunner['kind'], CompetitorRunner>> = {};
  let gateway;
  try {
    if (config.competitors.some((c) => c.runner === 'sandy')) runners.sandy = new SandyRunner(sandyConfigFromEnv(process.env), { logger });
    gateway = await startGateway(config, { logger, runners });
  } catch (e) {
    if (!(e instanceof ConfigError) && !(e instanceof SandyConfigError)) throw e;
    process.stderr.write(`janus-gateway: ${e.message}\n`);
    process.exit(78);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    gateway.close().then(
      () => process.exit(0),
      (e: Error) => {
        logger.warn('shutdown did not finish cleanly', { reason: e.message });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e: Error) => {
  process.stderr.write(`janus-gateway: failed to start: ${e.message}\n`);
  process.exit(1);
});
