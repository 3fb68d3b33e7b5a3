/**
 * What each agent CLI needs in a container, from measuring them (see the runtime README): where its native
 * binary comes from, which install scripts it needs, which credential it reads, and how it runs unattended.
 */
export interface RuntimeProvider {
  provider: string;
  package: string;
  bin: string;
  /** Environment variables that hold a usable credential; the first is the one the CLI reads. */
  credentials: string[];
  /** The only package whose install scripts may run (the CLI's own, when its postinstall links the native binary). */
  scriptsFor?: string;
  /** Per-platform package (npm alias spec) the CLI cannot start without: installed explicitly, never left to optional-dependency luck. */
  nativeFrom?: 'optional-dependencies';
  /** The config directory in the user's home the CLI writes to: created and owned by the runtime user. */
  configDir?: string;
  /** Switches that stop it updating itself or phoning home. */
  quietEnv: Record<string, string>;
  /** The CLI unattended, the prompt appended by the caller: what runs when the container gets no command. */
  headless: string[];
  /**
   * Image size budget in MB, from measurement (`npm run bench -- image-size`): the slim image is node plus the CLI
   * as installed (its floor) and ~9 MB of libraries, tools and user; the budget is issue 24's target, that floor
   * plus 30 MB, rounded up to 10 MB, so a regression past the target fails the build instead of passing unseen.
   */
  sizeBudgetMb: number;
}

export const PROVIDERS: Record<'openai' | 'anthropic' | 'google', RuntimeProvider> = {
  openai: {
    provider: 'openai',
    package: '@openai/codex',
    bin: 'codex',
    credentials: ['OPENAI_API_KEY'],
    nativeFrom: 'optional-dependencies',
    configDir: '.codex',
    quietEnv: { CODEX_DISABLE_UPDATE_CHECK: '1' },
    // The container is the sandbox: codex's own (bubblewrap) cannot start under Docker's default seccomp.
    headless: ['codex', 'exec', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox'],
    // Measured 2026-12-07: 530.7 MB (amd64), floor 521.6 MB; the native binary is most of it. arm64's CLI measured
    // within 1 MB of amd64's on the full base (702 - 280 vs 682 - 260 MB).
    sizeBudgetMb: 560,
  },
  anthropic: {
    provider: 'anthropic',
    package: '@anthropic-ai/claude-code',
    bin: 'claude',
    credentials: ['ANTHROPIC_API_KEY'],
    // Its bin is a stub until the postinstall hard-links the per-platform binary.
    scriptsFor: '@anthropic-ai/claude-code',
    nativeFrom: 'optional-dependencies',
    configDir: '.claude',
    quietEnv: { DISABLE_AUTOUPDATER: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_TELEMETRY: '1' },
    headless: ['claude', '-p', '--dangerously-skip-permissions'],
    // Measured 2026-12-07: 353.3 MB (amd64), floor 344.5 MB; arm64's CLI within 3 MB of amd64's on the full base.
    sizeBudgetMb: 380,
  },
  google: {
    provider: 'google',
    package: '@google/gemini-cli',
    bin: 'gemini',
    // gemini reads GEMINI_API_KEY; the runtime spec names GOOGLE_API_KEY, which the entrypoint passes on.
    credentials: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    configDir: '.gemini',
    quietEnv: { GEMINI_TELEMETRY_ENABLED: 'false', GEMINI_CLI_DISABLE_AUTO_UPDATE: 'true' },
    headless: ['gemini', '--yolo', '-p'],
    // Measured 2026-12-07: 207.6 MB on both amd64 and arm64, floor 198.7 MB.
    sizeBudgetMb: 230,
  },
};

export type ProviderName = keyof typeof PROVIDERS | 'custom';
