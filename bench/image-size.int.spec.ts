import { tinyBench } from './tiny-bench';

// npm test runs the benches that have a --tiny mode once, so a bench broken by a change is found by the tests,
// not at the next full bench run. Figures are not judged here (benches print ratios, they assert nothing);
// only that the bench measured what it says.
describe('benches in their tiny mode', () => {
  it('image-size: one image on the native platform, its size, floor and guide-built size in a row', async () => {
    const out = await tinyBench('image-size');
    const row = out.split('\n').find((l) => l.startsWith('demo-agent '));
    expect(row).toBeDefined();
    const [, platform, size, floor, ratio, guide] = row!.trim().split(/\s{2,}/);
    expect(platform).toMatch(/^linux\/(amd64|arm64)$/);
    // The floor (interpreter plus installed dependencies) is a real part of the image, and smaller than it.
    expect(Number(floor)).toBeGreaterThan(5);
    expect(Number(floor)).toBeLessThan(Number(size));
    expect(Number(ratio)).toBeCloseTo(Number(size) / Number(floor), 1);
    // The guide's python:3.11-slim image holds the whole base besides the app.
    expect(Number(guide)).toBeGreaterThan(Number(floor));
  }, 900_000);
});
