/**
 * The environment integration specs run the nx CLI in: no daemon, no Nx Cloud, no prompts, as on CI.
 *
 * Plugin isolation is off unless a spec asks for it. Isolated, Nx starts a worker process per plugin for every
 * command, and that is most of what a command costs on a 2-core machine: `nx show projects` on a one-project
 * workspace took 5.4–7.2 s isolated against 1.8–2.0 s in process, and the suite runs nx a few hundred times.
 * Executors and generators run the same code either way. Specs whose subject is the plugin as Nx loads it for
 * users (the published-plugin and migrate e2e, sync-gate's messages through the worker) keep isolation on.
 */
export function nxCliEnv(extra: NodeJS.ProcessEnv = {}, options: { isolatePlugins?: boolean } = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NX_DAEMON: 'false',
    NX_NO_CLOUD: 'true',
    NX_INTERACTIVE: 'false',
    CI: 'true',
    NX_ISOLATE_PLUGINS: options.isolatePlugins ? 'true' : 'false',
    ...extra,
  };
}
