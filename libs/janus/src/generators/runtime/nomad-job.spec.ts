import { parse } from '@cdktn/hcl2json';
import { renderProject } from '../../rendering/render-record';
import { recordedOptions, type ResolvedRuntime, TEMPLATE_SET } from './generator';
import { PROVIDERS } from '../../rendering/providers';

type Block = Record<string, unknown>;
/** hcl2json gives every block as a list of bodies, labels as keys: one body per label here. */
const only = (v: unknown): Block => {
  expect(Array.isArray(v) && v.length === 1).toBe(true);
  return (v as Block[])[0];
};

// The job file parsed by HashiCorp's HCL parser (Go, as WASM), and the runtime spec's limits read from the result.
describe('runtime Nomad job', () => {
  const runtime: ResolvedRuntime = {
    ...PROVIDERS.openai,
    name: 'openai-runtime',
    directory: 'containers/openai-runtime',
    version: '0.169.0',
    baseImage: 'node:20-slim',
    uid: 1000,
    registry: 'https://registry.npmjs.org/',
    native: {},
  };
  const hcl = renderProject(runtime.name, { template: TEMPLATE_SET, options: recordedOptions(runtime) }).find(
    (f) => f.path === 'openai-runtime.nomad.hcl',
  )!.content;

  it('is valid HCL with the active and warm-pool limits of the spec, and the image as a variable', async () => {
    const json = await parse('openai-runtime.nomad.hcl', hcl);
    expect(only((json.variable as Block).image)).toMatchObject({ type: '${string}' });
    const job = only((json.job as Block)['openai-runtime']);
    const groups = job.group as Block;
    const expected = { active: { cpu: 500, memory: 512, mbits: 10, warm: 'false' }, 'warm-pool': { cpu: 100, memory: 256, mbits: 5, warm: 'true' } };
    for (const [name, limits] of Object.entries(expected)) {
      const task = only((only(groups[name]).task as Block)['openai-runtime']);
      expect(task.driver).toBe('docker');
      expect(task.kill_timeout).toBe('30s');
      expect(only(task.config).image).toBe('${var.image}');
      expect(only(task.env)).toMatchObject({ PROVIDER: 'openai', WARM_POOL: limits.warm });
      const resources = only(task.resources);
      expect(resources).toMatchObject({ cpu: limits.cpu, memory: limits.memory });
      expect(only(resources.network)).toMatchObject({ mbits: limits.mbits });
    }
  });

  it('is refused by the parser when broken, with the line (so the check above can fail)', async () => {
    await expect(parse('broken.nomad.hcl', hcl.replace(/}\s*$/, ''))).rejects.toThrow(/broken\.nomad\.hcl:\d+/);
  });
});
