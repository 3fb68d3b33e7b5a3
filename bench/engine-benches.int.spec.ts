import { tinyBench } from './tiny-bench';

// The benches that drive the engine, once each in their --tiny mode, so a change that breaks one is found by
// npm test rather than at the next full bench run. Figures are not judged (benches assert nothing); only that
// each measured what it says and printed its line.
const NUMBER = String.raw`\d+(\.\d+)?`;

describe('the engine benches in their tiny mode', () => {
  it('contract: the demo baseline built for this platform, its suite time and ready time against their targets', async () => {
    const out = await tinyBench('contract');
    expect(out).toMatch(new RegExp(`full suite\\s+${NUMBER} s\\s+= ${NUMBER} of the 10 s target`));
    expect(out).toMatch(new RegExp(`ready after\\s+${NUMBER} s\\s+= ${NUMBER}× inside the contract's 30 s`));
  }, 600_000);

  it('runtime: the smallest runtime, its size beside its floor and --version in a container beside the host', async () => {
    const row = (await tinyBench('runtime')).split('\n').find((l) => l.startsWith('google-runtime '));
    expect(row).toMatch(new RegExp(`^google-runtime\\s+${NUMBER} MB\\s+${NUMBER} MB\\s+${NUMBER}\\s+${NUMBER}\\s+${NUMBER}\\s+${NUMBER}$`));
  }, 900_000);

  it('gateway: a cold competitor through the gateway and direct, the warm overhead, and nothing left behind', async () => {
    const out = await tinyBench('gateway');
    expect(out).toMatch(/^fixture competitor\s+\d+(\.\d+)? ms\s+\d+(\.\d+)? ms\s+\d+\.\d\d/m);
    expect(out).toMatch(/^20\s+\d+(\.\d+)? ms/m);
    expect(out).toContain('containers left behind after SIGTERM to the gateway: 0; by the cold rounds: 0');
  }, 600_000);

  it('docker-build-cold: cold, no-change and source-only builds of the demo baseline on this platform, and its app layers', async () => {
    const out = await tinyBench('docker-build-cold');
    expect(out).toMatch(new RegExp(`^linux/(amd64|arm64)\\s+${NUMBER}\\s+${NUMBER} \\(${NUMBER}%\\)\\s+${NUMBER} \\(${NUMBER}%\\)`, 'm'));
    expect(out).toMatch(new RegExp(`app layers above the root filesystem \\(linux/\\w+\\): ${NUMBER} MB`));
  }, 900_000);

  it('docker-build: janus beside @nx/docker and the plain build, warm and source-only, and their two ratios', async () => {
    const out = await tinyBench('docker-build');
    expect(out).toMatch(new RegExp(`janus / @nx/docker, warm \\(nothing changed, Nx cache on\\):\\s+${NUMBER}×`));
    expect(out).toMatch(new RegExp(`janus / @nx/docker, source-only \\(one source file changed\\):\\s+${NUMBER}×`));
  }, 900_000);
});
