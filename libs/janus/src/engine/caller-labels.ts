/**
 * Labels the caller asks for on every container janus starts, from `JANUS_CONTAINER_LABELS` (`key=value,key=value`):
 * a CI job or a test run marks its containers so it can find and remove its own leftovers. Janus adds none of its own
 * beyond what each caller passes (docker-run's workspace labels, a contract run's scope).
 */
export function callerLabels(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const raw = env.JANUS_CONTAINER_LABELS?.trim();
  if (!raw) return {};
  return Object.fromEntries(
    raw.split(',').map((pair) => {
      const at = pair.indexOf('=');
      const key = (at < 0 ? pair : pair.slice(0, at)).trim();
      if (!key) throw new Error(`JANUS_CONTAINER_LABELS=${JSON.stringify(raw)}: ${JSON.stringify(pair)} has no label name; expected key=value[,key=value]`);
      return [key, at < 0 ? '' : pair.slice(at + 1).trim()];
    }),
  );
}
