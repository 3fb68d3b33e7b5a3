import { appendFileSync } from 'node:fs';
import type { BuildEngine } from './build-engine';

/**
 * JANUS_BUILD_TIMES_FILE: every platform build of this process and its children (nx tasks, spawned executors)
 * appends one JSON line there: platform, engine, seconds, ok. `npm test` sets it to say how much of its time
 * went into image builds (tools/build-times.ts). Unset, nothing is written.
 */
export const BUILD_TIMES_ENV = 'JANUS_BUILD_TIMES_FILE';

export interface BuildTimeEntry {
  platform: string;
  engine: BuildEngine['name'];
  seconds: number;
  ok: boolean;
  /** Where the build ran: the builder's endpoint, when not the local engine. */
  builder?: string;
}

/** The engine, its builds timed into the file the environment names (the same engine when none is named). */
export function timedBuilds<E extends BuildEngine>(engine: E, env: NodeJS.ProcessEnv = process.env): E {
  const file = env[BUILD_TIMES_ENV];
  if (!file) return engine;
  const build = engine.buildPlatform.bind(engine);
  engine.buildPlatform = async (req) => {
    const t0 = Date.now();
    let ok = false;
    try {
      const built = await build(req);
      ok = true;
      return built;
    } finally {
      const entry: BuildTimeEntry = { platform: req.platform, engine: engine.name, seconds: (Date.now() - t0) / 1000, ok };
      if (req.builder && !req.builder.local) entry.builder = req.builder.endpoint;
      // One short line per append: O_APPEND keeps concurrent writers' lines whole.
      appendFileSync(file, `${JSON.stringify(entry)}\n`);
    }
  };
  return engine;
}
