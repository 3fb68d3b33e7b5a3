const errors: string[] = [];
jest.mock('../../workspace/nx-logger', () => ({ logger: { error: (m: string) => errors.push(m), info: () => undefined, warn: () => undefined } }));

import problemExecutor from './executor';

describe('janus:problem', () => {
  it('fails, printing the message it was given', async () => {
    expect(await problemExecutor({ message: 'janus: apps/a/janus.json is not valid JSON' })).toEqual({ success: false });
    expect(errors).toEqual(['janus: apps/a/janus.json is not valid JSON']);
  });
});
