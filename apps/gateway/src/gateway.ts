import type Docker from 'dockerode';
import { ConfigError, type GatewayConfig } from './config';
import { EchoCompetitor } from './echo/echo-competitor';
import { GatewayServer } from './http/gateway-server';
import { ModelRouter } from './http/model-router';
import type { Logger } from './log';
import type { CompetitorRunner } from './runners/competitor-runner';
import { type DockerCompetitor, DockerRunner } from './runners/docker/docker-runner';
import { FixedRunner } from './runners/fixed-runner';

export interface GatewayDeps {
  logger: Logger;
  /** The engine client; created from DOCKER_HOST / the default socket when a docker competitor is configured. */
  docker?: Docker;
  /** Extra labels on every container the Docker runner starts. */
  containerLabels?: Record<string, string>;
  /** Runners made elsewhere (the Sandy runner), by kind. */
  runners?: Partial<Record<CompetitorRunner['kind'], CompetitorRunner>>;
}

export interface RunningGateway {
  port: number;
  server: GatewayServer;
  runners: Partial<Record<CompetitorRunner['kind'], CompetitorRunner>>;
  /** Stops serving, then removes every container this gateway started. Idempotent. */
  close(): Promise<void>;
}

/** Builds the runners the configuration needs, clears what a crashed run left, and starts serving. */
export async function startGateway(config: GatewayConfig, deps: GatewayDeps): Promise<RunningGateway> {
  const runners: Partial<Record<CompetitorRunner['kind'], CompetitorRunner>> = { fixed: new FixedRunner(), ...deps.runners };
  // A competitor whose runner this build cannot make would fail every request: refuse to start instead.
  const missing = config.competitors.filter((c) => c.runner !== 'docker' && !runners[c.runner]);
  if (missing.length) {
    throw new ConfigError(
      `invalid gateway configuration:\n  ${missing.map((c) => `competitor ${c.model}: runner "${c.runner}" is not available in this gateway (available: docker, ${Object.keys(runners).join(', ')})`).join('\n  ')}`,
    );
  }
  const router = new ModelRouter(config.competitors, config.discoverFrom);
  const dockerCompetitors = config.competitors.filter((c) => c.runner === 'docker') as DockerCompetitor[];
  let dockerRunner: DockerRunner | undefined;
  if (dockerCompetitors.length) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- only a gateway with docker competitors loads the engine client
    const docker = deps.docker ?? new (require('dockerode') as typeof Docker)();
    dockerRunner = new DockerRunner(config.docker, { docker, logger: deps.logger, labels: deps.containerLabels });
    runners.docker = dockerRunner;
    await dockerRunner.removeLeftovers();
    dockerRunner.prewarm(dockerCompetitors);
  }
  let echo: EchoCompetitor | undefined;
  if (config.echoModel) {
    echo = new EchoCompetitor(config.echoModel);
    router.add({ model: config.echoModel, runner: 'fixed', url: await echo.start(), env: {}, port: 0, readOnlyRoot: true });
    deps.logger.info('built-in echo competitor enabled (JANUS_GATEWAY_ECHO_MODEL): it answers by echoing, it is no agent', { model: config.echoModel });
  }
  const server = new GatewayServer({ router, runners, logger: deps.logger, upstreamIdleTimeoutMs: config.upstreamIdleTimeoutMs });
  const port = await server.listen(config.port, config.host);
  deps.logger.info('gateway listening', {
    host: config.host,
    port,
    competitors: config.competitors.map((c) => `${c.model} (${c.runner})`),
    ...(config.discoverFrom ? { discoverFrom: config.discoverFrom } : {}),
  });
  let closing: Promise<void> | undefined;
  return {
    port,
    server,
    runners,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await Promise.all(Object.values(runners).map((r) => r.shutdown()));
        await echo?.stop();
      })()),
  };
}
