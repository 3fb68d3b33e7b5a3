import { probeHealth } from './health-probe';
import { type Competitor, type CompetitorRunner, type Lease, RunnerError } from './competitor-runner';

/**
 * A competitor that is already running at a fixed URL (`COMPETITOR_URL`, compose services, the built-in echo).
 * Nothing to start or stop: an endpoint is trusted until a request through it fails, and asked for /health
 * before it is handed out again, so a dead upstream answers 502 at once instead of per-request timeouts.
 */
export class FixedRunner implements CompetitorRunner {
  readonly kind = 'fixed' as const;
  private readonly suspect = new Set<string>();

  constructor(private readonly healthTimeoutMs = 2000) {}

  async acquire(competitor: Competitor, signal: AbortSignal): Promise<Lease> {
    if (!competitor.url) throw new RunnerError(`competitor ${competitor.model} has no url`, 500, 'competitor_misconfigured');
    const baseUrl = competitor.url.replace(/\/+$/, '');
    if (this.suspect.has(baseUrl)) {
      const health = await probeHealth(baseUrl, Math.min(this.healthTimeoutMs, 2000), signal);
      if (!health.ok)
        throw new RunnerError(`competitor ${competitor.model} is not answering at its fixed URL (${health.detail})`, 502, 'competitor_unavailable');
      this.suspect.delete(baseUrl);
    }
    return {
      baseUrl,
      headers: {},
      release: async (outcome) => {
        if (outcome === 'failed') this.suspect.add(baseUrl);
      },
    };
  }

  async shutdown(): Promise<void> {
    // Nothing was started.
  }
}
