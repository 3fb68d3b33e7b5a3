import { OptionsError } from '../schema/parse-options';
import { RegistryError } from '../registry/registry-error';
import { UserError } from '../errors/user-error';
import { reportFailure } from './report-failure';

function reported(e: unknown): string[] {
  const lines: string[] = [];
  reportFailure(e, { error: (m) => lines.push(m) });
  return lines;
}

describe('reportFailure', () => {
  const verbose = process.env.NX_VERBOSE_LOGGING;
  afterEach(() => {
    if (verbose === undefined) delete process.env.NX_VERBOSE_LOGGING;
    else process.env.NX_VERBOSE_LOGGING = verbose;
  });
  beforeEach(() => delete process.env.NX_VERBOSE_LOGGING);

  it('prints a known error, by its type, as its one line', () => {
    expect(reported(new UserError('janus: no registry is set'))).toEqual(['janus: no registry is set']);
    expect(reported(new RegistryError('PUT', 'http://r/v2/x/manifests/a', 401, 'denied'))).toEqual(['registry: PUT http://r/v2/x/manifests/a → 401: denied']);
    expect(reported(new OptionsError('janus:docker-build', ['\'platforms\' = "x": bad']))).toHaveLength(1);
  });

  it('prints the stack of any other error, and of its cause, whatever its message says', () => {
    const cause = new RangeError('inner');
    const lines = reported(new TypeError("janus: cannot read properties of undefined (reading 'digest')", { cause }));
    expect(lines[0]).toBe("janus: cannot read properties of undefined (reading 'digest')");
    expect(lines[1]).toMatch(/^TypeError: janus: cannot read[^\n]*\n\s+at .*report-failure\.spec\.ts/);
    expect(lines[1]).toMatch(/\nCaused by: RangeError: inner\n\s+at /);
  });

  it('prints every stack under NX_VERBOSE_LOGGING=true, known errors too', () => {
    process.env.NX_VERBOSE_LOGGING = 'true';
    const lines = reported(new UserError('janus: no registry is set'));
    expect(lines[0]).toBe('janus: no registry is set');
    expect(lines[1]).toMatch(/^UserError: janus: no registry is set\n\s+at /);
  });

  it('names a vanished engine in words, without a stack (describeFailure knows that one)', () => {
    const gone = Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT', address: '/var/run/docker.sock' });
    const lines = reported(gone);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/not reachable/);
  });
});
