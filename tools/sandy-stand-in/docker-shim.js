#!/usr/bin/env node
// The `docker` a command exec'd in a stand-in sandbox finds first on its PATH. Real Sandy gives each sandbox
// its own VM and engine; the stand-in shares the host's engine, so this keeps sandboxes apart on it:
// containers join the sandbox's network namespace (so `-p 8080:8080` needs no host port and `localhost:8080`
// inside the sandbox is the container), get the sandbox's name prefix and labels, and only the sandbox's own
// containers can be named. Everything else goes to the real docker client unchanged.
const { spawnSync } = require('node:child_process');

const env = process.env;
const real = env.SANDY_STAND_IN_DOCKER;
const sandbox = env.SANDY_STAND_IN_SANDBOX;
const prefix = env.SANDY_STAND_IN_PREFIX;
const netnsOf = env.SANDY_STAND_IN_NETNS_CONTAINER;
const labels = JSON.parse(env.SANDY_STAND_IN_LABELS || '{}');
const SANDBOX_LABEL = 'org.janus.sandy-stand-in.sandbox';

// `docker run` flags that take no value; every other flag is taken to take one (the next argument unless `=`).
const BOOLEAN_FLAGS = new Set([
  '-d',
  '--detach',
  '--rm',
  '-i',
  '--interactive',
  '-t',
  '--tty',
  '--init',
  '--read-only',
  '-P',
  '--publish-all',
  '--no-healthcheck',
  '--oom-kill-disable',
  '--sig-proxy',
  '-q',
  '--quiet',
]);

function fail(message) {
  process.stderr.write(`docker (Sandy stand-in): ${message}\n`);
  process.exit(125);
}

function docker(args, capture = false) {
  const r = spawnSync(real, args, { stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8' });
  if (r.error) fail(r.error.message);
  return r;
}

function rewriteRun(args) {
  const out = ['run', '--network', `container:${netnsOf}`];
  for (const [k, v] of Object.entries(labels)) out.push('--label', `${k}=${v}`);
  let named = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const isBoolean = BOOLEAN_FLAGS.has(flag) || /^-[dit]+$/.test(flag);
    const value = isBoolean || inline !== undefined ? inline : args[++i];
    if (!isBoolean && value === undefined) fail(`${flag} needs a value`);
    if (flag === '-p' || flag === '--publish' || flag === '-P' || flag === '--publish-all') continue;
    if (flag === '--network' || flag === '--net') fail('a sandbox has one network; --network is not available');
    if (flag === '--name') {
      out.push('--name', prefix + value);
      named = true;
      continue;
    }
    if (isBoolean || inline !== undefined) out.push(a);
    else out.push(flag, value);
  }
  if (i >= args.length) fail('docker run needs an image');
  if (!named) out.push('--name', `${prefix}${Math.random().toString(16).slice(2, 8)}`);
  return [...out, '--', ...args.slice(i)];
}

/** This sandbox's container names, without the prefix. */
function ownNames() {
  const r = docker(['ps', '-a', '--filter', `label=${SANDBOX_LABEL}=${sandbox}`, '--format', '{{.Names}}'], true);
  return new Set(
    r.stdout
      .split('\n')
      .filter((n) => n.startsWith(prefix))
      .map((n) => n.slice(prefix.length)),
  );
}

const [command, ...rest] = process.argv.slice(2);
let args;
switch (command) {
  case 'pull':
  case 'images':
  case 'version':
  case 'info':
    args = [command, ...rest];
    break;
  case 'run':
    args = rewriteRun(rest);
    break;
  case 'ps':
    args = ['ps', '--filter', `label=${SANDBOX_LABEL}=${sandbox}`, ...rest];
    break;
  case 'rm':
  case 'stop':
  case 'kill':
  case 'logs':
  case 'inspect':
  case 'restart':
  case 'start':
  case 'wait':
  case 'exec': {
    const own = ownNames();
    let mapped = false;
    args = [command];
    for (const a of rest) {
      // `exec NAME CMD...`: only the container is a name; its command is left alone.
      if (!a.startsWith('-') && own.has(a) && !(command === 'exec' && mapped)) {
        args.push(prefix + a);
        mapped = true;
      } else args.push(a);
    }
    if (!mapped) fail(`no container of this sandbox is named in: docker ${[command, ...rest].join(' ')}`);
    break;
  }
  default:
    fail(`'docker ${command ?? ''}' is not available in the stand-in (pull, run, ps, rm, stop, kill, logs, inspect, restart, start, wait, exec are)`);
}
process.exit(docker(args).status ?? 1);
