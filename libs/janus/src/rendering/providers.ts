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
  /** Image size budget in MB, from measurement: base image plus the CLI as installed. */
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
    // Measured: 683 MB (amd64), 702 MB (arm64) on the node:20-slim stand-in; the native binary is most of it.
    sizeBudgetMb: 800,
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
    // Measured: 506 MB (amd64), 523 MB (arm64).
    sizeBudgetMb: 600,
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
    // Measured: 362 MB (amd64), 382 MB (arm64).
    sizeBudgetMb: 500,
  },
};

export type ProviderName = keyof typeof PROVIDERS | 'custom';
