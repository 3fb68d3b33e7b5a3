import { baselineContext, baselineContextSchema } from './baseline-context';
import { renderTemplateSet } from './template-renderer';

const valid = () => baselineContext({ name: 'probe', flavor: 'plain', port: 8080, uid: 1000, baseImage: 'python:3.11-slim' });

describe('baseline template context', () => {
  it('fills the contract defaults', () => {
    const ctx = valid();
    expect(ctx.modelId).toBe('janus-probe');
    expect(ctx.env).toEqual(
      expect.arrayContaining([
        { key: 'PORT', value: '8080' },
        { key: 'HOST', value: '0.0.0.0' },
      ]),
    );
    expect(ctx.healthcheck).toEqual({ interval: '10s', timeout: '5s', startPeriod: '10s', retries: 3, path: '/health' });
  });

  it.each([
    ['uid 0 (root)', { uid: 0 }, /uid/],
    ['port out of range', { port: 65536 }, /port/],
    ['unknown field', { extra: 1 }, /extra/],
    ['secret env value', { env: [{ key: 'JANUS_LLM_API_KEY', value: 'sk-123' }] }, /secret-looking/],
    ['env value with a space', { env: [{ key: 'X', value: 'a b' }] }, /whitespace/],
    ['flavor outside the enum', { flavor: 'crewai' }, /flavor/],
  ])('rejects %s', (_label, patch, message) => {
    const result = baselineContextSchema.safeParse({ ...valid(), ...patch });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });

  it('accepts an empty value for a secret-looking key (declares it without baking it)', () => {
    expect(baselineContextSchema.safeParse({ ...valid(), env: [{ key: 'JANUS_LLM_API_KEY', value: '' }] }).success).toBe(true);
  });

  it('fails the render when a template refers to something the context lacks', () => {
    const { modelId: _modelId, ...partial } = valid();
    expect(() => renderTemplateSet('baseline', partial, 'plain')).toThrow(/rendering .* failed/);
  });
});
