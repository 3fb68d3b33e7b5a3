import { parseImageReference, repositoryAndTag } from './image-reference';

describe('image references', () => {
  it.each([
    ['python:3.11-slim', { registry: 'docker.io', repository: 'library/python', tag: '3.11-slim' }],
    ['python', { registry: 'docker.io', repository: 'library/python', tag: 'latest' }],
    ['team/app:1', { registry: 'docker.io', repository: 'team/app', tag: '1' }],
    ['localhost:5000/janus/demo:sha-abc', { registry: 'localhost:5000', repository: 'janus/demo', tag: 'sha-abc' }],
    ['ghcr.io/o/r@sha256:' + 'a'.repeat(64), { registry: 'ghcr.io', repository: 'o/r', digest: 'sha256:' + 'a'.repeat(64) }],
    ['localhost:5000/x', { registry: 'localhost:5000', repository: 'x', tag: 'latest' }],
  ])('%s', (ref, expected) => {
    expect(parseImageReference(ref)).toEqual(expected);
  });
});

describe('repository and tag for the engine', () => {
  it.each([
    ['localhost:5000/team/app:1.2', { repo: 'localhost:5000/team/app', tag: '1.2' }],
    ['localhost:5000/app', { repo: 'localhost:5000/app', tag: 'latest' }],
    ['app:sha-1@sha256:' + 'b'.repeat(64), { repo: 'app', tag: 'sha-1' }],
  ])('%s', (ref, expected) => {
    expect(repositoryAndTag(ref)).toEqual(expected);
  });
});
