import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { registeredSchemas } from '../../libs/janus/src/schema/schema-registry';
import { BEGIN_MARKER, END_MARKER, generatedSection, packageReadmePath, renderEntry, renderReference, spliceReference } from './package-readme';

const PLUGIN_ROOT = join(__dirname, '../../libs/janus');
const README = packageReadmePath(PLUGIN_ROOT);
const collections = {
  generators: JSON.parse(readFileSync(join(PLUGIN_ROOT, 'generators.json'), 'utf8')).generators,
  executors: JSON.parse(readFileSync(join(PLUGIN_ROOT, 'executors.json'), 'utf8')).executors,
};
const STALE = "is out of date with the zod option schemas: run 'npm run schemas'";

describe('the package README (libs/janus/README.md)', () => {
  const section = generatedSection(readFileSync(README, 'utf8'));

  it('has one generated section between its markers', () => {
    expect(section).toBeDefined();
  });

  // The list comes from generators.json and executors.json, so whatever is registered must be documented.
  it.each(registeredSchemas(PLUGIN_ROOT).map((s) => [s.label, s] as const))('documents %s with every option as its schema states it', (label, s) => {
    const block = renderEntry(s, collections);
    if (!section?.includes(block)) throw new Error(`${README}: the entry for ${label} ${STALE}`);
  });

  it('holds nothing else in the generated section (no entry for something no longer registered)', () => {
    if (section !== renderReference(PLUGIN_ROOT)) throw new Error(`${README} ${STALE}`);
  });

  it('keeps the hand-written text around the markers when regenerating', () => {
    const readme = `# intro\n\nhand text\n\n${BEGIN_MARKER}\n\nold\n\n${END_MARKER}\n\n## after\n`;
    expect(spliceReference(readme, 'README.md', 'new')).toBe(`# intro\n\nhand text\n\n${BEGIN_MARKER}\n\nnew\n\n${END_MARKER}\n\n## after\n`);
  });

  it.each([
    ['no markers', '# intro\n'],
    ['an end before the begin', `${END_MARKER}\n${BEGIN_MARKER}\n`],
    ['two sections', `${BEGIN_MARKER}\n${END_MARKER}\n${BEGIN_MARKER}\n${END_MARKER}\n`],
  ])('refuses a README with %s, naming the file and the markers', (_what, readme) => {
    expect(() => spliceReference(readme, 'libs/janus/README.md', 'x')).toThrow(/libs\/janus\/README\.md needs exactly one '<!-- generated/);
  });
});
