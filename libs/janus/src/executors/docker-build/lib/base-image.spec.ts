import { baseDigestFromBuildLog, finalBaseImage } from './base-image';

describe('final base image', () => {
  const multiStage = `ARG BASE_IMAGE=python:3.11-slim
FROM \${BASE_IMAGE} AS builder
RUN true
FROM \${BASE_IMAGE} AS runtime
CMD ["python"]
`;
  it('resolves a global ARG default', () => {
    expect(finalBaseImage(multiStage, {})).toBe('python:3.11-slim');
  });
  it('lets a build arg override the default', () => {
    expect(finalBaseImage(multiStage, { BASE_IMAGE: 'localhost:5000/py:1' })).toBe('localhost:5000/py:1');
  });
  it('follows stage aliases to the real image', () => {
    expect(finalBaseImage('FROM node:20-slim AS base\nFROM base AS dev\nFROM dev\n', {})).toBe('node:20-slim');
  });
  it('reads several ARGs declared on one line', () => {
    expect(finalBaseImage('ARG REG=localhost:5000 TAG=3.11\nFROM ${REG}/py:${TAG}\n', {})).toBe('localhost:5000/py:3.11');
  });
  it('uses the target stage when one is given', () => {
    expect(finalBaseImage('FROM node:20-slim AS dev\nFROM gcr.io/distroless/nodejs20 AS prod\n', {}, 'dev')).toBe('node:20-slim');
  });
});

describe('base image digest from the build log', () => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const log = [
    '#3 [internal] load metadata for docker.io/library/python:3.11-slim',
    `#4 [builder 1/5] FROM docker.io/library/node:20-slim@sha256:${'cd'.repeat(32)}`,
    `#5 [runtime 1/5] FROM docker.io/library/python:3.11-slim@${digest}`,
  ];
  it('reads the digest BuildKit resolved the final base image to, however the reference was written', () => {
    expect(baseDigestFromBuildLog(log, 'python:3.11-slim')).toBe(digest);
    expect(baseDigestFromBuildLog(log, 'docker.io/library/python:3.11-slim')).toBe(digest);
  });
  it('says nothing when the log does not name that image (another engine, another tag)', () => {
    expect(baseDigestFromBuildLog(log, 'python:3.12-slim')).toBeUndefined();
    expect(baseDigestFromBuildLog(['STEP 1/5: FROM python:3.11-slim'], 'python:3.11-slim')).toBeUndefined();
  });
});
