import { removeImages, startBuiltServer } from '../../../../janus-testing/src/test-images';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { StartedContainer } from '../../engine/container-runner';
import { assertEngineRunning } from '../../engine/docker-client';
import { renderBaselineTo } from '../../../../janus-testing/src/render-baseline';
import { checkStreamUsage } from './stream-usage';
import type { BaselineTarget } from './target';

// The include_usage check against what the generator really produces, so check and server agree on the shape.
describe('checkStreamUsage on the generated baseline', () => {
  const dir = mkdtempSync(join(tmpdir(), 'janus-stream-usage-'));
  const image = `janus-test/stream-usage:${randomBytes(3).toString('hex')}`;
  let container: StartedContainer | undefined;

  beforeAll(async () => {
    await assertEngineRunning();
    renderBaselineTo(dir, 'plain');
    container = await startBuiltServer(dir, image);
  });
  afterAll(async () => {
    await container?.remove();
    await removeImages(image);
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes', async () => {
    const target = { url: container!.url, model: async () => 'janus-probe', limits: { requestTimeoutMs: 10_000 } as BaselineTarget['limits'] };
    expect(await checkStreamUsage(target)).toMatchObject({ ok: true, figure: '2 + 3 = 5 tokens before [DONE]' });
  });
});
