/** An OCI platform: what `--platform linux/arm64/v8` and a manifest list's `platform` object both say. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export const SUPPORTED_PLATFORMS = ['linux/amd64', 'linux/arm64', 'linux/arm/v7', 'linux/ppc64le', 'linux/s390x', 'linux/riscv64'] as const;

/** The platforms a build is for unless told otherwise: the two that cloud machines run. */
export const DEFAULT_PLATFORMS: ReadonlyArray<(typeof SUPPORTED_PLATFORMS)[number]> = ['linux/amd64', 'linux/arm64'];

/** `linux/arm64/v8` → { os, architecture, variant }. */
export function parsePlatform(spec: string): Platform {
  const [os, architecture, variant, ...rest] = spec.split('/');
  if (!os || !architecture || rest.length) throw new Error(`platform ${JSON.stringify(spec)}: expected os/arch[/variant], e.g. linux/amd64`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The suffix a per-platform tag carries: `linux/arm/v7` → `arm-v7`, since `/` is not allowed in a tag. */
export function platformTagSuffix(spec: string): string {
  const p = parsePlatform(spec);
  return [p.architecture, p.variant].filter(Boolean).join('-');
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm/v7', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' };

/** The platform this machine runs natively (the one the local engine runs without emulation). */
export function nativePlatform(arch: string = process.arch): string {
  return `linux/${NODE_ARCH[arch] ?? arch}`;
}

/** Whether an engine's image inspect (`Os`, `Architecture`, `Variant`) is the platform that was asked for. */
export function isPlatform(spec: string, image: { Os?: string; Architecture?: string; Variant?: string }): boolean {
  const p = parsePlatform(spec);
  return image.Os === p.os && image.Architecture === p.architecture && (!p.variant || !image.Variant || image.Variant === p.variant);
}
