import { DockerfileModel, pathArguments, runCommands, runMounts } from './dockerfile-model';

const keywordAndLine = (l: { stage: { index: number }; instruction: { getKeyword(): string; getRange(): { start: { line: number } } } } | undefined) =>
  l && [l.stage.index, l.instruction.getKeyword(), l.instruction.getRange().start.line + 1];

describe('DockerfileModel', () => {
  describe('stages', () => {
    const model = new DockerfileModel('ARG BASE=debian:12\nFROM ${BASE} AS Base\nUSER 1000\nFROM other:1 AS side\nFROM base AS app\nFROM app\nCMD ["x"]');

    it('knows which earlier stage each stage is built FROM, matching names case-insensitively', () => {
      expect(model.stages.map((s) => [s.image, s.parent?.index])).toEqual([
        ['debian:12', undefined],
        ['other:1', undefined],
        ['base', 0],
        ['app', 2],
      ]);
      expect(model.ancestry(model.finalStage!).map((s) => s.index)).toEqual([3, 2, 0]);
      expect(model.baseImage(model.finalStage!)).toBe('debian:12');
    });

    it('finds a stage by --target name', () => {
      expect(model.stageNamed('SIDE')?.index).toBe(1);
      expect(model.stageNamed('nope')).toBeUndefined();
    });

    it('a stage cannot build on itself or on a later stage: that name is an external image', () => {
      const m = new DockerfileModel('FROM later AS first\nFROM x:1 AS later\nFROM node AS node');
      expect(m.stages.map((s) => s.parent)).toEqual([undefined, undefined, undefined]);
    });

    it('keeps what comes before the first FROM apart from the stages', () => {
      const m = new DockerfileModel('# syntax=docker/dockerfile:1\nARG A=1\nRUN oops\nFROM a:1');
      expect(m.preamble.map((i) => i.getKeyword())).toEqual(['ARG', 'RUN']);
      expect(m.stages[0].instructions).toEqual([]);
    });
  });

  describe('inherited config', () => {
    it('takes the stage’s own last instruction, else the nearest ancestor’s', () => {
      const m = new DockerfileModel('FROM a:1 AS base\nUSER 1000\nHEALTHCHECK CMD ["t"]\nFROM base\nUSER root\nUSER 1001\nFROM b:1 AS other');
      expect(keywordAndLine(m.effective(m.stages[1], 'USER'))).toEqual([1, 'USER', 6]);
      expect(keywordAndLine(m.effective(m.stages[1], 'HEALTHCHECK'))).toEqual([0, 'HEALTHCHECK', 3]);
      expect(m.effective(m.stages[2], 'USER')).toBeUndefined();
    });

    it('lists an instruction kind over the whole ancestry, nearest stage first', () => {
      const m = new DockerfileModel('FROM a:1 AS base\nEXPOSE 1\nFROM c:1 AS copied\nEXPOSE 3\nFROM base\nEXPOSE 2');
      expect(m.findInAncestry(m.finalStage!, 'EXPOSE').map(keywordAndLine)).toEqual([
        [2, 'EXPOSE', 6],
        [0, 'EXPOSE', 2],
      ]);
    });
  });

  describe('resolve', () => {
    it('FROM sees global ARGs; build args override their defaults', () => {
      const text = 'ARG REG=localhost:5000 TAG=3.11\nFROM ${REG}/py:${TAG}';
      expect(new DockerfileModel(text).stages[0].image).toBe('localhost:5000/py:3.11');
      expect(new DockerfileModel(text, { buildArgs: { TAG: '3.12' } }).stages[0].image).toBe('localhost:5000/py:3.12');
    });

    it('a stage sees a global ARG only when it declares it again, and then gets its default', () => {
      const m = new DockerfileModel('ARG UID=1000\nFROM a:1\nUSER ${UID}\nARG UID\nUSER ${UID}');
      const [first, , second] = m.stages[0].instructions;
      expect(m.resolve('${UID}', m.stages[0], first)).toBe('${UID}');
      expect(m.resolve('${UID}', m.stages[0], second)).toBe('1000');
    });

    it('ENV is inherited from the stage built on, ARG is not; ENV wins over an ARG of the same name', () => {
      const m = new DockerfileModel('FROM a:1 AS base\nARG A=arg\nENV PORT=8080 HOME_DIR=/home/${A}\nFROM base\nARG PORT=1\nRUN x');
      const run = m.finalStage!.instructions.at(-1);
      expect(m.resolve('$PORT ${HOME_DIR} ${A}', m.finalStage, run)).toBe('8080 /home/arg ${A}');
    });

    it('handles default and alternative forms', () => {
      const m = new DockerfileModel('FROM a:1\nENV SET=v EMPTY=\nRUN x');
      const at = (t: string) => m.resolve(t, m.stages[0], m.stages[0].instructions[1]);
      expect(at('${NOPE:-d} ${EMPTY:-d} ${EMPTY-d} ${SET:-d}')).toBe('d d  v');
      expect(at('${SET:+alt} ${NOPE:+alt}|${EMPTY+alt}')).toBe('alt |alt');
    });

    it('keeps an unset variable for a linter, and empties it for a build', () => {
      expect(new DockerfileModel('FROM ${IMAGE}').stages[0].image).toBe('${IMAGE}');
      expect(new DockerfileModel('FROM ${IMAGE}', { unsetVariables: 'empty' }).stages[0].image).toBe('');
    });
  });

  describe('pathArguments', () => {
    it('reads ADD/COPY paths as BuildKit does: quotes removed, JSON form with its spaces, flags left out', () => {
      const m = new DockerfileModel(
        'FROM a:1\nADD "http://x/y" /x\nADD --chown=1:1 "app.tgz" \'my dir\' /x\nCOPY --from=b --link ["a b", "/c d"]\nADD --link \\\n  x.gz \\\n  /y\nADD [broken /x',
      );
      expect(m.stages[0].instructions.map(pathArguments)).toEqual([
        ['http://x/y', '/x'],
        ['app.tgz', 'my dir', '/x'],
        ['a b', '/c d'],
        ['x.gz', '/y'],
        ['[broken', '/x'],
      ]);
    });
  });

  describe('RUN', () => {
    const m = new DockerfileModel(
      'FROM a:1\nRUN --mount=type=cache,target=/var/lib/apt/ --mount=type=tmpfs,dst=/tmp --mount=source=x,destination=/y a && b -c "d e"\nRUN ["sh", "-c", "x | y"]\nRUN ["/usr/bin/python3", "-c", "print(1)"]\nRUN <<EOF\napt-get update\nrm -rf /x\nEOF',
    );
    const [shell, execSh, exec, heredoc] = m.stages[0].instructions;

    it('reads shell form, sh -c in exec form, plain exec form and heredocs as commands', () => {
      expect(runCommands(shell)).toEqual([['a'], ['b', '-c', 'd e']]);
      expect(runCommands(execSh)).toEqual([['x'], ['y']]);
      expect(runCommands(exec)).toEqual([['/usr/bin/python3', '-c', 'print(1)']]);
      expect(runCommands(heredoc)).toEqual([['<<EOF'], ['apt-get', 'update'], ['rm', '-rf', '/x'], ['EOF']]);
    });

    it('reads --mount flags with every spelling of the target, bind by default', () => {
      expect(runMounts(shell)).toEqual([
        { type: 'cache', target: '/var/lib/apt/' },
        { type: 'tmpfs', target: '/tmp' },
        { type: 'bind', target: '/y' },
      ]);
    });
  });
});
