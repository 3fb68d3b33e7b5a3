import { parseAuthChallenge } from './auth-challenge';

describe('WWW-Authenticate parsing', () => {
  it('reads a Bearer challenge with quoted parameters', () => {
    expect(parseAuthChallenge('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"')).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' },
    });
  });
  it('reads a Basic challenge', () => {
    expect(parseAuthChallenge('Basic realm="Registry Realm"')).toEqual({ scheme: 'basic', params: { realm: 'Registry Realm' } });
  });
  it('ignores missing or unknown schemes', () => {
    expect(parseAuthChallenge(null)).toBeNull();
    expect(parseAuthChallenge('Negotiate abc')).toBeNull();
  });
});
