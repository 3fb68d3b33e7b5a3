// Preloaded (NODE_OPTIONS=--require) into every node process of one measured nx run by bench/graph: in Nx's
// plugin worker for the plugin named in JANUS_BENCH_PLUGIN, it appends the worker's own CPU time (user + sys,
// seconds) to the file JANUS_BENCH_WORKER_CPU names when the worker exits. That is the plugin's cost without
// the nx process's and Nx's own plugin workers', whose load-dependent swings are larger than the difference
// between two plugins. Nx starts the worker as `node plugin-worker.js <socket> <plugin name> <workspace root>`.
if (/plugin-worker\.js$/.test(process.argv[1] || '') && process.argv[3] === process.env.JANUS_BENCH_PLUGIN) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    require('node:fs').appendFileSync(process.env.JANUS_BENCH_WORKER_CPU, `${(user + system) / 1e6}\n`);
  });
}
