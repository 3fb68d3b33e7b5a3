import { SECRET_KEY_PATTERN } from '../../../schema/common-fields';
import type { RuntimeCheck } from '../../check';

// Some CLIs wait on the network for ever without a credential: the entrypoint must refuse before they start.
export const FAIL_FAST_S = 5;

/** Started without any credential, the container must refuse to run, fast: exit non-zero and say why. */
export const missingCredentials: RuntimeCheck = {
  id: 'missing-credentials',
  title: `no credentials → clear failure within ${FAIL_FAST_S} s`,
  kind: 'runtime',
  needs: [],
  async run(t) {
    const limitS = FAIL_FAST_S;
    const env = Object.fromEntries(Object.entries(t.env).filter(([k]) => !SECRET_KEY_PATTERN.test(k) && k !== 'WARM_POOL'));
    const container = await t.scope.start(t.image, { env, labels: { 'org.janus.check': 'credentials' } });
    try {
      const code = await container.waitForExit(limitS * 1000);
      if (code === null) return { ok: false, figure: 'kept running', detail: `without credentials it was still running after ${limitS} s` };
      const message = (await container.logs(20)).trim().split('\n').at(-1) ?? '';
      if (code === 0) return { ok: false, figure: 'exit 0', detail: 'without credentials it exited 0' };
      return message
        ? { ok: true, figure: `exit ${code}: ${message.slice(0, 60)}` }
        : { ok: false, figure: `exit ${code}`, detail: 'it exited without saying why' };
    } finally {
      await container.remove();
    }
  },
};
