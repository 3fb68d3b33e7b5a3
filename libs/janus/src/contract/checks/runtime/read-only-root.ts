import type { RuntimeCheck } from '../../check';

/**
 * Hardened orchestrators run containers with a read-only root filesystem and a volume for state: the CLI must
 * still start as the runtime user, writing only its home (a CLI that cannot write its config dir hangs or fails).
 */
export const readOnlyRoot: RuntimeCheck = {
  id: 'read-only-root',
  title: 'runs with a read-only root and a writable home volume',
  kind: 'runtime',
  needs: [],
  async run(t) {
    if (!t.home) return { ok: false, figure: 'no HOME', detail: 'the image sets no HOME, so there is no home to give a volume' };
    const container = await t.scope.start(t.image, {
      env: { ...t.env, WARM_POOL: 'true' },
      readOnlyRootfs: true,
      volumes: [t.home],
      tmpfs: ['/tmp'],
      labels: { 'org.janus.check': 'read-only-root' },
    });
    try {
      const version = await container.exec(t.versionCommand);
      if (version.exitCode !== 0) {
        return {
          ok: false,
          figure: `exit ${version.exitCode}`,
          detail: `${t.versionCommand.join(' ')} on a read-only root: ${version.output.trim().slice(0, 300)}`,
        };
      }
      const write = await container.exec(['sh', '-c', `touch "${t.home}/.janus-contract" && rm "${t.home}/.janus-contract"`]);
      if (write.exitCode !== 0) return { ok: false, figure: 'home not writable', detail: `${t.home}: ${write.output.trim().slice(0, 300)}` };
      return { ok: true, figure: `${t.versionCommand[0]} ok, ${t.home} writable` };
    } finally {
      await container.remove();
    }
  },
};
