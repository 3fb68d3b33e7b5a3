import { HADOLINT_IDS, lintDockerfile } from './lint-dockerfile';

/**
 * Cases after hadolint's own specs for the rules both linters have (test/Hadolint/Rule/DL3002Spec.hs,
 * DL3006, DL3007, DL3009, DL3015, DL3020, DL3025), written as whole Dockerfiles, with the verdict hadolint gives.
 * JD002 (HEALTHCHECK), JD003, JD009 and JD010 have no hadolint counterpart. Where Janus judges otherwise on
 * purpose, `differs` says why, and the spec pins that difference so it cannot drift either way unnoticed.
 */
interface ParityCase {
  dl: string;
  title: string;
  dockerfile: string[];
  hadolintFlags: boolean;
  differs?: string;
}

const S = 'FROM debian:12';
const CASES: ParityCase[] = [
  // DL3002: last USER should not be root
  { dl: 'DL3002', title: 'USER root', dockerfile: ['FROM scratch', 'USER root'], hadolintFlags: true },
  { dl: 'DL3002', title: 'USER by name', dockerfile: ['FROM scratch', 'USER app'], hadolintFlags: false },
  { dl: 'DL3002', title: 'USER uid 0', dockerfile: ['FROM scratch', 'USER 0'], hadolintFlags: true },
  { dl: 'DL3002', title: 'USER root:root', dockerfile: ['FROM scratch', 'USER root:root'], hadolintFlags: true },
  { dl: 'DL3002', title: 'USER 0:0', dockerfile: ['FROM scratch', 'USER 0:0'], hadolintFlags: true },
  { dl: 'DL3002', title: 'USER root with another group', dockerfile: ['FROM scratch', 'USER root:staff'], hadolintFlags: true },
  { dl: 'DL3002', title: 'root, then back to a user', dockerfile: ['FROM scratch', 'USER root', 'RUN make', 'USER app'], hadolintFlags: false },
  {
    dl: 'DL3002',
    title: 'root inherited from an earlier stage',
    dockerfile: ['FROM debian:12 AS base', 'USER root', 'RUN make', 'FROM base', 'RUN make test'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3002',
    title: 'non-root user inherited from an earlier stage',
    dockerfile: ['FROM debian:12 AS base', 'USER 1000', 'FROM base', 'CMD ["app"]'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3002',
    title: 'inherited user overridden by root',
    dockerfile: ['FROM debian:12 AS base', 'USER 1000', 'FROM base', 'USER root'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3002',
    title: 'root left in a builder stage the image does not build on',
    dockerfile: ['FROM debian:12 AS build', 'USER root', 'RUN make', 'FROM scratch', 'USER app'],
    hadolintFlags: true,
    differs: 'only the final image runs; a builder stage may need root',
  },
  {
    dl: 'DL3002',
    title: 'final stage without USER',
    dockerfile: ['FROM debian:12 AS build', 'USER root', 'USER app', 'FROM scratch', 'RUN true'],
    hadolintFlags: false,
    differs: 'without USER the container runs as root, which is what the rule is about',
  },
  // DL3006: tag the base image
  { dl: 'DL3006', title: 'untagged', dockerfile: ['FROM debian'], hadolintFlags: true },
  { dl: 'DL3006', title: 'untagged, named stage', dockerfile: ['FROM debian AS build'], hadolintFlags: true },
  { dl: 'DL3006', title: 'digest only', dockerfile: ['FROM ruby@sha256:f1dbca0f5dbc9'], hadolintFlags: false },
  { dl: 'DL3006', title: 'tagged', dockerfile: ['FROM ruby:2'], hadolintFlags: false },
  { dl: 'DL3006', title: 'image from an ARG without default', dockerfile: ['FROM ${VALUE}'], hadolintFlags: false },
  {
    dl: 'DL3006',
    title: 'earlier stage as base',
    dockerfile: ['FROM golang:1.22-alpine AS build', 'RUN go build', 'FROM build AS test', 'RUN go test', 'FROM alpine:3.20', 'RUN true'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3006',
    title: 'untagged among tagged stages',
    dockerfile: ['FROM golang:1.22-alpine AS build', 'RUN go build', 'FROM node AS test', 'RUN npm test', 'FROM alpine:3.20', 'RUN true'],
    hadolintFlags: true,
  },
  { dl: 'DL3006', title: 'scratch', dockerfile: ['FROM scratch'], hadolintFlags: false },
  // DL3007: no :latest
  { dl: 'DL3007', title: ':latest', dockerfile: ['FROM debian:latest'], hadolintFlags: true },
  { dl: 'DL3007', title: ':latest, named stage', dockerfile: ['FROM debian:latest AS build'], hadolintFlags: true },
  { dl: 'DL3007', title: 'release tag', dockerfile: ['FROM debian:bookworm'], hadolintFlags: false },
  { dl: 'DL3007', title: 'digest', dockerfile: [`FROM registry.example/debian@sha256:${'7'.repeat(64)}`], hadolintFlags: false },
  { dl: 'DL3007', title: ':latest pinned by digest', dockerfile: [`FROM registry.example/debian:latest@sha256:${'7'.repeat(64)}`], hadolintFlags: false },
  { dl: 'DL3007', title: 'release tag, named stage', dockerfile: ['FROM debian:bookworm AS build'], hadolintFlags: false },
  // DL3009: delete the apt lists
  {
    dl: 'DL3009',
    title: 'update and install without cleanup',
    dockerfile: ['FROM scratch', 'RUN apt-get update && apt-get install python3'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3009',
    title: 'no cleanup in a stage only copied from',
    dockerfile: ['FROM ubuntu:24.04 AS deps', 'RUN apt-get update && apt-get install python3', 'FROM scratch', 'RUN echo hi'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'no cleanup in the final stage',
    dockerfile: ['FROM ubuntu:24.04 AS deps', 'RUN echo hi', 'FROM scratch', 'RUN apt-get update && apt-get install python3'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3009',
    title: 'no cleanup in a stage the final stage builds on',
    dockerfile: ['FROM ubuntu:24.04 AS deps', 'RUN apt-get update && apt-get install python3', 'FROM deps', 'RUN echo hi'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3009',
    title: 'cleanup in a stage the final stage builds on',
    dockerfile: ['FROM ubuntu:24.04 AS deps', 'RUN apt-get update && apt-get install python3 && rm -rf /var/lib/apt/lists/*', 'FROM deps', 'RUN echo hi'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'cleanup',
    dockerfile: ['FROM scratch', 'RUN apt-get update && apt-get install python3 && rm -rf /var/lib/apt/lists/*'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'cache mount on the lists',
    dockerfile: [S, 'RUN --mount=type=cache,target=/var/lib/apt/lists apt-get update && apt-get install python3'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'cache mounts on /var/lib/apt and /var/cache/apt',
    dockerfile: [
      S,
      'RUN --mount=type=cache,target=/var/lib/apt --mount=type=cache,target=/var/cache/apt rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install python3',
    ],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'cache mount on /var/cache/apt only',
    dockerfile: [S, 'RUN --mount=type=cache,target=/var/cache/apt rm -f /etc/apt/apt.conf.d/docker-clean && apt-get update && apt-get install python3'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3009',
    title: 'tmpfs mounts on both apt directories, update only',
    dockerfile: [S, 'RUN --mount=type=tmpfs,target=/var/cache/apt --mount=type=tmpfs,target=/var/lib/apt apt-get update'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'tmpfs and cache mounts, update only',
    dockerfile: [S, 'RUN --mount=type=tmpfs,target=/var/cache/apt --mount=type=cache,target=/var/lib/apt apt-get update'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'update alone leaves the lists',
    dockerfile: [S, 'RUN apt-get update', 'RUN apt-get install -y python3 && rm -rf /var/lib/apt/lists/*'],
    hadolintFlags: true,
  },
  { dl: 'DL3009', title: 'apt without cleanup', dockerfile: ['FROM scratch', 'RUN apt update && apt install python3'], hadolintFlags: true },
  {
    dl: 'DL3009',
    title: 'apt with cleanup',
    dockerfile: ['FROM scratch', 'RUN apt update && apt install python3 && rm -rf /var/lib/apt/lists/*'],
    hadolintFlags: false,
  },
  { dl: 'DL3009', title: 'aptitude without cleanup', dockerfile: ['FROM scratch', 'RUN aptitude update && aptitude install python3'], hadolintFlags: true },
  {
    dl: 'DL3009',
    title: 'aptitude with cleanup',
    dockerfile: ['FROM scratch', 'RUN aptitude update && aptitude install python3 && rm -rf /var/lib/apt/lists/*'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3009',
    title: 'apt-get with -o before install',
    dockerfile: [S, 'RUN apt-get update && apt-get -o Dpkg::Use-Pty=0 install -y python3'],
    hadolintFlags: true,
  },
  {
    dl: 'DL3009',
    title: 'cache mount on /var/lib/apt only, archives kept',
    dockerfile: [S, 'RUN rm -f /etc/apt/apt.conf.d/docker-clean', 'RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install python3'],
    hadolintFlags: true,
    differs: 'the lists live under /var/lib/apt, which is on the cache mount; the kept .deb archives are another matter',
  },
  // DL3015: --no-install-recommends
  { dl: 'DL3015', title: 'with --no-install-recommends', dockerfile: [S, 'RUN apt-get install --no-install-recommends python3'], hadolintFlags: false },
  { dl: 'DL3015', title: 'without', dockerfile: [S, 'RUN apt-get install python3'], hadolintFlags: true },
  { dl: 'DL3015', title: 'without, -y first', dockerfile: [S, 'RUN apt-get -y install python3'], hadolintFlags: true },
  { dl: 'DL3015', title: 'without, -y -q first', dockerfile: [S, 'RUN apt-get -y -q install python3'], hadolintFlags: true },
  { dl: 'DL3015', title: 'recommends off through -o', dockerfile: [S, 'RUN apt-get -o APT::Install-Recommends=false install python3'], hadolintFlags: false },
  { dl: 'DL3015', title: 'another -o option', dockerfile: [S, 'RUN apt-get -o Dpkg::Use-Pty=0 install -y python3'], hadolintFlags: true },
  {
    dl: 'DL3015',
    title: 'apt install',
    dockerfile: [S, 'RUN apt install -y python3'],
    hadolintFlags: false,
    differs: 'apt installs recommends just like apt-get; hadolint checks apt-get only',
  },
  {
    dl: 'DL3015',
    title: 'aptitude install',
    dockerfile: [S, 'RUN aptitude install -y python3'],
    hadolintFlags: false,
    differs: 'aptitude installs recommends by default too; hadolint checks apt-get only',
  },
  // DL3020: COPY instead of ADD for files and folders
  { dl: 'DL3020', title: 'tar', dockerfile: [S, 'ADD file.tar /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'gzip', dockerfile: [S, 'ADD file.gz /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'bzip2', dockerfile: [S, 'ADD file.bz2 /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'xz', dockerfile: [S, 'ADD file.xz /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'tgz', dockerfile: [S, 'ADD file.tgz /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'URL', dockerfile: [S, 'ADD http://example.com/file /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'plain file', dockerfile: [S, 'ADD file /usr/src/app/'], hadolintFlags: true },
  { dl: 'DL3020', title: 'zip (not unpacked)', dockerfile: [S, 'ADD file.zip /usr/src/app/'], hadolintFlags: true },
  { dl: 'DL3020', title: 'quoted tgz', dockerfile: [S, 'ADD "file.tgz" /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'quoted URL', dockerfile: [S, 'ADD "http://example.com/file" /usr/src/app/'], hadolintFlags: false },
  { dl: 'DL3020', title: 'quoted zip', dockerfile: [S, 'ADD "file.zip" /usr/src/app/'], hadolintFlags: true },
  {
    dl: 'DL3020',
    title: 'lzma',
    dockerfile: [S, 'ADD file.lzma /usr/src/app/'],
    hadolintFlags: false,
    differs: 'Docker unpacks tar plain or with gzip, bzip2, xz or zstd; an .lzma is copied as it is',
  },
  // DL3025: JSON form for CMD and ENTRYPOINT
  { dl: 'DL3025', title: 'ENTRYPOINT shell form', dockerfile: ['FROM node:20 AS app', 'ENTRYPOINT node server.js'], hadolintFlags: true },
  { dl: 'DL3025', title: 'ENTRYPOINT JSON form', dockerfile: ['FROM scratch AS app', 'ENTRYPOINT ["node", "server.js"]'], hadolintFlags: false },
  { dl: 'DL3025', title: 'CMD shell form', dockerfile: ['FROM node:20 AS app', 'CMD node server.js'], hadolintFlags: true },
  {
    dl: 'DL3025',
    title: 'CMD JSON form, with and without inner spaces',
    dockerfile: ['FROM scratch AS app', 'CMD ["node", "server.js"]', 'CMD [ "node", "server.js" ]'],
    hadolintFlags: false,
  },
  { dl: 'DL3025', title: 'HEALTHCHECK CMD JSON form', dockerfile: [S, 'HEALTHCHECK CMD [ "curl", "-f", "localhost" ]'], hadolintFlags: false },
  {
    dl: 'DL3025',
    title: 'CMD JSON form across continued lines',
    dockerfile: [S, 'CMD [ "/bin/sh", "-c", \\', '      "echo one && \\', '       echo two" \\', '    ]'],
    hadolintFlags: false,
  },
  {
    dl: 'DL3025',
    title: 'HEALTHCHECK CMD shell form',
    dockerfile: [S, 'HEALTHCHECK CMD curl -f localhost'],
    hadolintFlags: true,
    differs: 'JD004 is about signals reaching the server; a health probe is not PID 1, so its shell costs nothing there',
  },
];

/** Whether Janus reports the problem hadolint calls `dl`: some finding stands for that id. */
const janusFlags = (c: ParityCase) =>
  lintDockerfile({ dockerfile: c.dockerfile.join('\n') + '\n', dockerignore: '.git\n.env\n' }).some((f) => f.hadolint === c.dl);

describe('agreement with hadolint on the rules both have', () => {
  const agreeing = CASES.filter((c) => !c.differs);
  const differing = CASES.filter((c) => c.differs);

  it.each(agreeing.map((c) => [c.dl, c.title, c] as const))('%s %s: same verdict as hadolint', (_dl, _title, c) => {
    expect(janusFlags(c)).toBe(c.hadolintFlags);
  });

  it.each(differing.map((c) => [c.dl, c.title, c.differs, c] as const))('%s %s: differs on purpose, %s', (_dl, _title, _why, c) => {
    expect(janusFlags(c)).toBe(!c.hadolintFlags);
  });

  it('covers every hadolint id Janus maps, and agrees on all but the documented differences', () => {
    expect([...new Set(CASES.map((c) => c.dl))].sort()).toEqual([...HADOLINT_IDS].sort());
    expect({ cases: CASES.length, agreeing: agreeing.length }).toEqual({ cases: 71, agreeing: 64 });
  });
});
