/**
 * The commands every slim final stage carries from its base: a POSIX shell and the usual file and text tools. The
 * contract execs `id`, `true`, `touch` and `rm`; runtimes' entrypoints and CLIs, and the agent-cli flavor's agent
 * commands, run shell pipelines. Everything else of the base (its package manager included) stays out.
 */
export const SLIM_TOOLS =
  'sh id ls cat echo printf head tail tr env true false sleep rm mkdir mktemp touch cp mv ln wc sort uniq cut tee date dirname basename grep sed';
