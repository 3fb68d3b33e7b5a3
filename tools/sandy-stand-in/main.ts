// Runs the Sandy stand-in as a process, for trying the gateway's Sandy runner by hand:
//   SANDY_API_KEY=dev node -r @swc-node/register tools/sandy-stand-in/main.ts [--port 8090]
// then point the gateway at it with SANDY_BASE_URL=http://127.0.0.1:8090 and the same SANDY_API_KEY.
// Fault switches: SANDY_STAND_IN_FAULTS='{"createStatus":503}' (see StandInFaults). Ctrl-C terminates every sandbox.
import { parseArgs } from 'node:util';
import { callerLabels } from '../../libs/janus/src/engine/caller-labels';
import { SandyStandIn, type StandInFaults } from './sandy-stand-in';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8090' } } });
  const apiKey = process.env.SANDY_API_KEY;
  if (!apiKey) throw new Error('set SANDY_API_KEY: the bearer token the stand-in will require');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port}: must be an integer from 0 to 65535`);
  const faults = JSON.parse(process.env.SANDY_STAND_IN_FAULTS || '{}') as StandInFaults;
  const standIn = new SandyStandIn({ apiKey, port, faults, labels: callerLabels() });
  const url = await standIn.start();
  process.stdout.write(`Sandy stand-in (not Sandy: sandboxes share this host's Docker engine) listening on ${url}\n`);
  const stop = () => {
    standIn.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`${(e as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`sandy-stand-in: ${(e as Error).message}\n`);
  process.exit(1);
});
