import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';

const fails = (env: NodeJS.ProcessEnv): string => {
  try {
    loadConfig(env);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('expected a ConfigError');
};

describe('gateway configuration', () => {
  it('defaults to port 8000 with no competitors', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8000);
    expect(c.competitors).toEqual([]);
    expect(c.docker).toMatchObject({ instance: 'gateway', readyTimeoutMs: 30_000, warm: 0 });
  });

  it('reads competitors, inferring the runner and passing envFrom secrets from the environment only', () => {
    const c = loadConfig({
      CHUTES_API_KEY: 'sk-chutes',
      JANUS_COMPETITORS: JSON.stringify([
        { model: 'a', image: 'localhost:5000/a:1', env: { LOG_LEVEL: 'debug' }, envFrom: ['CHUTES_API_KEY'] },
        { model: 'b', url: 'http://b:8080' },
      ]),
    });
    expect(c.competitors).toEqual([
      { model: 'a', runner: 'docker', image: 'localhost:5000/a:1', env: { LOG_LEVEL: 'debug', CHUTES_API_KEY: 'sk-chutes' }, port: 8080, readOnlyRoot: true },
      { model: 'b', runner: 'fixed', url: 'http://b:8080', env: {}, port: 8080, readOnlyRoot: true },
    ]);
  });

  it('names the field, the value and what is allowed', () => {
    const message = fails({ PORT: 'eighty', JANUS_COMPETITORS: JSON.stringify([{ model: 'a', runner: 'podman', image: 'x' }, { model: 'b' }]) });
    expect(message).toContain('PORT: "eighty"');
    expect(message).toContain('JANUS_COMPETITORS[0].runner: "podman": must be one of: docker, fixed, sandy');
    expect(message).toContain('JANUS_COMPETITORS[1].image: missing: is required for runner "docker"');
  });

  it('refuses a secret value in the competitor JSON without echoing it, and names a missing envFrom variable', () => {
    const message = fails({
      JANUS_COMPETITORS: JSON.stringify([{ model: 'a', image: 'x', env: { TAVILY_API_KEY: 'tvly-secret' }, envFrom: ['SANDY_API_KEY'] }]),
    });
    expect(message).toContain(
      'JANUS_COMPETITORS[0].env.TAVILY_API_KEY: <hidden>: a secret-looking variable cannot have a value here: list "TAVILY_API_KEY" in envFrom',
    );
    expect(message).not.toContain('tvly-secret');
    const missing = fails({ JANUS_COMPETITORS: JSON.stringify([{ model: 'a', image: 'x', envFrom: ['SANDY_API_KEY'] }]) });
    expect(missing).toContain(`JANUS_COMPETITORS[0].envFrom: "SANDY_API_KEY" is not set in the gateway's environment`);
  });

  it('refuses invalid JSON, duplicate models and a bad URL', () => {
    expect(fails({ JANUS_COMPETITORS: '[{' })).toContain('JANUS_COMPETITORS: not valid JSON');
    expect(
      fails({
        JANUS_COMPETITORS: JSON.stringify([
          { model: 'a', image: 'x' },
          { model: 'a', image: 'y' },
        ]),
      }),
    ).toContain('JANUS_COMPETITORS[1].model: "a": "a" is already used by entry 0');
    expect(fails({ COMPETITOR_URL: 'ftp://x' })).toContain('COMPETITOR_URL: "ftp://x": must be an http(s) URL');
  });

  it('reads JANUS_COMPETITORS_FILE, and COMPETITOR_URL with or without a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-config-'));
    try {
      writeFileSync(join(dir, 'c.json'), JSON.stringify([{ model: 'f', image: 'img:1' }]));
      expect(loadConfig({ JANUS_COMPETITORS_FILE: join(dir, 'c.json') }).competitors.map((c) => c.model)).toEqual(['f']);
      expect(fails({ JANUS_COMPETITORS_FILE: join(dir, 'missing.json') })).toContain('cannot be read as JSON');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(loadConfig({ COMPETITOR_URL: 'http://agent:8080', COMPETITOR_MODEL: 'm' }).competitors).toEqual([
      { model: 'm', runner: 'fixed', url: 'http://agent:8080', env: {}, port: 0, readOnlyRoot: true },
    ]);
    expect(loadConfig({ COMPETITOR_URL: 'http://agent:8080' }).discoverFrom).toBe('http://agent:8080');
  });
});
