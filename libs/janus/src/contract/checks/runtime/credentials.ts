import { startContainer } from '../../../engine/container-runner';
import { dockerClient } from '../../../engine/docker-client';
import { SECRET_KEY_PATTERN } from '../../../schema/common-fields';
import type { RuntimeTarget } from './runtime-target';

/** Started without any credential, the container must refuse to run: exit non-zero and say why. */
export async function checkMissingCredentials(t: RuntimeTarget, timeoutS = 30) {
  const env = Object.fromEntries(Object.entries(t.env).filter(([k]) => !SECRET_KEY_PATTERN.test(k) && k !== 'WARM_POOL'));
  const container = await startContainer(t.image, { env, labels: { ...t.labels, 'org.janus.check': 'credentials' } });
  try {
    const code = await Promise.race([
      dockerClient()
        .getContainer(container.id)
        .wait()
        .then((r: { StatusCode: number }) => r.StatusCode),
      new Promise<null>((resolve) => setTimeout(() => resolve(null), timeoutS * 1000)),
    ]);
    if (code === null) return { ok: false, figure: 'kept running', detail: `without credentials it was still running after ${timeoutS} s` };
    const message = (await container.logs(20)).trim().split('\n').at(-1) ?? '';
    if (code === 0) return { ok: false, figure: 'exit 0', detail: 'without credentials it exited 0' };
    return message
      ? { ok: true, figure: `exit ${code}: ${message.slice(0, 60)}` }
      : { ok: false, figure: `exit ${code}`, detail: 'it exited without saying why' };
  } finally {
    await container.remove();
  }
}
