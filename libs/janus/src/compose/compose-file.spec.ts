import { interpolate, readComposeServices } from './compose-file';

describe('compose file', () => {
  const read = (text: string) => readComposeServices('docker-compose.yml', text);

  it('interpolates as compose does: :- on unset or empty, - on unset only', () => {
    expect(interpolate('x:${T:-latest}', {})).toBe('x:latest');
    expect(interpolate('x:${T:-latest}', { T: '' })).toBe('x:latest');
    expect(interpolate('x:${T-latest}', { T: '' })).toBe('x:');
    expect(interpolate('x:${T}', { T: 'sha-1' })).toBe('x:sha-1');
  });

  it('lists each service with the repository its image names, whatever the tag variable holds', () => {
    expect(read('services:\n  gateway:\n    image: localhost:5000/gateway:${JANUS_TAG:-latest}\n    healthcheck: { interval: 2s }\n')).toEqual([
      { name: 'gateway', image: 'localhost:5000/gateway:${JANUS_TAG:-latest}', repository: 'gateway', healthcheckInFile: true },
    ]);
  });

  it.each([
    ['not YAML', 'services: [\n', /is not valid YAML/],
    ['no services', 'version: "3"\n', /has no 'services' map/],
    ['a build', 'services:\n  gateway:\n    build: apps/gateway\n', /service 'gateway' has 'build': compose must not build images/],
    ['no image', 'services:\n  gateway:\n    ports: ["8000:8000"]\n', /service 'gateway' has no 'image' \(allowed: an image reference/],
  ])('refuses a file with %s, naming the file and the service', (_what, text, message) => {
    expect(() => read(text)).toThrow(message);
    expect(() => read(text)).toThrow(/^janus: compose file docker-compose.yml: /);
  });
});
