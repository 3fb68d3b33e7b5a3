import { request } from 'node:http';
import type { GatewayConfig } from '../config';
import { type Competitor, RunnerError } from '../runners/competitor-runner';

export type RoutedCompetitor = Competitor & { runner: 'docker' | 'fixed' | 'sandy'; port: number; readOnlyRoot: boolean };

const DISCOVERY_TTL_MS = 30_000;

/**
 * `model` → competitor. Configured competitors are fixed at start; `COMPETITOR_URL` without `COMPETITOR_MODEL`
 * serves whatever that upstream lists, asked on demand and kept for 30 s after a successful answer.
 */
export class ModelRouter {
  private readonly byModel = new Map<string, RoutedCompetitor>();
  private discovered: { at: number; models: string[] } | undefined;

  constructor(
    competitors: GatewayConfig['competitors'],
    private readonly discoverFrom?: string,
  ) {
    for (const c of competitors) this.byModel.set(c.model, c);
  }

  add(c: RoutedCompetitor): void {
    this.byModel.set(c.model, c);
  }

  async resolve(model: string): Promise<RoutedCompetitor | undefined> {
    const known = this.byModel.get(model);
    if (known || !this.discoverFrom) return known;
    const models = await this.discover();
    if (models === undefined) {
      throw new RunnerError(
        `the upstream at COMPETITOR_URL (${this.discoverFrom}) does not list its models (GET /v1/models failed)`,
        502,
        'competitor_unavailable',
      );
    }
    return models.includes(model) ? { model, runner: 'fixed', url: this.discoverFrom, env: {}, port: 0, readOnlyRoot: true } : undefined;
  }

  async models(): Promise<string[]> {
    const discovered = this.discoverFrom ? ((await this.discover()) ?? []) : [];
    return [...this.byModel.keys(), ...discovered.filter((m) => !this.byModel.has(m))];
  }

  /** The upstream's models, or undefined when it cannot say and never could. */
  private async discover(): Promise<string[] | undefined> {
    if (this.discovered && Date.now() - this.discovered.at < DISCOVERY_TTL_MS) return this.discovered.models;
    const models = await listUpstreamModels(this.discoverFrom!).catch(() => undefined);
    if (models) this.discovered = { at: Date.now(), models };
    return models ?? this.discovered?.models;
  }
}

function listUpstreamModels(baseUrl: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/v1/models', baseUrl.replace(/\/+$/, '') + '/'), { timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Array<{ id?: unknown }> };
          resolve((body.data ?? []).map((m) => m.id).filter((id): id is string => typeof id === 'string'));
        } catch (e) {
          reject(e as Error);
        }
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}
