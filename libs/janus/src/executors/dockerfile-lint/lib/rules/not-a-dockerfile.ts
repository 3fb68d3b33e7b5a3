import type { Instruction } from 'dockerfile-ast';
import type { DockerfileModel } from '../../../../dockerfile/dockerfile-model';
import { reporter, type Rule } from '../rule';

const INSTRUCTIONS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL',
  'MAINTAINER', 'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]); // prettier-ignore

/** Whether the text holds control characters no text file has (NUL above all); tab, line breaks and ESC are fine. */
function hasBinaryControls(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 && ![0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x1b].includes(code)) return true;
  }
  return false;
}

/**
 * UTF-16 read as UTF-8: every other character is NUL (after a byte-order mark, which UTF-8 decoding turns
 * into replacement characters), and the rest is plain text.
 */
function looksUtf16(text: string): boolean {
  const body = text.replace(/^(\uFFFD\uFFFD|\uFEFF)/, '');
  const nuls = body.match(/\0/g)?.length ?? 0;
  return nuls > 0 && Math.abs(nuls * 2 - body.length) <= 2 && !hasBinaryControls(body.replace(/\0/g, ''));
}

/** Why a file with no FROM is not a Dockerfile, as precisely as the content allows. */
function whyNoStage(model: DockerfileModel): string {
  const { text } = model;
  if (text.trim() === '') return 'the file is empty';
  if (looksUtf16(text)) return 'the file is UTF-16 encoded; Docker reads a Dockerfile as UTF-8, so save it as UTF-8';
  if (hasBinaryControls(text)) return 'the file is binary (it holds control characters such as NUL), not a Dockerfile';
  const instructions = model.ast.getInstructions();
  if (instructions.length === 0) return 'the file holds only comments, no instructions';
  if (instructions.every((i) => i.getKeyword() === 'ARG')) return 'the file holds only ARG instructions and no FROM, so there is no stage to build';
  const unknown = instructions.find((i) => !INSTRUCTIONS.has(i.getKeyword()));
  const hint = unknown ? ` (line ${unknown.getRange().start.line + 1} starts with ${JSON.stringify(unknown.getInstruction())}, which is no instruction)` : '';
  return `the file has no FROM instruction, so there is no stage to build${hint}`;
}

export const notADockerfile: Rule = {
  id: 'JD000',
  name: 'not-a-dockerfile',
  hadolint: null,
  ignorable: false,
  reason: 'docker build would reject this file, so no other rule can vouch for it',
  check({ model }) {
    const report = reporter(this);
    if (model.stages.length === 0) return [report(0, whyNoStage(model))];
    const beforeFrom = model.preamble.filter((i) => i.getKeyword() !== 'ARG');
    const unknown = model.ast.getInstructions().filter((i: Instruction) => !INSTRUCTIONS.has(i.getKeyword()));
    return [
      ...beforeFrom.map((i) => report(i, `${i.getKeyword()} before the first FROM; only ARG may come before it`)),
      ...unknown.map((i) => report(i, `unknown instruction ${JSON.stringify(i.getInstruction())}`)),
    ];
  },
};
