/** The deadline of every registry step (`JANUS_REGISTRY_TIMEOUT_S`, default 30 s). */
export function registryTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.JANUS_REGISTRY_TIMEOUT_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 30_000;
}
