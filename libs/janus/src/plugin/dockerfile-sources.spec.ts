import { dockerfileSources, imagePathspecs } from './dockerfile-sources';

describe('the paths an image is made of (whose dirtiness decides its tags)', () => {
  const dockerfile = (body: string) => `FROM python:3.11-slim\n${body}\nCMD ["python"]\n`;

  it('are the Dockerfile, the .dockerignore and the COPY sources in the context, never files no COPY reads', () => {
    const sources = dockerfileSources(dockerfile('COPY app ./app\nCOPY pyproject.toml /srv/\nCOPY --from=builder /x /x\nADD ./conf/*.toml /etc/'));
    expect(imagePathspecs('apps/a', 'apps/a/Dockerfile', sources)).toEqual([
      'apps/a/Dockerfile',
      'apps/a/.dockerignore',
      'apps/a/app',
      'apps/a/pyproject.toml',
      'apps/a/conf/*.toml',
    ]);
  });

  it('are the whole context when a COPY source is only known from a build arg, or copies everything', () => {
    expect(imagePathspecs('apps/a', 'apps/a/Dockerfile', dockerfileSources(dockerfile('ARG SRC\nCOPY ${SRC} /srv/')))).toEqual(['apps/a', 'apps/a/Dockerfile']);
    expect(imagePathspecs('', 'apps/t/Dockerfile', dockerfileSources(dockerfile('COPY . /srv/')))).toEqual(['apps/t/Dockerfile', '.dockerignore', '.']);
  });
});
