import { ConfigError, loadConfig } from './config';
import { startGateway } from './gateway';
import { createLogger } from './log';

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
  // Runners made outside this module (the Sandy runner) are passed in here, by kind.
  let gateway;
  try {
    gateway = await startGateway(config, { logger });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
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
